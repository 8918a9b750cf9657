import { performance } from 'node:perf_hooks';
import type { Client } from 'ssh2';
import type { HostKeyCheck, StageId } from '../../../../shared/contract/connections';
import type { SshHopSettings, SshSettings } from '../../../../shared/contract/profiles';
import { AppError } from '../../../core/AppError';
import { keyTypeLabel } from '../hostKeys/fingerprint';
import type { HostKeyStore } from '../hostKeys/HostKeyStore';
import { type HopRole, resolveCredentials, type SecretLookup } from './credentials';
import { describeAlgorithms, forwardOut, type NegotiatedAlgorithms, openTcp, SshHopError, sshConnect } from './sshHop';

/** Failure of one stage of a connect, so the staged test can point at it. */
export class StageError extends AppError {
  constructor(
    readonly stage: StageId,
    base: AppError,
  ) {
    super(base.code, base.message, base.details);
  }
}

export type StageReport = (id: StageId, latencyMs: number, detail: string | null) => void;

export interface ChainDeps {
  hostKeys: HostKeyStore;
  secretOf: SecretLookup;
  sshDir: string;
  acceptFingerprint?: string;
  /** The door's words for "first contact, here is what to do" (the CLI names --accept-host-key). */
  unknownKeyAdvice?: (check: HostKeyCheck) => string;
  /**
   * Asked after a hop met an unknown host key (never with `acceptFingerprint`, which already decided):
   * resolves true once a person trusted and pinned it, and the chain is connected again from the start.
   */
  confirmHostKey?: (check: HostKeyCheck) => Promise<boolean>;
  readyTimeoutMs?: number;
  /** Sees every host key check, also the ones that made a hop fail (the staged test reports them). */
  onHostKey?: (check: HostKeyCheck) => void;
}

/** An authenticated SSH connection to the profile's SSH host, possibly through a jump host. */
export interface SshChain {
  client: Client;
  jump: Client | null;
  hostKeys: HostKeyCheck[];
  /** Cipher and MAC of each hop (bench/connections.ts and the tunnel tests check they stay the fast ones). */
  algorithms: { ssh: NegotiatedAlgorithms; jump: NegotiatedAlgorithms | null };
  end(): void;
}

/** Keepalive policy: the profile's interval, and 2 unanswered → a silent drop is seen after 3 intervals (15 s at 5 s). */
export const KEEPALIVE_COUNT_MAX = 2;

export function describeHostKey(check: HostKeyCheck): string {
  const how = check.source === 'openssh' ? 'known from ~/.ssh/known_hosts' : 'pinned';
  return `${keyTypeLabel(check.keyType)} ${check.fingerprint} (${how})`;
}

async function stage<T>(
  id: StageId,
  report: StageReport | undefined,
  detail: (v: T) => string | null,
  run: () => Promise<T>,
): Promise<T> {
  const t0 = performance.now();
  try {
    const v = await run();
    report?.(id, performance.now() - t0, detail(v));
    return v;
  } catch (err) {
    if (err instanceof StageError) throw err;
    throw new StageError(id, err instanceof AppError ? err : new AppError('INTERNAL', String(err)));
  }
}

/**
 * Connect jump host (optional) then the SSH host, stage by stage. The jump host is a second ssh2 Client
 * whose transport is a `forwardOut` channel of the first one (ssh2's `sock` option), which is exactly what
 * OpenSSH's ProxyJump does. Whatever was opened is closed again when a later stage fails.
 */
export async function connectChain(ssh: SshSettings, deps: ChainDeps, report?: StageReport): Promise<SshChain> {
  const opened: Client[] = [];
  const keys: HostKeyCheck[] = [];
  const keepaliveMs = ssh.keepaliveSeconds * 1000;
  try {
    let jump: Client | null = null;
    let jumpAlgorithms: NegotiatedAlgorithms | null = null;
    let transport: import('node:stream').Duplex;
    if (ssh.jump) {
      const j = ssh.jump;
      const sock = await stage(
        'jump.tcp',
        report,
        () => `${j.host}:${j.port}`,
        () => openTcp(j.host, j.port, 'jump host'),
      );
      ({ client: jump, algorithms: jumpAlgorithms } = await hop(j, 'jump', sock, deps, keepaliveMs, keys, report));
      opened.push(jump);
      const viaJump = jump;
      transport = await stage(
        'jump.forward',
        report,
        () => `to ${ssh.host}:${ssh.port}`,
        () => forwardOut(viaJump, `The jump host ${j.host}`, ssh.host, ssh.port),
      );
    } else {
      transport = await stage(
        'ssh.tcp',
        report,
        () => `${ssh.host}:${ssh.port}`,
        () => openTcp(ssh.host, ssh.port, 'SSH server'),
      );
    }
    const { client, algorithms } = await hop(ssh, 'ssh', transport, deps, keepaliveMs, keys, report);
    opened.push(client);
    return {
      client,
      jump,
      hostKeys: keys,
      algorithms: { ssh: algorithms, jump: jumpAlgorithms },
      end: () => {
        client.end();
        jump?.end();
      },
    };
  } catch (err) {
    for (const c of opened.reverse()) c.end();
    throw err;
  }
}

/** The unknown host key a failed connect stopped at, if that is why it failed. */
export function unknownHostKeyOf(err: unknown): HostKeyCheck | null {
  if (!(err instanceof AppError) || err.code !== 'HOST_KEY_UNKNOWN') return null;
  const d = err.details as Partial<HostKeyCheck> | undefined;
  return d?.status === 'unknown' && typeof d.fingerprint === 'string' ? (d as HostKeyCheck) : null;
}

/**
 * `connectChain` for long-lived tunnels: on first contact ask `deps.confirmHostKey` (a terminal prompt)
 * and connect again once the key is pinned. The question is asked after the failed handshake, not inside
 * it, so a person taking their time does not run into the handshake timeout. A jump host and its target
 * may each ask once.
 */
export async function connectChainConfirmingKeys(ssh: SshSettings, deps: ChainDeps): Promise<SshChain> {
  for (let round = 0; ; round++) {
    try {
      return await connectChain(ssh, deps);
    } catch (err) {
      const check = unknownHostKeyOf(err);
      if (!check || !deps.confirmHostKey || deps.acceptFingerprint || round >= 2) throw err;
      if (!(await deps.confirmHostKey(check))) throw err;
    }
  }
}

async function hop(
  settings: SshHopSettings,
  role: HopRole,
  transport: import('node:stream').Duplex,
  deps: ChainDeps,
  keepaliveMs: number,
  keys: HostKeyCheck[],
  report: StageReport | undefined,
): Promise<{ client: Client; algorithms: NegotiatedAlgorithms }> {
  const prefix = role === 'jump' ? 'jump' : 'ssh';
  // Credentials problems (missing key file, passphrase not saved) are auth failures, but the handshake and
  // host key check still run first so the report shows them; the server then refuses the "none" login.
  let credsError: AppError | null = null;
  const creds = await resolveCredentials(settings, role, deps.secretOf, deps.sshDir).catch((err: unknown) => {
    credsError = err instanceof AppError ? err : new AppError('SSH_AUTH_FAILED', String(err));
    return { describe: 'no usable credentials' };
  });
  try {
    const r = await sshConnect(transport, { role, host: settings.host, port: settings.port, user: settings.user }, creds, {
      hostKeys: deps.hostKeys,
      keepaliveMs,
      keepaliveCountMax: KEEPALIVE_COUNT_MAX,
      readyTimeoutMs: deps.readyTimeoutMs ?? 20_000,
      acceptFingerprint: deps.acceptFingerprint,
      unknownKeyAdvice: deps.unknownKeyAdvice,
    });
    keys.push(r.hostKey);
    deps.onHostKey?.(r.hostKey);
    report?.(`${prefix}.handshake`, r.handshakeMs, `${describeHostKey(r.hostKey)}; ${describeAlgorithms(r.algorithms)}`);
    if (credsError) {
      r.client.end();
      throw new StageError(`${prefix}.auth`, credsError);
    }
    report?.(`${prefix}.auth`, r.authMs, `${settings.user} with ${creds.describe}`);
    return { client: r.client, algorithms: r.algorithms };
  } catch (err) {
    if (err instanceof StageError) throw err;
    if (err instanceof SshHopError) {
      if (err.hostKey) deps.onHostKey?.(err.hostKey);
      if (err.phase === 'handshake') throw new StageError(`${prefix}.handshake`, err);
      if (err.hostKey) report?.(`${prefix}.handshake`, err.handshakeMs ?? 0, describeHostKey(err.hostKey));
      throw new StageError(`${prefix}.auth`, credsError ?? err);
    }
    throw new StageError(
      `${prefix}.handshake`,
      err instanceof AppError ? err : new AppError('SSH_HANDSHAKE_FAILED', String(err)),
    );
  }
}
