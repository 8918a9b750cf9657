import dns from 'node:dns/promises';
import net from 'node:net';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import type tls from 'node:tls';
import type { SmtpDiagnosis, SmtpStage, SmtpStageName, SmtpStageStatus } from '../../shared/contract/mail';
import { connectTls, SmtpLineClient, type SmtpReply } from './SmtpLineClient';
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
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(
        new SmtpProtocolError(`Connection timeout after ${timeoutMs} ms`, 'ETIMEDOUT', 'CONN', {
          timeoutType: 'CONNECT_TIMEOUT',
        }),
      );
    }, timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.removeAllListeners('error');
      resolve(socket);
    });
    socket.once('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(new SmtpProtocolError(err.message, 'ESOCKET', 'CONN', { errno: err.code, syscall: err.syscall }));
    });
  });
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
export async function diagnoseSmtp(target: SmtpTarget, options: DiagnosisOptions): Promise<SmtpDiagnosis> {
  const startedAt = new Date().toISOString();
  const t0 = performance.now();
  const planned = plan(target.security);
  const stages: SmtpStage[] = [];
  const warnings: string[] = [];
  let client: SmtpLineClient | null = null;

  const run = async <T>(fn: (extras: StageExtras) => Promise<{ value: T; summary: string }>): Promise<T> => {
    const step = planned[stages.length] as PlannedStage;
    const extras: StageExtras = {};
    const t = performance.now();
    try {
      const { value, summary } = await fn(extras);
      const { status = 'ok', ...rest } = extras;
      stages.push({ ...step, status, latencyMs: round(performance.now() - t), summary, ...rest });
      return value;
    } catch (err) {
      const { status: _ignored, ...rest } = extras;
      stages.push({
        ...step,
        status: 'failed',
        latencyMs: round(performance.now() - t),
        summary: err instanceof Error ? err.message : String(err),
        ...rest,
      });
      throw err;
    }
  };

  const checkTls = (socket: tls.TLSSocket, extras: StageExtras, command: string) => {
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
  };
  const tlsOptions = (socket: net.Socket): tls.ConnectionOptions => ({
    socket,
    servername: net.isIP(target.host) ? undefined : target.host,
    // Verification is judged afterwards (checkTls) so a bad certificate can be described, then refused.
    rejectUnauthorized: false,
  });
  const ehlo = async (c: SmtpLineClient, extras: StageExtras) => {
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
  };

  try {
    const addresses = await run(async () => {
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

    const socket = await run(async () => {
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

    let secureSocket: tls.TLSSocket | null = null;
    if (target.security === 'tls') {
      secureSocket = await run(async (extras) => {
        const s = await connectTls(tlsOptions(socket), options.timeoutMs, 'CONN');
        try {
          return { value: s, summary: checkTls(s, extras, 'CONN') };
        } catch (err) {
          s.destroy();
          throw err;
        }
      });
    }
    client = new SmtpLineClient(secureSocket ?? socket, options.timeoutMs);
    const c = client;

    await run(async (extras) => {
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

    let caps = await run((extras) => ehlo(c, extras));
    if (target.security === 'starttls') {
      await run(async (extras) => {
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
        const s = await c.upgrade(tlsOptions(c.currentSocket));
        return { value: s, summary: checkTls(s, extras, 'STARTTLS') };
      });
      caps = await run((extras) => ehlo(c, extras));
    } else if (target.security === 'none' && caps.some((cap) => /^STARTTLS$/i.test(cap))) {
      warnings.push('The server offers STARTTLS but security is "none": mail and passwords travel unencrypted. Choose STARTTLS.');
    }

    await run(async (extras) => {
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

    await run(async (extras) => {
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
    await c.command('QUIT').catch(() => null);
  } catch (err) {
    const failure = classifySmtpError(err, target);
    for (const step of planned.slice(stages.length)) {
      stages.push({ ...step, status: 'skipped', latencyMs: null, summary: 'Not reached.' });
    }
    return finish(false, failure);
  } finally {
    client?.close();
  }
  return finish(true, null);

  function finish(ok: boolean, failure: SmtpDiagnosis['failure']): SmtpDiagnosis {
    return { ok, target: endpointOf(target), stages, failure, warnings, totalMs: round(performance.now() - t0), startedAt };
  }
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
