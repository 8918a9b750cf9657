import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { JobSnapshot } from '../../../shared/contract/jobs';
import type { SecretName } from '../../../shared/contract/profiles';
import type {
  SandboxEngine,
  SandboxEngineAvailability,
  SandboxRef,
  SandboxStartArgs,
  SandboxStartResult,
  SandboxStatus,
} from '../../../shared/contract/sandbox';
import { AppError } from '../../core/AppError';
import type { JobContext } from '../../platform/jobs/JobRunner';
import { MariaDbServer } from './MariaDbServer';
import { resetRootPasswordSql, resetRootPasswordSqlMySql } from './mariadbRoot';
import { isPortFree } from './processTools';
import type { SandboxServiceDeps } from './SandboxServiceDeps';
import { loadSampleData } from './sampleLoader';
import { readCredentials, writeCredentials } from './sandboxCredentials';
import { engineOfProfile } from './sandboxEngineChoice';
import { SANDBOX_ENGINES, type SandboxEngineLayout, sandboxDir, sandboxLayout, unavailableReason } from './sandboxEngines';
import { existingSandboxProfile, SANDBOX_DATABASE, SANDBOX_USER, saveSandboxProfile } from './sandboxProfile';

export { SANDBOX_DATABASE, SANDBOX_USER } from './sandboxProfile';
export const SANDBOX_PROFILE_NAME = sandboxLayout('mariadb').profileName;

/** What a sandbox remembers between runs (`<sandbox>/sandbox.json`); no secrets. */
interface SandboxState {
  profileId: string | null;
  port: number | null;
  sampleLoaded: boolean;
  /** When it last started: the default engine of `status`/`stop` is the one used last. */
  lastStartedAt: string | null;
}

const STEPS = 5;

/**
 * The local sandbox: a private MariaDB or MySQL (the same MariaDbServer the tests use) in the app-data
 * folder on a loopback port that is kept across restarts, a `development` profile for it, and a small
 * sample dataset. One sandbox per engine, each in its own folder with its own profile.
 *
 * Its password — both the sandbox user's and root's — is generated once and kept with the sandbox
 * (sandboxCredentials.ts, 0600), not in the user's secret store, so every door and every later process
 * reaches it on a machine without an OS keyring. When that file is missing (a sandbox made by an older
 * version whose store forgot the password) the next start sets a new one through `--init-file`.
 *
 * The desktop app and browser mode stop the server when they close. The CLI's `sandbox start` leaves it
 * running (a detached process found again through its pid file) until `sandbox stop`.
 */
export class SandboxService {
  private readonly servers = new Map<SandboxEngine, MariaDbServer>();

  /** `app`: the collaborators the App passes in (SandboxServiceDeps), not the App itself. */
  constructor(private readonly app: SandboxServiceDeps) {
    app.onClose(() => this.closeWithApp());
    app.profiles.addSecretOwner((profileId, name) => this.ownedSecret(profileId, name));
  }

  /** The MariaDB sandbox's folder (`<app home>/sandbox`); the MySQL one is `<app home>/sandbox-mysql`. */
  get dir(): string {
    return sandboxDir(this.app.home, 'mariadb');
  }

  status(ref: SandboxRef = {}): SandboxStatus {
    const engine = ref.engine ?? this.defaultEngine();
    const probe = this.probe(engine);
    const pid = probe.runningPid();
    const state = this.readState(engine);
    const reason = unavailableReason(engine);
    return {
      engine,
      engines: this.engines(),
      available: reason === null,
      unavailableReason: reason,
      running: pid !== null,
      port: (pid !== null ? probe.recordedPort() : null) ?? state.port,
      pid,
      dataDir: sandboxDir(this.app.home, engine),
      profileId: existingSandboxProfile(this.app, state.profileId)?.id ?? null,
      database: SANDBOX_DATABASE,
    };
  }

  async start(args: SandboxStartArgs = {}): Promise<JobSnapshot> {
    const choice = await this.chooseEngine(args);
    const layout = sandboxLayout(choice.engine);
    if (unavailableReason(choice.engine) !== null) {
      throw new AppError(
        'UNSUPPORTED',
        `The ${layout.label} sandbox needs the ${layout.label} server on this machine. ${layout.installHint}`,
        { engine: choice.engine },
      );
    }
    return this.app.jobs.start({
      kind: 'sandbox',
      title: `Start the local ${layout.label} sandbox`,
      exclusiveKey: 'sandbox',
      run: (ctx) => {
        ctx.log('info', choice.why);
        return this.runStart(layout, ctx);
      },
    });
  }

  async stop(ref: SandboxRef = {}): Promise<SandboxStatus> {
    const engine = ref.engine ?? this.defaultEngine();
    const profile = existingSandboxProfile(this.app, this.readState(engine).profileId);
    // Close our own pooled connections first so they end cleanly instead of seeing the server vanish.
    if (profile) await this.app.connections.closeProfile(profile.id);
    await (this.servers.get(engine) ?? this.probe(engine)).stop();
    this.servers.delete(engine);
    this.app.events.emit({ type: 'sandbox.changed', engine, running: false });
    return this.status({ engine });
  }

  private engines(): SandboxEngineAvailability[] {
    return SANDBOX_ENGINES.map((engine) => {
      const reason = unavailableReason(engine);
      return { engine, available: reason === null, unavailableReason: reason, running: this.probe(engine).runningPid() !== null };
    });
  }

  /** The running sandbox, else the one started last, else the first engine found on this machine. */
  private defaultEngine(): SandboxEngine {
    const running = SANDBOX_ENGINES.find((e) => this.probe(e).runningPid() !== null);
    if (running) return running;
    const started = SANDBOX_ENGINES.map((e) => ({ e, at: this.readState(e).lastStartedAt ?? '' }))
      .filter((x) => x.at !== '')
      .sort((a, b) => b.at.localeCompare(a.at))[0];
    if (started) return started.e;
    return SANDBOX_ENGINES.find((e) => unavailableReason(e) === null) ?? 'mariadb';
  }

  /** The asked engine; else the engine of the profile the user works with; else the default. Says why. */
  private async chooseEngine(args: SandboxStartArgs): Promise<{ engine: SandboxEngine; why: string }> {
    const label = (e: SandboxEngine) => sandboxLayout(e).label;
    if (args.engine) return { engine: args.engine, why: `Engine: ${label(args.engine)} (asked for).` };
    if (args.fromProfileId) {
      const own = SANDBOX_ENGINES.find((e) => this.readState(e).profileId === args.fromProfileId);
      const found = own ? { engine: own, source: 'this sandbox' } : await engineOfProfile(this.app, args.fromProfileId);
      if (found && unavailableReason(found.engine) === null) {
        return { engine: found.engine, why: `Engine: ${label(found.engine)}, as recorded for ${found.source}.` };
      }
      if (found) {
        const fallback = this.defaultEngine();
        return {
          engine: fallback,
          why: `Engine: ${label(fallback)}; ${found.source} runs ${label(found.engine)}, which is not installed here (restores map between the engines).`,
        };
      }
    }
    const engine = this.defaultEngine();
    return { engine, why: `Engine: ${label(engine)} (default).` };
  }

  private async runStart(layout: SandboxEngineLayout, ctx: JobContext): Promise<SandboxStartResult> {
    const step = (done: number, stage: string) => ctx.progress({ stage, done, total: STEPS, unit: 'steps' });
    const { engine, label } = layout;
    const dir = sandboxDir(this.app.home, engine);
    const state = this.readState(engine);
    let profile = existingSandboxProfile(this.app, state.profileId);
    // The kept password; else one an older version left in the secret store (read through the store).
    let password =
      readCredentials(dir)?.password ?? (profile ? await this.app.profiles.secret(profile.id, 'mysql.password') : null);
    const probe = this.probe(engine);
    const initializedBefore = probe.isInitialized();
    const resetPassword = password === null && initializedBefore;
    if (password === null) password = `S${randomBytes(18).toString('base64url')}`;
    if (resetPassword) {
      ctx.log(
        'warn',
        'The sandbox password was lost (made by an older version whose secret store forgot it); setting a new one.',
      );
      // --init-file only runs at startup, so a server left running by an earlier process must restart.
      await probe.stop();
    }

    step(0, initializedBefore ? `starting ${label}` : 'initialising the sandbox data folder');
    const port = await this.choosePort(state, probe, ctx);
    const server = new MariaDbServer({
      baseDir: dir,
      rootPassword: password,
      port,
      binaries: layout.findBinaries() ?? undefined,
      detached: this.app.door === 'cli',
      durable: true,
      bufferPoolSize: '128M',
      // Production MySQL 8 writes a binary log, so the backup engine's binlog position shows up here too.
      binlog: true,
      extraArgs: ['--binlog-expire-logs-seconds=259200', '--max-binlog-size=64M'],
      initSql: resetPassword
        ? engine === 'mysql'
          ? resetRootPasswordSqlMySql(password)
          : resetRootPasswordSql(password)
        : undefined,
    });
    const info = await server.start();
    this.servers.set(engine, server);
    // Kept once the server accepts it: a crash before this line makes the next start reset it again.
    writeCredentials(dir, { user: SANDBOX_USER, password });
    ctx.log('info', `${label} is listening on ${info.host}:${info.port} (data in ${server.dataDir}).`);
    ctx.throwIfCancelled();

    step(1, 'creating the sandbox user and database');
    await server.createUser(SANDBOX_USER, password, { host: '%', withGrantOption: true });
    const root = await server.connectRoot();
    try {
      await root.query(`CREATE DATABASE IF NOT EXISTS \`${SANDBOX_DATABASE}\` CHARACTER SET utf8mb4 COLLATE ${layout.collation}`);
    } finally {
      await root.end();
    }

    step(2, 'saving the development profile');
    profile = await saveSandboxProfile(this.app, layout, profile, info.port);
    this.writeState(engine, { ...state, profileId: profile.id, port: info.port, lastStartedAt: new Date().toISOString() });
    this.app.events.emit({ type: 'sandbox.changed', engine, running: true });
    ctx.throwIfCancelled();

    step(3, 'applying bundled migrations');
    await this.applyMigrations(profile.id, ctx);

    step(4, 'loading sample data');
    const sampleRows = state.sampleLoaded ? 0 : await this.loadSample(server, ctx);
    if (!state.sampleLoaded) this.writeState(engine, { ...this.readState(engine), sampleLoaded: true });
    step(STEPS, 'ready');
    return {
      engine,
      profileId: profile.id,
      port: info.port,
      database: SANDBOX_DATABASE,
      initialized: !initializedBefore,
      sampleRows,
    };
  }

  private async loadSample(server: MariaDbServer, ctx: JobContext): Promise<number> {
    const conn = await server.connectRoot({ database: SANDBOX_DATABASE });
    try {
      const report = await loadSampleData(conn, SANDBOX_DATABASE, (level, message) => ctx.log(level, message));
      ctx.log('info', `Sample data: ${report.rows} rows in ${report.tables} tables.`);
      return report.rows;
    } finally {
      await conn.end();
    }
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
        { jobId: job.id },
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

  /** The sandbox's own password for its profile (the profile service asks before its secret store). */
  private ownedSecret(profileId: string, name: SecretName): string | null {
    if (name !== 'mysql.password') return null;
    const engine = SANDBOX_ENGINES.find((e) => this.readState(e).profileId === profileId);
    return engine ? (readCredentials(sandboxDir(this.app.home, engine))?.password ?? null) : null;
  }

  private async closeWithApp(): Promise<void> {
    // The CLI's sandbox outlives the command on purpose; the app's ends with the app.
    if (this.app.door === 'cli') return;
    for (const [engine, server] of this.servers) {
      await server.stop();
      this.servers.delete(engine);
    }
  }

  private probe(engine: SandboxEngine): MariaDbServer {
    return new MariaDbServer({ baseDir: sandboxDir(this.app.home, engine), rootPassword: '', engine });
  }

  private readState(engine: SandboxEngine): SandboxState {
    try {
      const file = path.join(sandboxDir(this.app.home, engine), 'sandbox.json');
      const raw = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<SandboxState>;
      return {
        profileId: raw.profileId ?? null,
        port: raw.port ?? null,
        sampleLoaded: raw.sampleLoaded ?? false,
        lastStartedAt: raw.lastStartedAt ?? null,
      };
    } catch {
      return { profileId: null, port: null, sampleLoaded: false, lastStartedAt: null };
    }
  }

  private writeState(engine: SandboxEngine, state: SandboxState): void {
    const dir = sandboxDir(this.app.home, engine);
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    fs.writeFileSync(path.join(dir, 'sandbox.json'), `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
  }
}
