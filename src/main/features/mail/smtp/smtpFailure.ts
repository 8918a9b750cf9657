import util from 'node:util';
import type { SmtpFailure } from '../../../../shared/contract/mail';
import { AppError } from '../../../core/AppError';
import type { SmtpTarget } from './smtpTarget';

/**
 * The facts an SMTP error carries. nodemailer rewrites `code` (ECONNREFUSED arrives as ESOCKET, certificate
 * problems as ESOCKET or ETLS), so the cause is read from errno, the message, responseCode and command
 * together. Our own staged probe raises errors of the same shape, so both go through one classifier.
 */
export interface SmtpErrorFacts {
  code?: string;
  errno?: number | string;
  syscall?: string;
  responseCode?: number;
  command?: string;
  response?: string;
  message: string;
  timeoutType?: string;
}

/** An error raised by our own SMTP probe, shaped like nodemailer's. */
export class SmtpProtocolError extends Error implements SmtpErrorFacts {
  constructor(
    message: string,
    readonly code: string,
    readonly command: string,
    readonly extra: {
      responseCode?: number;
      response?: string;
      errno?: number | string;
      syscall?: string;
      timeoutType?: string;
    } = {},
  ) {
    super(message);
    this.name = 'SmtpProtocolError';
  }
  get responseCode() {
    return this.extra.responseCode;
  }
  get response() {
    return this.extra.response;
  }
  get errno() {
    return this.extra.errno;
  }
  get syscall() {
    return this.extra.syscall;
  }
  get timeoutType() {
    return this.extra.timeoutType;
  }
}

export function factsOf(err: unknown): SmtpErrorFacts {
  if (typeof err !== 'object' || err === null) return { message: String(err) };
  const e = err as Record<string, unknown>;
  const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
  return {
    code: str(e.code),
    errno: typeof e.errno === 'number' || typeof e.errno === 'string' ? e.errno : undefined,
    syscall: str(e.syscall),
    responseCode: typeof e.responseCode === 'number' ? e.responseCode : undefined,
    command: str(e.command),
    response: str(e.response),
    message: str(e.message) ?? String(err),
    timeoutType: str(e.timeoutType),
  };
}

/** The system error name (ECONNREFUSED…) even when nodemailer replaced `code` with its own. */
function systemErrorName(f: SmtpErrorFacts): string | null {
  if (typeof f.errno === 'number') {
    try {
      return util.getSystemErrorName(f.errno);
    } catch {
      return null;
    }
  }
  if (typeof f.errno === 'string') return f.errno;
  const m = /\b(ECONNREFUSED|ECONNRESET|EHOSTUNREACH|ENETUNREACH|ENOTFOUND|EAI_AGAIN|EPIPE|EADDRNOTAVAIL)\b/.exec(f.message);
  return m ? (m[1] as string) : null;
}

const CERT_PROBLEM =
  /certificate|self[- ]signed|unable to verify|UNABLE_TO_|CERT_|DEPTH_ZERO|ERR_TLS_CERT_ALTNAME_INVALID|Hostname\/IP does not match|altnames/i;

/** Words for a certificate verification error code or message. */
export function describeCertificateProblem(reason: string): string {
  if (/EXPIRED|has expired/i.test(reason)) return 'the certificate has expired';
  if (/NOT_YET_VALID|not yet valid/i.test(reason)) return 'the certificate is not valid yet (check the clocks)';
  if (/DEPTH_ZERO_SELF_SIGNED|self[- ]signed certificate$/i.test(reason)) return 'the certificate is self-signed';
  if (/SELF_SIGNED_CERT_IN_CHAIN|self[- ]signed certificate in certificate chain/i.test(reason))
    return 'the certificate chain ends in an untrusted (self-signed) root';
  if (/ALTNAME|does not match|altnames/i.test(reason)) return 'the certificate was issued for a different host name';
  if (/UNABLE_TO_GET_ISSUER|UNABLE_TO_VERIFY_LEAF|unable to verify|local issuer/i.test(reason))
    return 'the certificate was issued by an authority this computer does not trust (missing intermediate or private CA)';
  return `the certificate did not verify (${reason})`;
}

type Category = SmtpFailure['code'];

/** What every classification phase reads: the facts, the place, and how to build the answer. */
interface Facts {
  f: SmtpErrorFacts;
  where: string;
  sys: string | null;
  reply: string;
  target: Pick<SmtpTarget, 'host' | 'port' | 'security' | 'user'>;
  make(code: Category, message: string, hint: string): SmtpFailure;
}

/** Phase 1, reaching the host: name resolution, refused, no route. */
function unreachable({ f, where, sys, target, make }: Facts): SmtpFailure | null {
  if (f.code === 'EDNS' || sys === 'ENOTFOUND' || sys === 'EAI_AGAIN') {
    return make(
      'SMTP_CONNECTION_FAILED',
      `The host name "${target.host}" does not resolve (${sys ?? f.message}).`,
      'Check the spelling of the SMTP host, and that this computer can resolve it (VPN, internal DNS).',
    );
  }
  if (sys === 'ECONNREFUSED') {
    return make(
      'SMTP_CONNECTION_FAILED',
      `Nothing accepts connections at ${where} (connection refused).`,
      'Check the port and that the mail server runs: SMTP usually listens on 25, 587 (STARTTLS), 465 (implicit TLS) or 1025 (Mailpit).',
    );
  }
  if (sys === 'EHOSTUNREACH' || sys === 'ENETUNREACH' || sys === 'EADDRNOTAVAIL') {
    return make(
      'SMTP_CONNECTION_FAILED',
      `${target.host} cannot be reached from this computer (${sys}).`,
      'Check the network path: VPN, firewall, or whether the server is only reachable from inside its network.',
    );
  }
  return null;
}

/** Phase 2, TLS: plain text on a TLS port, certificate problems, STARTTLS missing or refused. */
function tlsProblem({ f, where, reply, target, make }: Facts): SmtpFailure | null {
  if (/wrong version number|packet length too long|unknown protocol|http request/i.test(f.message)) {
    return make(
      'SMTP_TLS_FAILED',
      `${where} answered in plain text, not TLS: it is not an implicit-TLS port.`,
      target.port === 465
        ? 'This server does not speak TLS on 465; try security "STARTTLS" or "none".'
        : 'Choose security "STARTTLS" for this port (implicit TLS is normally port 465), or "none" for a plain development server.',
    );
  }
  if (
    CERT_PROBLEM.test(f.message) &&
    (f.code === 'ESOCKET' || f.code === 'ETLS' || f.command === 'CONN' || f.command === 'STARTTLS')
  ) {
    return make(
      'SMTP_TLS_FAILED',
      `TLS with ${where} failed: ${describeCertificateProblem(f.message)}.`,
      'Install a certificate for this host name from a trusted authority; for a development server you can accept the unverified certificate for this test.',
    );
  }
  if (f.code === 'ETLS' || f.code === 'EREQUIRETLS') {
    // Our probe sees STARTTLS missing from EHLO; nodemailer's requireTLS sends it anyway and gets 500/502.
    const notAdvertised = /does not offer STARTTLS/i.test(f.message);
    const notOffered = notAdvertised || (f.command === 'STARTTLS' && (f.responseCode ?? 0) >= 500);
    return make(
      'SMTP_TLS_FAILED',
      notAdvertised
        ? `${where} does not offer STARTTLS (it is not in its EHLO reply).`
        : notOffered
          ? `${where} refused STARTTLS.${reply}`
          : `The TLS handshake with ${where} failed: ${f.message}.${reply}`,
      notOffered
        ? 'This server does not offer STARTTLS on this port: choose security "none" (development only) or the TLS port of the server.'
        : 'Check that the port and security match (465 = implicit TLS, 587 = STARTTLS), and the server certificate.',
    );
  }
  return null;
}

/** Phase 3, login: credentials missing, login only over TLS, login rejected. */
function loginProblem({ f, where, reply, target, make }: Facts): SmtpFailure | null {
  if (
    f.code === 'EAUTH' ||
    f.code === 'ENOAUTH' ||
    ((f.responseCode === 530 || f.responseCode === 535) && /AUTH|MAIL FROM/.test(f.command ?? ''))
  ) {
    if (/Missing credentials/i.test(f.message) || f.code === 'ENOAUTH' || f.responseCode === 530) {
      return make(
        'SMTP_AUTH_FAILED',
        `${where} requires authentication before it accepts mail.${reply}`,
        target.user
          ? `Save the SMTP password for "${target.user}" in the profile (or give SMTP_PASSWORD).`
          : 'Set an SMTP user and password in the profile.',
      );
    }
    if (f.responseCode === 538 || /STARTTLS first|Encryption required/i.test(f.response ?? '')) {
      return make(
        'SMTP_AUTH_FAILED',
        `${where} only accepts a login over an encrypted connection.${reply}`,
        'Choose security "STARTTLS" (or "TLS" on port 465) so the password is sent encrypted.',
      );
    }
    return make(
      'SMTP_AUTH_FAILED',
      `${where} rejected the login${target.user ? ` for "${target.user}"` : ''}.${reply}`,
      'Check the user name and the saved SMTP password (mind app-specific passwords for hosted mail).',
    );
  }
  return null;
}

/** Phase 4, silence: no greeting, or no answer in time. */
function timedOut({ f, where, target, make }: Facts): SmtpFailure | null {
  if (f.code === 'ETIMEDOUT' || /timed? ?out|Greeting never received/i.test(f.message)) {
    const greeting = f.timeoutType === 'GREETING_TIMEOUT' || /Greeting/i.test(f.message);
    return make(
      'SMTP_TIMEOUT',
      greeting
        ? `${where} accepted the connection but never sent an SMTP greeting.`
        : `${where} did not answer in time (${f.timeoutType ?? f.command ?? 'connect'}).`,
      greeting && target.port === 465 && target.security !== 'tls'
        ? 'Port 465 expects implicit TLS: choose security "TLS".'
        : greeting
          ? 'Check that this port is an SMTP port (not HTTP or IMAP) and that the server is healthy; if it expects implicit TLS, choose "TLS".'
          : 'A firewall may be dropping the packets; check host, port and network path, or raise the timeout.',
    );
  }
  return null;
}

/** Phase 5, the server said no: in its greeting, or to the envelope or message. */
function refusedByServer({ f, where, reply, make }: Facts): SmtpFailure | null {
  if (f.command === 'CONN' && f.responseCode !== undefined && f.responseCode !== 220) {
    // A 421/554 greeting: the server talks SMTP but will not serve this client. nodemailer reports it as
    // EPROTOCOL "Invalid greeting", our probe as ECONNECTION; both carry the reply code from the greeting.
    return make(
      'SMTP_REJECTED',
      `${where} refused the session in its greeting (${f.responseCode}).${reply}`,
      f.responseCode === 421
        ? 'The server is busy or shutting down (421): try again later.'
        : 'The server refuses this client (blocklist, rate limit, or this network is not allowed): try again later, from an allowed network, or ask its administrator.',
    );
  }
  if (f.code === 'EENVELOPE' || f.code === 'EMESSAGE' || (f.responseCode !== undefined && f.responseCode >= 500)) {
    const size = f.responseCode === 552 || /size|too large/i.test(f.message);
    return make(
      'SMTP_REJECTED',
      size
        ? `${where} refused the message as too large.${reply}`
        : `${where} refused the mail at ${f.command ?? 'a command'}.${reply}`,
      size
        ? 'Send a smaller message or raise the size limit of the server.'
        : f.command === 'MAIL FROM'
          ? 'The sender address is not allowed for this account: set a From address the server accepts.'
          : f.command === 'RCPT TO'
            ? 'The server will not relay to this recipient: check the address and relaying rights of the account.'
            : 'Read the server reply; it names the policy that refused the mail.',
    );
  }
  if (f.responseCode === 421 || f.responseCode === 554) {
    return make(
      'SMTP_REJECTED',
      `${where} refuses service to this client.${reply}`,
      'The server may be rate limiting or block this address; try again later or ask its administrator.',
    );
  }
  return null;
}

/** Phase 6, the connection ended without an answer, or the port speaks another protocol. */
function droppedOrForeign({ f, where, sys, reply, target, make }: Facts): SmtpFailure | null {
  if (sys === 'ECONNRESET' || sys === 'EPIPE' || f.code === 'ECONNECTION' || /closed/i.test(f.message)) {
    // Our probe knows the greeting arrived when the hang-up comes at EHLO/HELO; nodemailer says CONN for both.
    const afterGreeting = f.command === 'EHLO' || f.command === 'HELO';
    return make(
      'SMTP_CONNECTION_FAILED',
      afterGreeting
        ? `${where} greeted, then closed the connection at ${f.command} without an answer.${reply}`
        : `${where} closed the connection unexpectedly${f.command === 'CONN' ? ' while the session was being set up' : f.command ? ` during ${f.command}` : ''}.${reply}`,
      afterGreeting
        ? 'The server speaks SMTP but dropped this client: it may limit connections, block this address, or be shutting down; check its logs.'
        : target.security === 'tls'
          ? 'The server may not speak implicit TLS on this port; try "STARTTLS".'
          : 'The server may expect implicit TLS on this port (choose "TLS"), or it dropped this client; check its logs.',
    );
  }
  if (f.code === 'EPROTOCOL') {
    return make(
      'SMTP_CONNECTION_FAILED',
      `${where} does not speak SMTP: ${f.message}.`,
      'Check the port: it may belong to another service (HTTP, IMAP, POP3).',
    );
  }
  return null;
}

const PHASES = [unreachable, tlsProblem, loginProblem, timedOut, refusedByServer, droppedOrForeign] as const;

/**
 * Turn an SMTP error into a category, a sentence and what to do about it: the phases are tried in the order
 * a session goes through them (reach, TLS, login, answer, acceptance, hang-up); the first that recognises
 * the facts answers.
 */
export function classifySmtpError(err: unknown, target: Pick<SmtpTarget, 'host' | 'port' | 'security' | 'user'>): SmtpFailure {
  const f = factsOf(err);
  const where = `${target.host}:${target.port}`;
  const sys = systemErrorName(f);
  const reply = f.response ? ` The server said: "${f.response.trim().slice(0, 300)}".` : '';
  const make = (code: Category, message: string, hint: string): SmtpFailure => ({
    code,
    message,
    hint,
    cause: {
      code: f.code ?? null,
      errno: sys,
      command: f.command ?? null,
      responseCode: f.responseCode ?? null,
      response: f.response ?? null,
      message: f.message,
    },
  });
  const facts: Facts = { f, where, sys, reply, target, make };
  for (const phase of PHASES) {
    const failure = phase(facts);
    if (failure) return failure;
  }
  return make('SMTP_CONNECTION_FAILED', `SMTP with ${where} failed: ${f.message}`, 'Check host, port and security settings.');
}

/** Throwable form of a classified failure: dispatch turns it into `{ ok:false, code, message, details }`. */
export function smtpAppError(failure: SmtpFailure): AppError {
  return new AppError(failure.code, `${failure.message} ${failure.hint}`, { hint: failure.hint, cause: failure.cause });
}
