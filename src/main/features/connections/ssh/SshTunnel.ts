import type { ClientChannel, SFTPWrapper } from 'ssh2';
import type { ConnectionState } from '../../../../shared/contract/events';
import type { SshSettings } from '../../../../shared/contract/profiles';
import type { ErrorCode } from '../../../../shared/errors';
import { AppError } from '../../../core/AppError';
import { type ChainDeps, connectChainConfirmingKeys, type SshChain } from './chain';
import { forwardOut } from './sshHop';

/** Failures that another attempt cannot fix: ask a person instead of hammering the server. */
const PERMANENT: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'HOST_KEY_UNKNOWN',
  'HOST_KEY_CHANGED',
  'SSH_AUTH_FAILED',
  'SECRET_UNAVAILABLE',
  'DNS_FAILED',
  'SSH_HANDSHAKE_FAILED',
]);

/** Delays between reconnect attempts after a drop; after the last one the tunnel is `failed`. */
export const RECONNECT_DELAYS_MS = [250, 500, 1000, 2000, 4000, 8000, 15000, 15000];

export interface TunnelTuning {
  reconnectDelaysMs: readonly number[];
  /** How long a caller waits for a dropped tunnel to come back before TUNNEL_DROPPED. */
  waitForReconnectMs: number;
}

export interface TunnelEvents {
  state(state: ConnectionState, detail: string | null, error: AppError | null): void;
  /** The SSH link went away: pooled connections over it are dead. */
  dropped(): void;
}

/**
 * One profile's SSH link (and jump host), kept up: connected on first use, keepalive on, and after an
 * unexpected close reconnected with backoff while callers wait (bounded) for it to come back. Every
 * reconnect bumps `generation` so pooled MySQL connections opened over the old link are discarded.
 */
export class SshTunnel {
  state: ConnectionState = 'disconnected';
  generation = 0;
  reconnects = 0;
  lastError: AppError | null = null;
  private chain: SshChain | null = null;
  private connecting: Promise<SshChain> | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  private closed = false;
  private readonly waiters = new Set<() => void>();

  constructor(
    readonly label: string,
    private readonly settings: SshSettings,
    private readonly deps: () => ChainDeps,
    private readonly events: TunnelEvents,
    private readonly tuning: TunnelTuning = { reconnectDelaysMs: RECONNECT_DELAYS_MS, waitForReconnectMs: 30_000 },
  ) {}

  /** A connected chain: connect now if idle or failed, wait (bounded) while reconnecting. */
  async ready(): Promise<SshChain> {
    if (this.closed) throw new AppError('CANCELLED', `The SSH tunnel of ${this.label} is closed.`);
    if (this.chain && this.state === 'connected') return this.chain;
    if (this.state === 'reconnecting') return this.waitForReconnect();
    return this.connectOnce('connecting');
  }

  async forwardOut(host: string, port: number): Promise<{ channel: ClientChannel; generation: number }> {
    const chain = await this.ready();
    const generation = this.generation;
    const channel = await forwardOut(chain.client, `The SSH host ${this.settings.host}`, host, port);
    return { channel, generation };
  }

  async sftp(): Promise<SFTPWrapper> {
    const chain = await this.ready();
    return new Promise((resolve, reject) => {
      chain.client.sftp((err, sftp) => {
        if (err)
          reject(new AppError('TUNNEL_FAILED', `The SSH host ${this.settings.host} refused the SFTP subsystem: ${err.message}`));
        else resolve(sftp);
      });
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    const chain = this.chain;
    this.chain = null;
    chain?.end();
    this.setState('disconnected', null, null);
    for (const w of this.waiters) w();
  }

  private connectOnce(state: 'connecting' | 'reconnecting'): Promise<SshChain> {
    if (this.connecting) return this.connecting;
    if (state === 'connecting') this.setState('connecting', null, null);
    const attempt = connectChainConfirmingKeys(this.settings, this.deps())
      .then((chain) => {
        if (this.closed) {
          chain.end();
          throw new AppError('CANCELLED', `The SSH tunnel of ${this.label} is closed.`);
        }
        this.chain = chain;
        this.generation++;
        this.lastError = null;
        this.watch(chain);
        this.setState(
          'connected',
          `${this.settings.user}@${this.settings.host}:${this.settings.port}${this.settings.jump ? ` via ${this.settings.jump.host}` : ''}`,
          null,
        );
        return chain;
      })
      .catch((err: unknown) => {
        const e = err instanceof AppError ? err : new AppError('TUNNEL_FAILED', String(err));
        this.lastError = e;
        if (state === 'connecting' || PERMANENT.has(e.code) || this.closed)
          this.setState(this.closed ? 'disconnected' : 'failed', e.message, e);
        throw e;
      })
      .finally(() => {
        this.connecting = null;
      });
    this.connecting = attempt;
    return attempt;
  }

  /** Any close of the SSH host's client or the jump client means the link is gone. */
  private watch(chain: SshChain): void {
    let gone = false;
    const onGone = () => {
      if (gone) return;
      gone = true;
      if (this.chain !== chain) return;
      this.chain = null;
      chain.end();
      this.events.dropped();
      if (this.closed) return;
      this.reconnects++;
      this.setState(
        'reconnecting',
        'The SSH connection dropped; reconnecting…',
        new AppError('TUNNEL_DROPPED', `The SSH tunnel to ${this.settings.host} dropped.`),
      );
      this.scheduleRetry(0);
    };
    chain.client.on('close', onGone);
    chain.client.on('error', () => {});
    chain.jump?.on('close', onGone);
    chain.jump?.on('error', () => {});
  }

  private scheduleRetry(attempt: number): void {
    const delay = this.tuning.reconnectDelaysMs[attempt];
    if (delay === undefined) {
      const e = new AppError(
        'TUNNEL_DROPPED',
        `The SSH tunnel to ${this.settings.host} dropped and did not come back after ${attempt} attempts.`,
      );
      this.lastError = e;
      this.setState('failed', e.message, e);
      return;
    }
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      if (this.closed) return;
      this.connectOnce('reconnecting').catch((err: AppError) => {
        if (this.closed || PERMANENT.has(err.code)) return;
        this.setState('reconnecting', `Reconnect attempt ${attempt + 1} failed: ${err.message}`, err);
        this.scheduleRetry(attempt + 1);
      });
    }, delay);
    this.retryTimer.unref();
  }

  private waitForReconnect(): Promise<SshChain> {
    return new Promise((resolve, reject) => {
      const check = () => {
        if (this.closed) return done(() => reject(new AppError('CANCELLED', `The SSH tunnel of ${this.label} is closed.`)));
        if (this.state === 'connected' && this.chain) {
          const chain = this.chain;
          return done(() => resolve(chain));
        }
        if (this.state === 'failed')
          return done(() => reject(this.lastError ?? new AppError('TUNNEL_DROPPED', 'The SSH tunnel failed.')));
      };
      const timer = setTimeout(
        () =>
          done(() =>
            reject(
              new AppError(
                'TUNNEL_DROPPED',
                `The SSH tunnel to ${this.settings.host} dropped and has not come back within ${this.tuning.waitForReconnectMs / 1000} s.`,
              ),
            ),
          ),
        this.tuning.waitForReconnectMs,
      );
      const done = (fn: () => void) => {
        clearTimeout(timer);
        this.waiters.delete(check);
        fn();
      };
      this.waiters.add(check);
    });
  }

  private setState(state: ConnectionState, detail: string | null, error: AppError | null): void {
    const changed = state !== this.state;
    this.state = state;
    if (changed || state === 'reconnecting') this.events.state(state, detail, error);
    for (const w of [...this.waiters]) w();
  }
}
