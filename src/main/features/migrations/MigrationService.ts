import { randomUUID } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import type { JobSnapshot } from '../../../shared/contract/jobs';
import type {
  MigrateResult,
  MigrationAttempt,
  MigrationDryRunReport,
  MigrationFileContent,
  MigrationLockState,
  MigrationRepairResult,
  MigrationStatus,
  MigrationValidateReport,
} from '../../../shared/contract/migrations';
import { AppError } from '../../core/AppError';
import type { JobContext } from '../../platform/jobs/JobRunner';
import { bundledMigrationsDir } from '../../platform/paths';
import { APP_VERSION, TOOL_NAME } from '../../platform/version';
import { isConnectionLost } from '../connections/errors';
import { baselineCommand } from './commands/baseline';
import { dryRunCommand, offlineDryRun, toFilePlan } from './commands/dryRun';
import { type ExplainRequest, explainCommand } from './commands/explain';
import { historyCommand } from './commands/history';
import { infoCommand, lockStateOf } from './commands/info';
import { type MigrateOptions, migrateCommand } from './commands/migrate';
import { acceptChecksumCommand, adoptCommand, markAppliedCommand, previewResume, resumeCommand } from './commands/repair';
import { validateCommand } from './commands/validate';
import { openDedicatedConnection } from './connect';
import { driftDiff } from './diff';
import { discoverMigrations, readMigration } from './files';
import { readLockHolder } from './MigrationLock';
import type { MigrationServiceDeps } from './MigrationServiceDeps';
import { MigrationSession, type Reporter, silentReporter } from './MigrationSession';
import { planMigration } from './plan';
import { type RewoundFile, RewoundMigrations } from './RewoundMigrations';

function expandHome(p: string): string {
  if (p === '~') return os.homedir();
  return p.startsWith('~/') ? path.join(os.homedir(), p.slice(2)) : p;
}

/** Driver errors from our own bookkeeping queries become stable codes instead of INTERNAL. */
function asAppError(err: unknown): unknown {
  if (err instanceof AppError || (err instanceof Error && err.name === 'AbortError')) return err;
  const e = err as { code?: string; errno?: number; sqlMessage?: string; message?: string };
  if (isConnectionLost(err))
    return new AppError(
      'DB_QUERY_FAILED',
      `The database connection was lost: ${e.message ?? String(err)}. Check the status before retrying.`,
    );
  if (e.sqlMessage || (typeof e.code === 'string' && e.code.startsWith('ER_'))) {
    const denied =
      e.code === 'ER_TABLEACCESS_DENIED_ERROR' ||
      e.code === 'ER_DBACCESS_DENIED_ERROR' ||
      e.code === 'ER_SPECIFIC_ACCESS_DENIED_ERROR';
    return new AppError(
      denied ? 'DB_ACCESS_DENIED' : 'DB_QUERY_FAILED',
      `${e.code ?? 'ERROR'}${e.errno ? ` (${e.errno})` : ''}: ${e.sqlMessage ?? e.message}`,
    );
  }
  return err;
}

function reporterFor(ctx: JobContext): Reporter {
  return { signal: ctx.signal, progress: (u) => ctx.progress(u), log: (level, message) => ctx.log(level, message) };
}

/**
 * `app.migrations`: the migration capability for every door. Each call opens a session (dedicated
 * bookkeeping connection) and closes it at the end — destroyed on cancel or failure, so the lock goes too.
 */
export class MigrationService {
  /** Files restores took out of schema_version (they would run again). */
  readonly rewinds: RewoundMigrations;

  /** `app`: the collaborators the App passes in (MigrationServiceDeps), not the App itself. */
  constructor(private readonly app: MigrationServiceDeps) {
    this.rewinds = new RewoundMigrations(app.store);
  }

  /** Folder precedence: explicit argument, then the profile's setting, then the bundled migrations. */
  migrationsDir(profileId: string | undefined, dir?: string): string {
    if (dir) return path.resolve(expandHome(dir));
    const fromProfile = profileId ? this.app.profiles.get(profileId).migrationsDir : undefined;
    return fromProfile ? path.resolve(expandHome(fromProfile)) : bundledMigrationsDir();
  }

  /** `dir` null: the call needs only the database (lock state, history), not the folder. */
  private async withSession<T>(
    profileId: string,
    dir: string | undefined | null,
    fn: (s: MigrationSession) => Promise<T>,
    signal?: AbortSignal,
  ): Promise<T> {
    const folder = dir === null ? null : this.migrationsDir(profileId, dir);
    const session = await MigrationSession.open(
      {
        openConnection: () => openDedicatedConnection(this.app, profileId),
        tool: `${TOOL_NAME} ${APP_VERSION}`,
        clientHost: os.hostname(),
        runId: randomUUID(),
      },
      folder,
    );
    let ok = false;
    try {
      const value = await fn(session);
      ok = true;
      return value;
    } catch (err) {
      throw asAppError(err);
    } finally {
      if (ok && !signal?.aborted) await session.close();
      else session.destroy();
    }
  }

  async status(profileId: string, migrationsDir?: string): Promise<MigrationStatus> {
    const status = await this.withSession(profileId, migrationsDir, (s) => infoCommand(s, profileId));
    return { ...status, rewound: this.rewinds.pending(profileId, status.database, status.pending) };
  }

  async validate(profileId: string, migrationsDir?: string): Promise<MigrationValidateReport> {
    return this.withSession(profileId, migrationsDir, (s) => validateCommand(s));
  }

  async dryRun(profileId: string | undefined, migrationsDir?: string, files?: string[]): Promise<MigrationDryRunReport> {
    if (!profileId) return offlineDryRun(await discoverMigrations(this.migrationsDir(undefined, migrationsDir)), files);
    return this.withSession(profileId, migrationsDir, (s) => dryRunCommand(s, files));
  }

  async lockState(profileId: string): Promise<MigrationLockState> {
    return this.withSession(profileId, null, async (s) => {
      const lockHolder = await readLockHolder(s.conn);
      const journal =
        lockHolder && (await s.history.tableExists('schema_version_journal')) ? await s.history.readJournal(undefined, 50) : [];
      return lockStateOf(s, { lockHolder, journal });
    });
  }

  async history(profileId: string, filename: string | undefined, limit: number): Promise<MigrationAttempt[]> {
    return this.withSession(profileId, null, (s) => historyCommand(s, filename, limit));
  }

  async fileContent(
    profileId: string | undefined,
    migrationsDir: string | undefined,
    filename: string,
  ): Promise<MigrationFileContent> {
    const discovered = await discoverMigrations(this.migrationsDir(profileId, migrationsDir));
    const file = discovered.files.find((f) => f.filename === filename);
    if (!file) {
      const bad = discovered.problems.find((p) => p.filename === filename);
      throw bad
        ? new AppError('MIGRATION_BAD_NAME', bad.message)
        : new AppError('NOT_FOUND', `No migration "${filename}" in ${discovered.dir}.`);
    }
    const source = await readMigration(file);
    const {
      state: _s,
      fromStatement: _f,
      ...plan
    } = toFilePlan(filename, 'pending', source.checksum, planMigration(source.text), 1);
    let appliedText: string | null = null;
    let appliedChecksum: string | null = null;
    if (profileId) {
      const known = await this.withSession(profileId, migrationsDir, async (s) => {
        const rows = await s.history.readJournal(filename);
        const row = [...rows].reverse().find((r) => r.state === 'succeeded' && r.checksum);
        return row ? { checksum: row.checksum, text: await s.history.readContent(row.id), at: row.finishedAt } : null;
      });
      appliedText = known?.text ?? null;
      appliedChecksum = known?.checksum ?? null;
    }
    const diff =
      appliedText !== null && appliedChecksum !== source.checksum ? driftDiff(filename, appliedText, source.text, null) : null;
    return { filename, text: source.text, checksum: source.checksum, plan, appliedText, appliedChecksum, diff };
  }

  /** Apply pending migrations as a job of kind 'migrate' (progress per statement, cancellable). */
  migrate(profileId: string, opts: MigrateOptions & { migrationsDir?: string; preBackup?: boolean }): JobSnapshot {
    const profile = this.app.profiles.get(profileId);
    // A production schema change is backed up first unless the caller says otherwise.
    const preBackup = opts.preBackup ?? profile.environment === 'production';
    return this.app.jobs.start({
      kind: 'migrate',
      title: `Migrate ${profile.name}${profile.mysql.database ? `/${profile.mysql.database}` : ''}`,
      profileId,
      exclusiveKey: `migrate:${profileId}`,
      run: async (ctx): Promise<MigrateResult> => {
        const backup = preBackup ? await this.preMigrationBackup(profileId, opts.migrationsDir, ctx) : null;
        const r = await this.withSession(
          profileId,
          opts.migrationsDir,
          (s) => migrateCommand(s, opts, reporterFor(ctx)),
          ctx.signal,
        );
        return { ...r, preMigrationBackup: backup };
      },
    });
  }

  /**
   * The backup taken before a migration changes the schema, in the profile's local backup folder with the
   * `pre-migration` label (its own retention class). Skipped when nothing is pending: nothing would change.
   */
  private async preMigrationBackup(profileId: string, dir: string | undefined, ctx: JobContext): Promise<string | null> {
    const status = await this.status(profileId, dir);
    if (status.pending.length === 0) {
      ctx.log('info', 'Nothing pending: no pre-migration backup needed.');
      return null;
    }
    ctx.progress({ stage: 'pre-migration backup', done: 0, total: null, unit: 'rows' });
    const profile = this.app.profiles.get(profileId);
    const options = { label: 'pre-migration', dir: this.app.backups.localDir(profile), workers: 2 };
    const { path: file } = await this.app.backups.createBackup(profileId, options, ctx);
    ctx.log('info', `Pre-migration backup: ${file}`);
    return file;
  }

  /** What a guarded operation would do, in words (read-only), for the confirmation prompt and refusals. */
  async explain(profileId: string, migrationsDir: string | undefined, req: ExplainRequest): Promise<string> {
    return this.withSession(profileId, migrationsDir, (s) => explainCommand(s, req));
  }

  /** Pending files a restore rewound (they ran before and would run again); see RewoundMigrations. */
  async rewoundPending(profileId: string, migrationsDir?: string): Promise<RewoundFile[]> {
    return (await this.status(profileId, migrationsDir)).rewound;
  }

  /** Resume a failed/interrupted file from statement N, as a job. Confirmation is checked before the job starts. */
  async resume(
    profileId: string,
    opts: {
      migrationsDir?: string;
      filename: string;
      fromStatement?: number;
      reason?: string;
      lockTimeoutSeconds: number;
    },
  ): Promise<JobSnapshot> {
    // Refuse before a job exists: wrong state or --from out of range.
    await this.withSession(profileId, opts.migrationsDir, (s) => previewResume(s, opts));
    const profile = this.app.profiles.get(profileId);
    return this.app.jobs.start({
      kind: 'migrate',
      title: `Resume ${opts.filename} on ${profile.name}`,
      profileId,
      exclusiveKey: `migrate:${profileId}`,
      run: async (ctx) =>
        this.withSession(profileId, opts.migrationsDir, (s) => resumeCommand(s, opts, reporterFor(ctx)), ctx.signal),
    });
  }

  baseline(profileId: string, opts: RepairOptions<typeof baselineCommand>): Promise<MigrationRepairResult> {
    return this.repair(profileId, opts, baselineCommand);
  }

  markApplied(profileId: string, opts: RepairOptions<typeof markAppliedCommand>): Promise<MigrationRepairResult> {
    return this.repair(profileId, opts, markAppliedCommand);
  }

  acceptChecksum(profileId: string, opts: RepairOptions<typeof acceptChecksumCommand>): Promise<MigrationRepairResult> {
    return this.repair(profileId, opts, acceptChecksumCommand);
  }

  adopt(profileId: string, opts: RepairOptions<typeof adoptCommand>): Promise<MigrationRepairResult> {
    return this.repair(profileId, opts, adoptCommand);
  }

  /** A repair command in a session of its own, without a job (it only writes schema_version rows). */
  private repair<O extends { migrationsDir?: string }>(
    profileId: string,
    opts: O,
    command: (s: MigrationSession, opts: O, reporter: Reporter) => Promise<MigrationRepairResult>,
  ): Promise<MigrationRepairResult> {
    return this.withSession(profileId, opts.migrationsDir, (s) => command(s, opts, silentReporter));
  }
}

/** A repair command's options, plus the migrations folder it runs against (default: the profile's). */
type RepairOptions<C extends (s: MigrationSession, opts: never, reporter: Reporter) => unknown> = Parameters<C>[1] & {
  migrationsDir?: string;
};
