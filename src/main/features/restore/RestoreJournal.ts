import type { Profile } from '../../../shared/contract/profiles';
import type { RestorePhase, RestoreRecord, RestoreStats } from '../../../shared/contract/restore';
import { AppError } from '../../core/AppError';
import type { AppDatabase } from '../../platform/store/AppDatabase';
import type { CapturedObject } from './objects/CapturedObject';

const SCHEMA = [
  `CREATE TABLE restore_runs (
     id TEXT PRIMARY KEY, created_at TEXT NOT NULL, updated_at TEXT NOT NULL, actor TEXT NOT NULL,
     profile_id TEXT NOT NULL, profile_name TEXT NOT NULL, host TEXT NOT NULL, file TEXT NOT NULL,
     source_format TEXT NOT NULL, target_db TEXT NOT NULL, shadow_schema TEXT NOT NULL, prev_schema TEXT,
     pre_backup TEXT, phase TEXT NOT NULL, error_code TEXT, error_message TEXT, job_id TEXT, stats TEXT,
     live_tables TEXT, prev_objects TEXT, swap_step TEXT, prev_collation TEXT);
   CREATE INDEX restore_runs_profile ON restore_runs(profile_id, created_at DESC);`,
  // The server a run targeted, independent of the profile id: CLI `--url` profiles are transient, and the
  // next run (which must clean up after a crash) gets a new id for the same server.
  `ALTER TABLE restore_runs ADD COLUMN server_key TEXT;
   CREATE INDEX restore_runs_server ON restore_runs(server_key, created_at DESC);`,
  // A table restore's tables (JSON array); NULL for a whole-database restore. Rollback moves only these.
  'ALTER TABLE restore_runs ADD COLUMN scope_tables TEXT;',
];

/** Phases in which a run is still doing something: found with no live job, it crashed. */
export const UNFINISHED: readonly RestorePhase[] = [
  'preflight',
  'pre-backup',
  'loading',
  'verifying',
  'swapping',
  'rolling-back',
];

/** Where a swap got to, written before and after each step so a crash can be told apart from a failure. */
export type SwapStep = 'objects-captured' | 'triggers-dropped' | 'renamed' | 'objects-applied' | 'rollback-renamed';

export interface JournalRow extends RestoreRecord {
  liveTables: string[];
  prevObjects: CapturedObject[];
  swapStep: SwapStep | null;
  prevCollation: string | null;
  /** serverKeyOf the run's profile (null for rows written before the column existed). */
  serverKey: string | null;
}

interface Raw {
  id: string;
  created_at: string;
  updated_at: string;
  actor: string;
  profile_id: string;
  profile_name: string;
  host: string;
  file: string;
  source_format: 'sysndd-admin' | 'foreign';
  target_db: string;
  shadow_schema: string;
  prev_schema: string | null;
  pre_backup: string | null;
  phase: RestorePhase;
  error_code: string | null;
  error_message: string | null;
  job_id: string | null;
  stats: string | null;
  live_tables: string | null;
  prev_objects: string | null;
  swap_step: SwapStep | null;
  prev_collation: string | null;
  server_key: string | null;
  scope_tables: string | null;
}

export type NewRun = Pick<
  RestoreRecord,
  'id' | 'actor' | 'profileId' | 'profileName' | 'host' | 'file' | 'sourceFormat' | 'targetDatabase' | 'shadowSchema'
> & { serverKey: string; tables?: readonly string[] | null };

export interface RunPatch {
  phase?: RestorePhase;
  prevSchema?: string | null;
  preRestoreBackup?: string | null;
  error?: { code: string; message: string } | null;
  jobId?: string | null;
  stats?: RestoreStats | null;
  liveTables?: string[];
  prevObjects?: CapturedObject[];
  swapStep?: SwapStep | null;
  prevCollation?: string | null;
}

/**
 * The restore journal in the app's SQLite file: one row per run with the phase it reached, written before
 * each step that touches the server. After a crash the next run reads it to know what to clean up or roll
 * back (docs/restore.md, "Crash safety"). SQLite commits synchronously, so a row is durable when a call returns.
 */
export class RestoreJournal {
  constructor(private readonly store: AppDatabase) {
    store.ensureSchema('restore', SCHEMA);
  }

  create(run: NewRun): JournalRow {
    const now = new Date().toISOString();
    this.store.db
      .prepare(
        `INSERT INTO restore_runs (id, created_at, updated_at, actor, profile_id, profile_name, host, file, source_format, target_db, shadow_schema, phase, server_key, scope_tables)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'preflight', ?, ?)`,
      )
      .run(
        run.id,
        now,
        now,
        run.actor,
        run.profileId,
        run.profileName,
        run.host,
        run.file,
        run.sourceFormat,
        run.targetDatabase,
        run.shadowSchema,
        run.serverKey,
        run.tables ? JSON.stringify(run.tables) : null,
      );
    return this.get(run.id);
  }

  update(id: string, patch: RunPatch): JournalRow {
    const sets: string[] = ['updated_at = @updated_at'];
    const params: Record<string, unknown> = { id, updated_at: new Date().toISOString() };
    const put = (col: string, value: unknown) => {
      sets.push(`${col} = @${col}`);
      params[col] = value;
    };
    if (patch.phase !== undefined) put('phase', patch.phase);
    if (patch.prevSchema !== undefined) put('prev_schema', patch.prevSchema);
    if (patch.preRestoreBackup !== undefined) put('pre_backup', patch.preRestoreBackup);
    if (patch.error !== undefined) {
      put('error_code', patch.error?.code ?? null);
      put('error_message', patch.error?.message ?? null);
    }
    if (patch.jobId !== undefined) put('job_id', patch.jobId);
    if (patch.stats !== undefined) put('stats', patch.stats === null ? null : JSON.stringify(patch.stats));
    if (patch.liveTables !== undefined) put('live_tables', JSON.stringify(patch.liveTables));
    if (patch.prevObjects !== undefined) put('prev_objects', JSON.stringify(patch.prevObjects));
    if (patch.swapStep !== undefined) put('swap_step', patch.swapStep);
    if (patch.prevCollation !== undefined) put('prev_collation', patch.prevCollation);
    this.store.db.prepare(`UPDATE restore_runs SET ${sets.join(', ')} WHERE id = @id`).run(params);
    return this.get(id);
  }

  find(id: string): JournalRow | null {
    const raw = this.store.db.prepare('SELECT * FROM restore_runs WHERE id = ?').get(id) as Raw | undefined;
    return raw ? fromRaw(raw) : null;
  }

  get(id: string): JournalRow {
    const row = this.find(id);
    if (!row) throw new AppError('NOT_FOUND', `No restore with id ${id}.`);
    return row;
  }

  /** Runs against one server (see serverKeyOf), newest first. */
  forServer(serverKey: string, limit = 1000): JournalRow[] {
    const raws = this.store.db
      .prepare('SELECT * FROM restore_runs WHERE server_key = ? ORDER BY created_at DESC, rowid DESC LIMIT ?')
      .all(serverKey, limit);
    return (raws as Raw[]).map(fromRaw);
  }

  list(filter: { profileId?: string; limit?: number } = {}): JournalRow[] {
    const raws = filter.profileId
      ? this.store.db
          .prepare('SELECT * FROM restore_runs WHERE profile_id = ? ORDER BY created_at DESC, rowid DESC LIMIT ?')
          .all(filter.profileId, filter.limit ?? 100)
      : this.store.db.prepare('SELECT * FROM restore_runs ORDER BY created_at DESC, rowid DESC LIMIT ?').all(filter.limit ?? 100);
    return (raws as Raw[]).map(fromRaw);
  }

  unfinished(profileId?: string): JournalRow[] {
    const marks = UNFINISHED.map(() => '?').join(', ');
    const raws = profileId
      ? this.store.db
          .prepare(`SELECT * FROM restore_runs WHERE phase IN (${marks}) AND profile_id = ? ORDER BY created_at`)
          .all(...UNFINISHED, profileId)
      : this.store.db.prepare(`SELECT * FROM restore_runs WHERE phase IN (${marks}) ORDER BY created_at`).all(...UNFINISHED);
    return (raws as Raw[]).map(fromRaw);
  }
}

/** Swap steps after which the live database holds the shadow's tables: the shadow may not be dropped. */
const MOVED_STEPS: readonly (SwapStep | null)[] = ['renamed', 'rollback-renamed', 'objects-applied'];

/**
 * One restore run's record keeper: every journal write of a run goes through it (the row is created once
 * the shadow schema has a name, then each phase is written before it starts, see docs/restore.md
 * "Crash safety"). The run's audit row is settled by dispatch from the job's outcome, not here.
 */
export class RunRecorder {
  private runId: string | null = null;

  constructor(readonly journal: RestoreJournal) {}

  /** The run's row, created in phase 'preflight'. */
  begin(run: NewRun & { jobId: string }): void {
    const { jobId, ...row } = run;
    this.journal.create(row);
    this.runId = run.id;
    this.journal.update(run.id, { jobId });
  }

  get started(): boolean {
    return this.runId !== null;
  }

  /** Written before the phase's first step touches the server. */
  enter(phase: RestorePhase, patch: Omit<RunPatch, 'phase'> = {}): void {
    this.write({ ...patch, phase });
  }

  write(patch: RunPatch): void {
    if (this.runId === null) throw new AppError('INTERNAL', 'The restore journal row was written before it was created.');
    this.journal.update(this.runId, patch);
  }

  row(): JournalRow {
    if (this.runId === null) throw new AppError('INTERNAL', 'The restore journal row was read before it was created.');
    return this.journal.get(this.runId);
  }

  /** True once the shadow's tables are (or were) in the live database. */
  movedIntoLive(): boolean {
    return this.runId !== null && MOVED_STEPS.includes(this.row().swapStep);
  }

  complete(stats: RestoreStats): void {
    this.write({ phase: 'completed', stats, error: null });
  }

  /** A failed or cancelled run; a run left in 'rolling-back' stays there so cleanup finishes the rollback. */
  fail(code: string, message: string): void {
    if (this.runId === null) return;
    const error = { code, message };
    if (this.row().phase === 'rolling-back') this.write({ error });
    else this.write({ phase: code === 'CANCELLED' ? 'cancelled' : 'failed', error });
  }
}

function fromRaw(r: Raw): JournalRow {
  return {
    id: r.id,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    actor: r.actor,
    profileId: r.profile_id,
    profileName: r.profile_name,
    host: r.host,
    file: r.file,
    sourceFormat: r.source_format,
    targetDatabase: r.target_db,
    shadowSchema: r.shadow_schema,
    prevSchema: r.prev_schema,
    preRestoreBackup: r.pre_backup,
    phase: r.phase,
    error: r.error_code ? { code: r.error_code, message: r.error_message ?? '' } : null,
    jobId: r.job_id,
    stats: r.stats ? (JSON.parse(r.stats) as RestoreStats) : null,
    rollbackAvailable: r.phase === 'completed' && r.prev_schema !== null,
    liveTables: r.live_tables ? (JSON.parse(r.live_tables) as string[]) : [],
    prevObjects: r.prev_objects ? (JSON.parse(r.prev_objects) as CapturedObject[]) : [],
    swapStep: r.swap_step,
    prevCollation: r.prev_collation,
    serverKey: r.server_key,
    tables: r.scope_tables ? (JSON.parse(r.scope_tables) as string[]) : null,
  };
}

/** Which server a profile reaches: the same key for a saved profile and a `--url` naming the same server. */
export function serverKeyOf(profile: Profile): string {
  const m = profile.mysql;
  const via = profile.ssh ? `${profile.ssh.user}@${profile.ssh.host}:${profile.ssh.port}/` : '';
  return `${via}${m.host.toLowerCase()}:${m.port}`;
}

/** The public shape (journal internals left out). */
export function toRecord(row: JournalRow): RestoreRecord {
  const { liveTables: _l, prevObjects: _p, swapStep: _s, prevCollation: _c, serverKey: _k, ...record } = row;
  return record;
}
