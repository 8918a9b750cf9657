import dns from 'node:dns/promises';
import net from 'node:net';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import type tls from 'node:tls';
import type { SmtpDiagnosis, SmtpStage, SmtpStageName, SmtpStageStatus } from '../../../../shared/contract/mail';
import { connectTls, SmtpLineClient, type SmtpReply, socketReady } from './SmtpLineClient';
import { classifySmtpError, SmtpProtocolError } from './smtpFailure';
import { endpointOf, type SmtpTarget } from './smtpTarget';
import { summarizeTls, tlsDetailsOf } from './tlsInfo';

export interface DiagnosisOptions {
  timeoutMs: number;
  allowUnverifiedTls: boolean;
}

interface PlannedStage {
  stage: SmtpStageName;
  title: string;
}

/** Extra facts a stage attaches to its report entry, on success or failure. */
type StageExtras = Partial<Pick<SmtpStage, 'tls' | 'capabilities' | 'reply'>> & { status?: SmtpStageStatus };

function plan(security: SmtpTarget['security']): PlannedStage[] {
  const stages: PlannedStage[] = [
    { stage: 'dns', title: 'DNS lookup' },
    { stage: 'connect', title: 'TCP connect' },
  ];
  if (security === 'tls') stages.push({ stage: 'tls', title: 'TLS handshake (implicit TLS)' });
  stages.push({ stage: 'greeting', title: 'Server greeting' });
  if (security === 'starttls') {
    stages.push({ stage: 'ehlo', title: 'EHLO (before STARTTLS)' }, { stage: 'tls', title: 'STARTTLS handshake' });
  }
  stages.push({ stage: 'ehlo', title: security === 'none' ? 'EHLO' : 'EHLO (encrypted)' });
  stages.push({ stage: 'auth', title: 'Authentication' }, { stage: 'mailFrom', title: 'Sender accepted (MAIL FROM, then RSET)' });
  return stages;
}

function withTimeout<T>(promise: Promise<T>, ms: number, onTimeout: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(onTimeout()), ms);
    }),
  ]);
}

function connectTcp(host: string, port: number, timeoutMs: number): Promise<net.Socket> {
  return socketReady(
    () => net.connect({ host, port }),
    'connect',
    timeoutMs,
    () =>
      new SmtpProtocolError(`Connection timeout after ${timeoutMs} ms`, 'ETIMEDOUT', 'CONN', {
        timeoutType: 'CONNECT_TIMEOUT',
      }),
    (err) => new SmtpProtocolError(err.message, 'ESOCKET', 'CONN', { errno: err.code, syscall: err.syscall }),
  );
}

function capabilitiesOf(reply: SmtpReply): string[] {
  return reply.lines
    .slice(1)
    .map((l) => l.trim())
    .filter(Boolean);
}

function authMethods(caps: string[]): string[] {
  const line = caps.find((c) => /^AUTH[ =]/i.test(c));
  return line ? line.slice(5).trim().toUpperCase().split(/\s+/).filter(Boolean) : [];
}

function clientName(socket: net.Socket): string {
  const host = os.hostname();
  if (host.includes('.')) return host;
  const local = socket.localAddress ?? '127.0.0.1';
  return net.isIPv6(local) ? `[IPv6:${local}]` : `[${local}]`;
}

/**
 * The staged SMTP report behind "Test connection": DNS, TCP, TLS, greeting, EHLO, AUTH and a MAIL FROM that
 * is reset before any mail is sent. Each stage is timed; the first failure is categorized with a hint and the
 * stages it prevented are listed as skipped, so the report always shows the whole ladder.
 */
type StageWork<T> = (extras: StageExtras) => Promise<{ value: T; summary: string }>;

/**
 * One staged SMTP check: the stages recorded so far, the warnings, and each phase of the session as a named
 * method (resolve, connect, implicit TLS, greeting, EHLO, STARTTLS, login, sender), run in that order.
 */
class DiagnosisSession {
  readonly stages: SmtpStage[] = [];
  readonly warnings: string[] = [];
  readonly planned: PlannedStage[];
  client: SmtpLineClient | null = null;

  constructor(
    private readonly target: SmtpTarget,
    private readonly options: DiagnosisOptions,
  ) {
    this.planned = plan(target.security);
  }

  /** Runs the next planned stage and records its outcome (ok / warning / skipped, or failed and rethrown). */
  async run<T>(fn: StageWork<T>): Promise<T> {
    const step = this.planned[this.stages.length] as PlannedStage;
    const extras: StageExtras = {};
    const t = performance.now();
    try {
      const { value, summary } = await fn(extras);
      const { status = 'ok', ...rest } = extras;
      this.stages.push({ ...step, status, latencyMs: round(performance.now() - t), summary, ...rest });
      return value;
    } catch (err) {
      const { status: _ignored, ...rest } = extras;
      this.stages.push({
        ...step,
        status: 'failed',
        latencyMs: round(performance.now() - t),
        summary: err instanceof Error ? err.message : String(err),
        ...rest,
      });
      throw err;
    }
  }

  private checkTls(socket: tls.TLSSocket, extras: StageExtras, command: string): string {
    const { target, options, warnings } = this;
    const details = tlsDetailsOf(socket);
    extras.tls = details;
    if (!details.verified) {
      if (!options.allowUnverifiedTls) {
        throw new SmtpProtocolError(`certificate verification failed: ${details.verifyError}`, 'ETLS', command);
      }
      extras.status = 'warning';
      warnings.push(
        `The certificate of ${target.host} did not verify (${details.verifyError}); accepted because unverified TLS was allowed.`,
      );
    } else if (details.daysLeft !== null && details.daysLeft < 14) {
      extras.status = 'warning';
      warnings.push(`The certificate of ${target.host} expires in ${details.daysLeft} days.`);
    }
    return summarizeTls(details);
  }

  private tlsOptions(socket: net.Socket): tls.ConnectionOptions {
    return {
      socket,
      servername: net.isIP(this.target.host) ? undefined : this.target.host,
      // Verification is judged afterwards (checkTls) so a bad certificate can be described, then refused.
      rejectUnauthorized: false,
    };
  }

  async resolve(): Promise<string[]> {
    const { target, options } = this;
    return this.run(async () => {
      if (net.isIP(target.host)) return { value: [target.host], summary: `${target.host} is an IP address; no lookup needed.` };
      const all = await withTimeout(
        dns.lookup(target.host, { all: true }),
        options.timeoutMs,
        () => new SmtpProtocolError(`DNS lookup timed out after ${options.timeoutMs} ms`, 'EDNS', 'CONN', { errno: 'EAI_AGAIN' }),
      ).catch((err: NodeJS.ErrnoException) => {
        if (err instanceof SmtpProtocolError) throw err;
        throw new SmtpProtocolError(err.message, 'EDNS', 'CONN', { errno: err.code });
      });
      const list = all.map((a) => a.address);
      return { value: list, summary: `${target.host} → ${list.join(', ')}` };
    });
  }

  async connect(addresses: string[]): Promise<net.Socket> {
    const { target, options } = this;
    return this.run(async () => {
      // Try each address in turn (localhost may resolve to ::1 first while the server listens on 127.0.0.1).
      let lastError: unknown = null;
      for (const address of addresses) {
        try {
          const s = await connectTcp(address, target.port, options.timeoutMs);
          const skipped = lastError ? ` (after ${addresses.indexOf(address)} address(es) failed)` : '';
          return { value: s, summary: `Connected to ${address}:${target.port}${skipped}.` };
        } catch (err) {
          lastError = err;
        }
      }
      throw lastError;
    });
  }

  async implicitTls(socket: net.Socket): Promise<tls.TLSSocket> {
    return this.run(async (extras) => {
      const s = await connectTls(this.tlsOptions(socket), this.options.timeoutMs, 'CONN');
      try {
        return { value: s, summary: this.checkTls(s, extras, 'CONN') };
      } catch (err) {
        s.destroy();
        throw err;
      }
    });
  }

  async greeting(c: SmtpLineClient): Promise<void> {
    await this.run(async (extras) => {
      const greeting = await c.read('CONN', 'GREETING_TIMEOUT');
      extras.reply = greeting.text;
      if (greeting.code !== 220) {
        throw new SmtpProtocolError(`The server refused the session: ${greeting.text}`, 'ECONNECTION', 'CONN', {
          responseCode: greeting.code,
          response: greeting.text,
        });
      }
      return { value: greeting, summary: greeting.text };
    });
  }

  async ehlo(c: SmtpLineClient): Promise<string[]> {
    return this.run(async (extras) => {
      const reply = await c.command(`EHLO ${clientName(c.currentSocket)}`, 'EHLO');
      if (reply.code !== 250) {
        throw new SmtpProtocolError(`EHLO refused: ${reply.text}`, 'EPROTOCOL', 'EHLO', {
          responseCode: reply.code,
          response: reply.text,
        });
      }
      const caps = capabilitiesOf(reply);
      extras.capabilities = caps;
      return { value: caps, summary: `${reply.lines[0] ?? ''} — ${caps.length ? caps.join(', ') : 'no extensions'}` };
    });
  }

  async startTls(c: SmtpLineClient, caps: string[]): Promise<void> {
    await this.run(async (extras) => {
      if (!caps.some((cap) => /^STARTTLS$/i.test(cap))) {
        // No reply code: nothing was sent, the EHLO reply simply lacks STARTTLS.
        throw new SmtpProtocolError('The server does not offer STARTTLS (not in its EHLO reply).', 'ETLS', 'STARTTLS');
      }
      const reply = await c.command('STARTTLS');
      if (reply.code !== 220) {
        throw new SmtpProtocolError(`STARTTLS refused: ${reply.text}`, 'ETLS', 'STARTTLS', {
          responseCode: reply.code,
          response: reply.text,
        });
      }
      const s = await c.upgrade(this.tlsOptions(c.currentSocket));
      return { value: s, summary: this.checkTls(s, extras, 'STARTTLS') };
    });
  }

  async login(c: SmtpLineClient, caps: string[]): Promise<void> {
    const { target, warnings } = this;
    await this.run(async (extras) => {
      const methods = authMethods(caps);
      if (!target.user) {
        extras.status = 'skipped';
        return {
          value: null,
          summary: methods.length
            ? `No user configured; the server offers AUTH ${methods.join(' ')} (it may refuse unauthenticated mail — see the sender stage).`
            : 'No user configured and the server does not ask for authentication.',
        };
      }
      if (!methods.length) {
        extras.status = 'warning';
        warnings.push(
          `A user is configured but ${target.host} does not offer AUTH: the credentials were not checked (Mailpit without --smtp-auth does this).`,
        );
        return { value: null, summary: 'The server does not offer AUTH; credentials were not checked.' };
      }
      if (!target.password) {
        throw new SmtpProtocolError(`Missing credentials for "${target.user}": no SMTP password is saved.`, 'EAUTH', 'API');
      }
      return { value: null, summary: await authenticate(c, methods, target.user, target.password) };
    });
  }

  async sender(c: SmtpLineClient): Promise<void> {
    const { target } = this;
    await this.run(async (extras) => {
      const reply = await c.command(`MAIL FROM:<${target.from}>`, 'MAIL FROM');
      extras.reply = reply.text;
      if (reply.code !== 250) {
        throw new SmtpProtocolError(`Mail command failed: ${reply.text}`, 'EENVELOPE', 'MAIL FROM', {
          responseCode: reply.code,
          response: reply.text,
        });
      }
      await c.command('RSET').catch(() => null);
      return { value: null, summary: `Sender <${target.from}> accepted; the transaction was reset, nothing was sent.` };
    });
  }
}

/** The session's phases in order; a failing phase throws and the rest are marked "Not reached". */
async function runPhases(session: DiagnosisSession, target: SmtpTarget, timeoutMs: number): Promise<void> {
  const addresses = await session.resolve();
  const socket = await session.connect(addresses);
  const secureSocket = target.security === 'tls' ? await session.implicitTls(socket) : null;
  const c = new SmtpLineClient(secureSocket ?? socket, timeoutMs);
  session.client = c;
  await session.greeting(c);
  let caps = await session.ehlo(c);
  if (target.security === 'starttls') {
    await session.startTls(c, caps);
    caps = await session.ehlo(c);
  } else if (target.security === 'none' && caps.some((cap) => /^STARTTLS$/i.test(cap))) {
    session.warnings.push(
      'The server offers STARTTLS but security is "none": mail and passwords travel unencrypted. Choose STARTTLS.',
    );
  }
  await session.login(c, caps);
  await session.sender(c);
  await c.command('QUIT').catch(() => null);
}

export async function diagnoseSmtp(target: SmtpTarget, options: DiagnosisOptions): Promise<SmtpDiagnosis> {
  const startedAt = new Date().toISOString();
  const t0 = performance.now();
  const session = new DiagnosisSession(target, options);
  const finish = (ok: boolean, failure: SmtpDiagnosis['failure']): SmtpDiagnosis => ({
    ok,
    target: endpointOf(target),
    stages: session.stages,
    failure,
    warnings: session.warnings,
    totalMs: round(performance.now() - t0),
    startedAt,
  });
  try {
    await runPhases(session, target, options.timeoutMs);
  } catch (err) {
    const failure = classifySmtpError(err, target);
    for (const step of session.planned.slice(session.stages.length)) {
      session.stages.push({ ...step, status: 'skipped', latencyMs: null, summary: 'Not reached.' });
    }
    return finish(false, failure);
  } finally {
    session.client?.close();
  }
  return finish(true, null);
}

async function authenticate(c: SmtpLineClient, methods: string[], user: string, password: string): Promise<string> {
  const fail = (command: string, reply: SmtpReply) =>
    new SmtpProtocolError(`Invalid login: ${reply.text}`, 'EAUTH', command, { responseCode: reply.code, response: reply.text });
  if (methods.includes('PLAIN')) {
    const payload = Buffer.from(`\u0000${user}\u0000${password}`, 'utf8').toString('base64');
    const reply = await c.command(`AUTH PLAIN ${payload}`, 'AUTH PLAIN');
    if (reply.code !== 235) throw fail('AUTH PLAIN', reply);
    return `Logged in as "${user}" with AUTH PLAIN.`;
  }
  if (methods.includes('LOGIN')) {
    let reply = await c.command('AUTH LOGIN', 'AUTH LOGIN');
    if (reply.code === 334) reply = await c.command(Buffer.from(user).toString('base64'), 'AUTH LOGIN');
    if (reply.code === 334) reply = await c.command(Buffer.from(password).toString('base64'), 'AUTH LOGIN');
    if (reply.code !== 235) throw fail('AUTH LOGIN', reply);
    return `Logged in as "${user}" with AUTH LOGIN.`;
  }
  throw new SmtpProtocolError(`Unknown authentication method: the server offers only ${methods.join(', ')}.`, 'EAUTH', 'API');
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}
