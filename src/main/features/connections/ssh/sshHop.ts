import net from 'node:net';
import { performance } from 'node:perf_hooks';
import type { Duplex } from 'node:stream';
// ssh2 is CommonJS: under plain Node ESM only its default export is reliable.
import ssh2, { type Client, type ClientChannel, type ConnectConfig } from 'ssh2';
import type { HostKeyCheck } from '../../../../shared/contract/connections';
import { AppError } from '../../../core/AppError';
import { mapForwardError, mapSocketError, mapSshError } from '../errors';
import { keyTypeLabel } from '../hostKeys/fingerprint';
import type { HostKeyStore } from '../hostKeys/HostKeyStore';
import { ackChannelData } from './ackNudge';
import type { HopCredentials, HopRole } from './credentials';

export interface HopTarget {
  role: HopRole;
  host: string;
  port: number;
  user: string;
}

export interface HopOptions {
  hostKeys: HostKeyStore;
  /** ms between SSH keepalive requests; 0 = off. */
  keepaliveMs: number;
  /** Unanswered keepalives before the link counts as dead: 2 → a silent drop is noticed after 3 intervals. */
  keepaliveCountMax: number;
  readyTimeoutMs: number;
  /** Trust an unknown key when it has exactly this fingerprint (CLI `--accept-host-key`). */
  acceptFingerprint?: string;
  /** What the first-contact error tells a person to do; the door decides (a dialog, or a CLI flag). */
  unknownKeyAdvice?: (check: HostKeyCheck) => string;
}

/** What the handshake settled on for the server → client direction (the bulk of a tunnel's bytes). */
export interface NegotiatedAlgorithms {
  kex: string;
  cipher: string;
  /** null for an AEAD cipher (aes-gcm, chacha20-poly1305), which authenticates without a separate MAC. */
  mac: string | null;
}

export interface HopResult {
  client: Client;
  hostKey: HostKeyCheck;
  algorithms: NegotiatedAlgorithms;
  handshakeMs: number;
  authMs: number;
}

/**
 * "aes128-gcm@openssh.com" or "aes128-ctr + hmac-sha2-256-etm@openssh.com". We pass no `algorithms` option:
 * ssh2's default order puts aes128-gcm first on CPUs with AES-NI and chacha20-poly1305 first without, which
 * bench/connections.ts confirmed is the cheapest for both ends (docs/connections.md, Performance).
 */
export function describeAlgorithms(a: NegotiatedAlgorithms): string {
  return a.mac ? `${a.cipher} + ${a.mac}` : a.cipher;
}

/** A failed hop, telling in which phase it failed and what host key it saw, for the staged test. */
export class SshHopError extends AppError {
  constructor(
    base: AppError,
    readonly phase: 'handshake' | 'auth',
    readonly hostKey: HostKeyCheck | null,
    readonly handshakeMs: number | null,
  ) {
    super(base.code, base.message, base.details);
  }
}

const TCP_TIMEOUT_MS = 10_000;
const FORWARD_TIMEOUT_MS = 15_000;

/** A plain TCP connection with a timeout, its failures mapped to DNS_FAILED / HOST_UNREACHABLE. */
export function openTcp(host: string, port: number, what: string, timeoutMs = TCP_TIMEOUT_MS): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const sock = net.connect({ host, port });
    const timer = setTimeout(() => {
      sock.destroy();
      reject(mapSocketError(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' }), what, host, port));
    }, timeoutMs);
    sock.once('connect', () => {
      clearTimeout(timer);
      sock.setNoDelay(true);
      sock.removeAllListeners('error');
      resolve(sock);
    });
    sock.once('error', (err) => {
      clearTimeout(timer);
      reject(mapSocketError(err, what, host, port));
    });
  });
}

/** A direct-tcpip channel through `client` to host:port (the SSH server makes the TCP connection). */
export function forwardOut(client: Client, via: string, host: string, port: number): Promise<ClientChannel> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () =>
        reject(
          new AppError(
            'TUNNEL_FAILED',
            `${via} did not open a forward to ${host}:${port} within ${FORWARD_TIMEOUT_MS / 1000} s.`,
          ),
        ),
      FORWARD_TIMEOUT_MS,
    );
    try {
      client.forwardOut('127.0.0.1', 0, host, port, (err, channel) => {
        clearTimeout(timer);
        if (err) return reject(mapForwardError(err, via, host, port));
        // Replies over ~32 KB would otherwise wait 40 ms on sshd's Nagle and our delayed ACK (ackNudge.ts).
        ackChannelData(channel);
        resolve(channel);
      });
    } catch (err) {
      clearTimeout(timer);
      reject(mapForwardError(err, via, host, port));
    }
  });
}

/**
 * `accepted`: the fingerprint a person accepted in advance (CLI `--accept-host-key`); an unknown key with
 * another fingerprint is refused naming both, never trusted. `advice` replaces the generic "trust it" hint.
 */
export function hostKeyError(check: HostKeyCheck, accepted?: string, advice?: (check: HostKeyCheck) => string): AppError {
  const where = check.port === 22 ? check.host : `[${check.host}]:${check.port}`;
  const label = keyTypeLabel(check.keyType);
  if (check.status === 'changed') {
    const from = check.source === 'openssh' ? 'your ~/.ssh/known_hosts' : "the app's known hosts";
    return new AppError(
      'HOST_KEY_CHANGED',
      `HOST KEY CHANGED for ${where}: ${from} has ${label} ${check.knownFingerprint}, the server now presents ${check.fingerprint}. ` +
        'This can be an attack (someone in between) or a reinstalled server. Confirm with the server admin, then forget the old key.',
      check,
    );
  }
  if (check.status === 'revoked') {
    return new AppError(
      'HOST_KEY_CHANGED',
      `The host key ${check.fingerprint} of ${where} is marked @revoked in known_hosts. Refusing to connect.`,
      check,
    );
  }
  if (accepted && accepted !== check.fingerprint) {
    return new AppError(
      'HOST_KEY_UNKNOWN',
      `First contact with ${where}: the server presents the ${label} host key ${check.fingerprint}, not the accepted ${accepted}. ` +
        'Refusing to connect: confirm the right fingerprint with the server admin.',
      { ...check, acceptedFingerprint: accepted },
    );
  }
  return new AppError(
    'HOST_KEY_UNKNOWN',
    `First contact with ${where}: its ${label} host key is ${check.fingerprint}. ${advice ? advice(check) : "Compare it with the server's key and trust it to continue."}`,
    check,
  );
}

/**
 * SSH handshake and authentication of one hop over an already-open transport (a TCP socket, or a
 * forwarded channel of the previous hop for a jump host). Verifies the host key against the app's pins and
 * OpenSSH's known_hosts before any credential is sent, and times both phases for the staged test.
 */
export function sshConnect(sock: Duplex, target: HopTarget, creds: HopCredentials, opts: HopOptions): Promise<HopResult> {
  const client = new ssh2.Client();
  let hostKey: HostKeyCheck | null = null;
  const t0 = performance.now();
  let tHandshake: number | null = null;
  let algorithms: NegotiatedAlgorithms | null = null;
  return new Promise((resolve, reject) => {
    let settled = false;
    const keyError = (check: HostKeyCheck) => hostKeyError(check, opts.acceptFingerprint, opts.unknownKeyAdvice);
    const fail = (err: AppError) => {
      if (settled) return;
      settled = true;
      client.end();
      sock.destroy();
      reject(
        new SshHopError(err, tHandshake === null ? 'handshake' : 'auth', hostKey, tHandshake === null ? null : tHandshake - t0),
      );
    };
    client.on('handshake', (negotiated) => {
      tHandshake = performance.now();
      algorithms = { kex: negotiated.kex, cipher: negotiated.sc.cipher, mac: negotiated.sc.mac || null };
    });
    client.on('ready', () => {
      if (settled) return;
      settled = true;
      const now = performance.now();
      const hs = tHandshake ?? now;
      resolve({
        client,
        hostKey: hostKey as HostKeyCheck,
        // 'ready' always follows 'handshake'; the fallback only satisfies the type.
        algorithms: algorithms ?? { kex: 'unknown', cipher: 'unknown', mac: null },
        handshakeMs: hs - t0,
        authMs: now - hs,
      });
    });
    // Stays attached for the client's life: an 'error' without a listener would crash the process.
    client.on('error', (err: Error & { level?: string }) => {
      if (settled) return;
      if (hostKey && hostKey.status !== 'trusted') return fail(keyError(hostKey));
      if (tHandshake !== null && err.level === 'client-authentication') {
        return fail(
          new AppError(
            'SSH_AUTH_FAILED',
            `The SSH server ${target.user}@${target.host}:${target.port} did not accept the ${creds.describe}. Check the user name, authorized_keys, or the password.`,
            { host: target.host, port: target.port, user: target.user },
          ),
        );
      }
      fail(mapSshError(err, tHandshake === null ? 'handshake' : 'auth', target));
    });
    client.on('close', () => {
      if (hostKey && hostKey.status !== 'trusted') return fail(keyError(hostKey));
      fail(
        new AppError(
          'SSH_HANDSHAKE_FAILED',
          `The SSH server ${target.host}:${target.port} closed the connection during the ${tHandshake === null ? 'handshake' : 'login'}.`,
        ),
      );
    });
    client.on('keyboard-interactive', (_name, _instructions, _lang, prompts, finish) => {
      // Servers that use PAM ask for the password this way; answer only with a saved password.
      finish(prompts.map(() => creds.password ?? ''));
    });
    const config: ConnectConfig = {
      sock: sock as ConnectConfig['sock'],
      host: target.host,
      port: target.port,
      username: target.user,
      readyTimeout: opts.readyTimeoutMs,
      keepaliveInterval: opts.keepaliveMs,
      keepaliveCountMax: opts.keepaliveCountMax,
      hostVerifier: (key: Buffer) => {
        let check = opts.hostKeys.check(target.host, target.port, key);
        if (check.status === 'unknown' && opts.acceptFingerprint && opts.acceptFingerprint === check.fingerprint) {
          opts.hostKeys.trust(target.host, target.port, check.keyType, check.fingerprint);
          check = { ...check, status: 'trusted', source: 'app', knownFingerprint: check.fingerprint };
        }
        hostKey = check;
        return check.status === 'trusted';
      },
    };
    if (creds.agent) config.agent = creds.agent;
    if (creds.privateKey) {
      config.privateKey = creds.privateKey;
      if (creds.passphrase) config.passphrase = creds.passphrase;
    }
    if (creds.password !== undefined) {
      config.password = creds.password;
      config.tryKeyboard = true;
    }
    try {
      client.connect(config);
    } catch (err) {
      fail(mapSshError(err, 'handshake', target));
    }
  });
}
