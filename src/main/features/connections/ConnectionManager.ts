import os from 'node:os';
import path from 'node:path';
import type { Duplex } from 'node:stream';
import type { SFTPWrapper } from 'ssh2';
import type { ConnectionStatus, ConnectionTestReport, HostKeyCheck, PoolStats } from '../../../shared/contract/connections';
import type { ConnectionState } from '../../../shared/contract/events';
import type { Profile } from '../../../shared/contract/profiles';
import { AppError } from '../../core/AppError';
import type { EventBus } from '../../core/EventBus';
import { bundledMigrationsDir } from '../../platform/paths';
import type { AppDatabase } from '../../platform/store/AppDatabase';
import type { ProfileService } from '../profiles/ProfileService';
import { isConnectionLost, mapMysqlConnectError } from './errors';
import { HostKeyStore } from './hostKeys/HostKeyStore';
import { MysqlPool } from './mysql/MysqlPool';
import type { MigrationCount } from './mysql/migrationCount';
import { coreStream, isClosed, type MysqlConnection, type MysqlConnectionOptions, openMysql } from './mysql/mysqlConnect';
import { closeLinks, type Link, linkStatus } from './ProfileLink';
import { missingSavedSecret, type SecretPrompt, SecretSources } from './secretSources';
import { expandHome } from './ssh/credentials';
import { startLocalForward } from './ssh/LocalForward';
import { RECONNECT_DELAYS_MS, SshTunnel, type TunnelTuning } from './ssh/SshTunnel';
import { openTcp } from './ssh/sshHop';
import { runConnectionTest } from './test/ConnectionTester';

export interface ConnectionManagerOptions {
  /** Where `known_hosts` and `config` are read; SYSNDD_ADMIN_SSH_DIR or ~/.ssh. */
  sshDir?: string;
  poolMax?: number;
  acquireTimeoutMs?: number;
  /** How long a caller waits for a dropped tunnel to come back before TUNNEL_DROPPED. */
  waitForReconnectMs?: number;
  /** Let MYSQL_PWD, SSH_PASSPHRASE, … stand in for secrets the store lacks (the CLI door). */
  envSecrets?: boolean;
  /** The door's first-contact prompt and advice for SSH host keys (see the fields below). */
  hostKeyPrompt?: (check: HostKeyCheck) => Promise<boolean>;
  unknownHostKeyAdvice?: (check: HostKeyCheck) => string;
  /** The door's prompt for a secret the store and env lack (a terminal). */
  secretPrompt?: SecretPrompt;
}

export interface DedicatedOptions {
  /** Another database than the profile's default; null = none (e.g. to CREATE DATABASE). */
  database?: string | null;
  extra?: Partial<MysqlConnectionOptions>;
}

/**
 * The one way other capabilities reach a SysNDD database: `app.connections`.
 * - `withConnection(profileId, fn)`: a pooled mysql2/promise connection (returned to the pool afterwards).
 * - `openDedicated(profileId)`: a connection of its own (GET_LOCK, dump workers); the caller ends it.
 * - `openSftp(profileId)`, `openLocalForward(profileId)` (only for external tools needing a port).
 * MySQL runs over ssh2 `forwardOut` channels when the profile has SSH, directly otherwise. Shutdown closes
 * MySQL connections first, then local listeners, then SSH clients.
 */
export class ConnectionManager {
  readonly hostKeys: HostKeyStore;
  /** Store, then (CLI) env vars, then a prompt the CLI may install on a terminal. */
  readonly secretSources: SecretSources;
  readonly sshDir: string;
  private readonly links = new Map<string, Link>();
  private readonly poolMax: number;
  private readonly acquireTimeoutMs: number;
  /** Reconnect policy for tunnels opened from now on (tests shorten it). */
  readonly tuning: TunnelTuning;
  /**
   * First contact with an SSH host key, for tunnels (the staged test has its own flow): a terminal prompt
   * the CLI installs (resolves true once the person trusted and pinned the key), and the door's advice
   * in the HOST_KEY_UNKNOWN error. Without them the error says to compare the key and trust it.
   */
  hostKeyPrompt: ((check: HostKeyCheck) => Promise<boolean>) | null = null;
  unknownHostKeyAdvice: ((check: HostKeyCheck) => string) | null = null;
  /** Per profile: the one fingerprint a person accepted in advance (CLI `--accept-host-key`). */
  private readonly acceptedHostKeys = new Map<string, string>();

  constructor(
    store: AppDatabase,
    private readonly profiles: ProfileService,
    private readonly events: EventBus,
    options: ConnectionManagerOptions = {},
  ) {
    this.sshDir = options.sshDir ?? process.env.SYSNDD_ADMIN_SSH_DIR ?? path.join(os.homedir(), '.ssh');
    this.poolMax = options.poolMax ?? 4;
    this.acquireTimeoutMs = options.acquireTimeoutMs ?? 30_000;
    this.tuning = { reconnectDelaysMs: RECONNECT_DELAYS_MS, waitForReconnectMs: options.waitForReconnectMs ?? 30_000 };
    this.secretSources = new SecretSources(profiles, options.envSecrets ?? false);
    this.secretSources.prompt = options.secretPrompt ?? null;
    this.hostKeyPrompt = options.hostKeyPrompt ?? null;
    this.unknownHostKeyAdvice = options.unknownHostKeyAdvice ?? null;
    this.hostKeys = new HostKeyStore(store, () => [path.join(this.sshDir, 'known_hosts')]);
    // An edited or removed profile must not keep using connections made with its old settings.
    events.subscribe((e) => {
      if (e.type === 'profiles.changed') void this.dropStaleLinks();
    });
  }

  async withConnection<T>(profileId: string, fn: (conn: MysqlConnection) => Promise<T>): Promise<T> {
    const link = this.link(profileId);
    const conn = await link.pool.acquire();
    try {
      const value = await fn(conn);
      link.pool.release(conn, true);
      return value;
    } catch (err) {
      const lost = isConnectionLost(err);
      link.pool.release(conn, !lost);
      if (lost && !(err instanceof AppError)) throw this.lostError(link, err);
      throw err;
    }
  }

  /** A connection outside the pool (several may be open at once, each on its own SSH channel). */
  async openDedicated(profileId: string, options: DedicatedOptions = {}): Promise<MysqlConnection> {
    const link = this.link(profileId);
    const { conn } = await this.openConnection(link, options);
    link.dedicated.add(conn);
    const forget = () => link.dedicated.delete(conn);
    conn.once('end', forget);
    coreStream(conn)?.once('close', forget);
    return conn;
  }

  async openSftp(profileId: string): Promise<SFTPWrapper> {
    const link = this.link(profileId);
    if (!link.tunnel)
      throw new AppError(
        'PRECONDITION_FAILED',
        `Profile "${link.profile.name}" has no SSH host, so there is no remote folder to reach.`,
      );
    const sftp = await link.tunnel.sftp();
    link.sftp.add(sftp);
    sftp.once('close', () => link.sftp.delete(sftp));
    return sftp;
  }

  /**
   * A raw TCP stream to host:port as seen from the profile's SSH host (an SMTP server or Mailpit behind the
   * bastion); a plain socket for a profile without SSH. The caller destroys it.
   */
  async forwardTo(profileId: string, host: string, port: number): Promise<Duplex> {
    const link = this.link(profileId);
    if (!link.tunnel) return openTcp(host, port, 'server');
    return (await link.tunnel.forwardOut(host, port)).channel;
  }

  /** 127.0.0.1:port for external tools; a direct profile just gets its own host and port back. */
  async openLocalForward(profileId: string): Promise<{ host: string; port: number; close(): Promise<void> }> {
    const link = this.link(profileId);
    const m = link.profile.mysql;
    const tunnel = link.tunnel;
    if (!tunnel) return { host: m.host, port: m.port, close: async () => {} };
    await tunnel.ready();
    const fwd = await startLocalForward(
      async () => (await tunnel.forwardOut(m.host, m.port)).channel,
      () => {},
    );
    link.forwards.add(fwd);
    return {
      host: fwd.host,
      port: fwd.port,
      close: async () => {
        link.forwards.delete(fwd);
        await fwd.close();
      },
    };
  }

  poolStats(profileId: string): PoolStats {
    const link = this.links.get(profileId);
    const s = link?.pool.stats() ?? { max: this.poolMax, total: 0, active: 0, idle: 0, queued: 0 };
    for (const c of link?.dedicated ?? []) if (isClosed(c)) link?.dedicated.delete(c);
    return { profileId, ...s, dedicated: link?.dedicated.size ?? 0 };
  }

  state(profileId: string): ConnectionStatus {
    return linkStatus(profileId, this.profiles.get(profileId), this.links.get(profileId));
  }

  /** `migrationStatus`: the migrations capability's own pending count, used when given (one rule, one place). */
  async test(
    profileId: string,
    acceptHostKey?: string,
    migrationStatus?: (profile: Profile) => Promise<MigrationCount>,
  ): Promise<ConnectionTestReport> {
    const profile = this.profiles.get(profileId);
    const status = migrationStatus;
    return runConnectionTest(
      profile,
      {
        hostKeys: this.hostKeys,
        secretOf: (name, required) => this.secretSources.get(profileId, name, required),
        sshDir: this.sshDir,
        migrationsDir: profile.migrationsDir ? expandHome(profile.migrationsDir) : bundledMigrationsDir(),
        migrationStatus: status ? () => status(profile) : undefined,
      },
      acceptHostKey,
    );
  }

  /**
   * Trust a first-contact host key of this profile's SSH hosts only if it has exactly this fingerprint
   * (pinned on connect); any other unknown key is refused naming both. Lasts for this process.
   */
  acceptHostKey(profileId: string, fingerprint: string): void {
    this.acceptedHostKeys.set(profileId, fingerprint);
  }

  /** Close one profile's connections (after an edit, or on request). */
  async closeProfile(profileId: string): Promise<void> {
    const link = this.links.get(profileId);
    if (!link) return;
    this.links.delete(profileId);
    await closeLinks([link]);
  }

  /** Shutdown: MySQL connections of every profile, then local listeners, then SSH clients. */
  async closeAll(): Promise<void> {
    const all = [...this.links.values()];
    this.links.clear();
    await closeLinks(all);
  }

  private link(profileId: string): Link {
    const existing = this.links.get(profileId);
    if (existing) return existing;
    const profile = this.profiles.get(profileId);
    const now = new Date().toISOString();
    const link: Link = {
      profile,
      tunnel: null,
      pool: new MysqlPool({
        label: `profile "${profile.name}"`,
        max: this.poolMax,
        acquireTimeoutMs: this.acquireTimeoutMs,
        validateAfterMs: 30_000,
        open: () => this.openConnection(link, {}),
        currentGeneration: () => link.tunnel?.generation ?? 0,
      }),
      dedicated: new Set(),
      sftp: new Set(),
      forwards: new Set(),
      direct: { state: 'disconnected', detail: null, since: now, lastError: null },
      since: now,
    };
    if (profile.ssh) {
      link.tunnel = new SshTunnel(
        `profile "${profile.name}"`,
        profile.ssh,
        () => ({
          hostKeys: this.hostKeys,
          secretOf: (name, required) => this.secretSources.get(profileId, name, required),
          sshDir: this.sshDir,
          acceptFingerprint: this.acceptedHostKeys.get(profileId),
          confirmHostKey: this.hostKeyPrompt ?? undefined,
          unknownKeyAdvice: this.unknownHostKeyAdvice ?? undefined,
        }),
        {
          state: (state, detail) => {
            link.since = new Date().toISOString();
            this.events.emit({ type: 'connection.state', profileId, state, detail });
          },
          dropped: () => link.pool.drainIdle(),
        },
        this.tuning,
      );
    }
    this.links.set(profileId, link);
    return link;
  }

  private async openConnection(link: Link, options: DedicatedOptions): Promise<{ conn: MysqlConnection; generation: number }> {
    const m = link.profile.mysql;
    const password = await this.secretSources.get(link.profile.id, 'mysql.password');
    if (password === null && link.profile.secrets.includes('mysql.password'))
      throw missingSavedSecret(link.profile, 'mysql.password');
    if (link.tunnel) {
      const { channel, generation } = await link.tunnel.forwardOut(m.host, m.port);
      const conn = await openMysql({
        settings: m,
        password,
        stream: channel,
        viaSsh: true,
        database: options.database,
        extra: options.extra,
      });
      return { conn, generation };
    }
    try {
      // Connect the socket ourselves so DNS/refused/timeout failures get the same words as over SSH.
      const sock = await openTcp(m.host, m.port, 'MySQL server');
      const conn = await openMysql({
        settings: m,
        password,
        stream: sock,
        viaSsh: false,
        database: options.database,
        extra: options.extra,
      });
      this.setDirectState(link, 'connected', `${m.host}:${m.port}`, null);
      return { conn, generation: 0 };
    } catch (err) {
      const e = err instanceof AppError ? err : new AppError('INTERNAL', String(err));
      this.setDirectState(link, 'failed', e.message, e);
      throw e;
    }
  }

  private setDirectState(link: Link, state: ConnectionState, detail: string | null, error: AppError | null): void {
    const changed = link.direct.state !== state;
    link.direct = {
      state,
      detail,
      since: changed ? new Date().toISOString() : link.direct.since,
      lastError: error ?? link.direct.lastError,
    };
    if (error === null && state === 'connected') link.direct.lastError = null;
    if (changed) {
      link.since = link.direct.since;
      this.events.emit({ type: 'connection.state', profileId: link.profile.id, state, detail });
    }
  }

  private lostError(link: Link, err: unknown): AppError {
    const m = link.profile.mysql;
    if (link.tunnel) {
      return new AppError(
        'TUNNEL_DROPPED',
        `The connection to MySQL through the SSH tunnel of "${link.profile.name}" was lost (${(err as Error).message}). The tunnel reconnects by itself; run the action again.`,
      );
    }
    return mapMysqlConnectError(err, { host: m.host, port: m.port, user: m.user, viaSsh: false });
  }

  private async dropStaleLinks(): Promise<void> {
    for (const [id, link] of [...this.links]) {
      let current: Profile | null = null;
      try {
        current = this.profiles.get(id);
      } catch {
        current = null;
      }
      if (!current || current.updatedAt !== link.profile.updatedAt) {
        this.secretSources.forget(id);
        await this.closeProfile(id);
      }
    }
  }
}
