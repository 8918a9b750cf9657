import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { JobSnapshot } from '../../shared/contract/jobs';
import type { Profile } from '../../shared/contract/profiles';
import type { SandboxStartResult, SandboxStatus } from '../../shared/contract/sandbox';
import type { App } from '../app/App';
import { AppError } from '../core/AppError';
import type { JobContext } from '../jobs/JobRunner';
import { MariaDbServer } from './MariaDbServer';
import { findMariaDbBinaries, MARIADB_INSTALL_HINT } from './mariadbBinaries';
import { resetRootPasswordSql } from './mariadbRoot';
import { isPortFree } from './processTools';
import { loadSampleData } from './sampleLoader';

/** What the sandbox remembers between runs (`<home>/sandbox/sandbox.json`); no secrets. */
interface SandboxState {
  profileId: string | null;
  port: number | null;
  sampleLoaded: boolean;
}

export const SANDBOX_DATABASE = 'sysndd';
export const SANDBOX_USER = 'sysndd';
export const SANDBOX_PROFILE_NAME = 'Local sandbox';
const STEPS = 5;

/**
 * The local sandbox: a private MariaDB (the same MariaDbServer the tests use) in the app-data folder on a
 * loopback port that is kept across restarts, a `development` profile for it, and a small sample dataset.
 *
 * One secret — the profile's `mysql.password`, kept in the secret store — is both the sandbox user's and
 * root's password. When the store lost it (a memory store in a new process) the next start sets a new one
 * through `--init-file` with only its hash on disk.
 *
 * The desktop app and browser mode stop the server when they close. The CLI's `sandbox start` leaves it
 * running (a detached process found again through its pid file) until `sandbox stop`.
 */
export class SandboxService {
  readonly dir: string;
  private server: MariaDbServer | null = null;

  constructor(private readonly app: App) {
    this.dir = path.join(app.home, 'sandbox');
    app.onClose(() => this.closeWithApp());
  }

  status(): SandboxStatus {
    const binaries = findMariaDbBinaries();
    const probe = this.probe();
    const pid = probe.runningPid();
    const state = this.readState();
    return {
      available: binaries !== null,
      unavailableReason: binaries ? null : `MariaDB server binaries were not found. ${MARIADB_INSTALL_HINT}`,
      running: pid !== null,
      port: (pid !== null ? probe.recordedPort() : null) ?? state.port,
      pid,
      dataDir: this.dir,
      profileId: this.existingProfile(state)?.id ?? null,
      database: SANDBOX_DATABASE,
    };
  }

  start(): JobSnapshot {
    if (!findMariaDbBinaries()) {
      throw new AppError('UNSUPPORTED', `The local sandbox needs the MariaDB server on this machine. ${MARIADB_INSTALL_HINT}`);
    }
    return this.app.jobs.start({
      kind: 'sandbox',
      title: 'Start the local sandbox',
      exclusiveKey: 'sandbox',
      run: (ctx) => this.runStart(ctx),
    });
  }

  async stop(): Promise<SandboxStatus> {
    const state = this.readState();
    const profile = this.existingProfile(state);
    // Close our own pooled connections first so they end cleanly instead of seeing the server vanish.
    if (profile) await this.app.connections.closeProfile(profile.id);
    await (this.server ?? this.probe()).stop();
    this.server = null;
    return this.status();
  }

  private async runStart(ctx: JobContext): Promise<SandboxStartResult> {
    const step = (done: number, stage: string) => ctx.progress({ stage, done, total: STEPS, unit: 'steps' });
    const state = this.readState();
    let profile = this.existingProfile(state);
    let password = profile ? await this.app.profiles.secret(profile.id, 'mysql.password') : null;
    const probe = this.probe();
    const initializedBefore = probe.isInitialized();
    const resetPassword = password === null && initializedBefore;
    if (password === null) password = `S${randomBytes(18).toString('base64url')}`;
    if (resetPassword) {
      ctx.log('warn', 'The sandbox password is not in the secret store any more; setting a new one.');
      // --init-file only runs at startup, so a server left running by an earlier process must restart.
      await probe.stop();
    }

    step(0, initializedBefore ? 'starting MariaDB' : 'initialising the sandbox data folder');
    const port = await this.choosePort(state, probe, ctx);
    const server = new MariaDbServer({
      baseDir: this.dir,
      rootPassword: password,
      port,
      detached: this.app.door === 'cli',
      durable: true,
      bufferPoolSize: '128M',
      // Production MySQL 8 writes a binary log, so the backup engine's binlog position shows up here too.
      binlog: true,
      extraArgs: ['--binlog-expire-logs-seconds=259200', '--max-binlog-size=64M'],
      initSql: resetPassword ? resetRootPasswordSql(password) : undefined,
    });
    const info = await server.start();
    this.server = server;
    ctx.log('info', `MariaDB is listening on ${info.host}:${info.port} (data in ${server.dataDir}).`);
    ctx.throwIfCancelled();

    step(1, 'creating the sandbox user and database');
    await server.createUser(SANDBOX_USER, password, { host: '%', withGrantOption: true });
    const root = await server.connectRoot();
    try {
      await root.query(`CREATE DATABASE IF NOT EXISTS \`${SANDBOX_DATABASE}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci`);
    } finally {
      await root.end();
    }

    step(2, 'saving the development profile');
    profile = await this.saveProfile(profile, info.port, password, resetPassword);
    this.writeState({ ...state, profileId: profile.id, port: info.port });
    ctx.throwIfCancelled();

    step(3, 'applying bundled migrations');
    await this.applyMigrations(profile.id, ctx);

    step(4, 'loading sample data');
    let sampleRows = 0;
    if (!state.sampleLoaded) {
      const conn = await server.connectRoot({ database: SANDBOX_DATABASE });
      try {
        const report = await loadSampleData(conn, SANDBOX_DATABASE, (level, message) => ctx.log(level, message));
        sampleRows = report.rows;
        ctx.log('info', `Sample data: ${report.rows} rows in ${report.tables} tables.`);
      } finally {
        await conn.end();
      }
      this.writeState({ profileId: profile.id, port: info.port, sampleLoaded: true });
    }
    step(STEPS, 'ready');
    return { profileId: profile.id, port: info.port, database: SANDBOX_DATABASE, initialized: !initializedBefore, sampleRows };
  }

  /**
   * Pending bundled migrations, applied through the migrations capability as its own `migrate` job (so it
   * is audited and visible like any other), on every start: a newer app version brings newer files.
   */
  private async applyMigrations(profileId: string, ctx: JobContext): Promise<void> {
    const dir = this.app.migrations.migrationsDir(profileId);
    let files: string[] = [];
    try {
      files = fs.readdirSync(dir).filter((f) => f.endsWith('.sql'));
    } catch {
      // No folder: nothing bundled.
    }
    if (files.length === 0) {
      ctx.log('info', `No bundled migrations in ${dir}; sample tables get minimal definitions.`);
      return;
    }
    const job = this.app.migrations.migrate(profileId, { lockTimeoutSeconds: 30, retryFailed: false });
    ctx.log('info', `Applying bundled migrations from ${dir} (job ${job.id}).`);
    const cancel = () => void Promise.resolve(this.app.jobs.cancel(job.id)).catch(() => {});
    ctx.signal.addEventListener('abort', cancel, { once: true });
    let final = job;
    try {
      while (final.state === 'queued' || final.state === 'running') final = await this.app.jobs.wait(job.id, 60_000);
    } finally {
      ctx.signal.removeEventListener('abort', cancel);
    }
    ctx.throwIfCancelled();
    if (final.state !== 'succeeded') {
      throw new AppError(
        'MIGRATION_FAILED',
        `Applying the bundled migrations to the sandbox failed: ${final.error?.message ?? final.state}`,
        {
          jobId: job.id,
        },
      );
    }
  }

  /** The kept port when it is free (or ours), else a new one (and the profile follows it). */
  private async choosePort(state: SandboxState, probe: MariaDbServer, ctx: JobContext): Promise<number | undefined> {
    if (probe.runningPid() !== null) return probe.recordedPort() ?? undefined;
    if (state.port === null) return undefined;
    if (await isPortFree(state.port)) return state.port;
    ctx.log('warn', `Port ${state.port} is taken by another program; the sandbox moves to a new port.`);
    return undefined;
  }

  private async saveProfile(existing: Profile | null, port: number, password: string, newPassword: boolean): Promise<Profile> {
    const mysql = { host: '127.0.0.1', port, user: SANDBOX_USER, database: SANDBOX_DATABASE };
    if (!existing) {
      return this.app.profiles.create(
        { name: this.freeProfileName(), environment: 'development', color: '#2f9e44', mysql },
        { 'mysql.password': password },
      );
    }
    if (existing.mysql.port === port && !newPassword) return existing;
    const { id, transient: _t, secrets: _s, createdAt: _c, updatedAt: _u, ...body } = existing;
    return this.app.profiles.update(
      id,
      { ...body, mysql: { ...body.mysql, port } },
      newPassword ? { 'mysql.password': password } : {},
    );
  }

  private freeProfileName(): string {
    for (let n = 1; ; n++) {
      const name = n === 1 ? SANDBOX_PROFILE_NAME : `${SANDBOX_PROFILE_NAME} ${n}`;
      if (!this.app.profiles.findByName(name)) return name;
    }
  }

  private existingProfile(state: SandboxState): Profile | null {
    if (!state.profileId) return null;
    try {
      return this.app.profiles.get(state.profileId);
    } catch {
      // The user deleted the profile; the next start creates a new one.
      return null;
    }
  }

  private async closeWithApp(): Promise<void> {
    // The CLI's sandbox outlives the command on purpose; the app's ends with the app.
    if (this.app.door === 'cli' || !this.server) return;
    await this.server.stop();
    this.server = null;
  }

  private probe(): MariaDbServer {
    return new MariaDbServer({ baseDir: this.dir, rootPassword: '' });
  }

  private readState(): SandboxState {
    try {
      const raw = JSON.parse(fs.readFileSync(path.join(this.dir, 'sandbox.json'), 'utf8')) as Partial<SandboxState>;
      return { profileId: raw.profileId ?? null, port: raw.port ?? null, sampleLoaded: raw.sampleLoaded ?? false };
    } catch {
      return { profileId: null, port: null, sampleLoaded: false };
    }
  }

  private writeState(state: SandboxState): void {
    fs.mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    fs.writeFileSync(path.join(this.dir, 'sandbox.json'), `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
  }
}
