import path from 'node:path';
import type { Connection, RowDataPacket } from 'mysql2/promise';
import type { MigrationLockHolder, MigrationProblem } from '../../../shared/contract/migrations';
import { AppError } from '../../core/AppError';
import { type DiscoveredMigrations, discoverMigrations, type MigrationFile, type MigrationSource, readMigration } from './files';
import { type Actor, HistoryStore, type JournalRow, type SchemaVersionRow, type StatementRow } from './HistoryStore';
import { acquireMigrationLock, readLockHolder, releaseMigrationLock } from './MigrationLock';
import { type MigrationPlan, planMigration } from './plan';
import { processRows } from './processList';
import { type ComputedStatus, computeStatus, indexJournal, type ServerSession } from './status';

export interface SessionDeps {
  /** A dedicated connection to the profile's database (the caller of the factory ends it). */
  openConnection(): Promise<Connection>;
  tool: string;
  clientHost: string;
  runId: string;
}

export interface LoadedState extends ComputedStatus {
  schemaVersion: SchemaVersionRow[];
  journal: JournalRow[];
  statements: StatementRow[];
  lockHolder: MigrationLockHolder | null;
  historyTable: boolean;
  journalTable: boolean;
}

export interface Reporter {
  signal?: AbortSignal;
  progress(update: { stage: string; done?: number; total?: number | null; unit?: string }): void;
  log(level: 'debug' | 'info' | 'warn' | 'error', message: string): void;
}

export const silentReporter: Reporter = { progress: () => {}, log: () => {} };

/**
 * One conversation with one database about one migrations folder: the bookkeeping connection (which also
 * takes the lock), the history tables, and the files (each read once, so what is checksummed is what runs).
 */
export class MigrationSession {
  private readonly sources = new Map<string, MigrationSource>();
  private readonly plans = new Map<string, MigrationPlan>();
  private lockHeld = false;
  actor!: Actor;
  database!: string;

  private constructor(
    readonly deps: SessionDeps,
    readonly conn: Connection,
    readonly history: HistoryStore,
    readonly discovered: DiscoveredMigrations,
  ) {}

  /** `dir` null: a session about the database only (lock state, history), no folder needed. */
  static async open(deps: SessionDeps, dir: string | null): Promise<MigrationSession> {
    const discovered: DiscoveredMigrations = dir === null ? { dir: '', files: [], problems: [] } : await discoverMigrations(dir);
    const conn = await deps.openConnection();
    try {
      await HistoryStore.prepareSession(conn);
      const [rows] = await conn.query<RowDataPacket[]>('SELECT DATABASE() AS db, USER() AS who');
      const db = rows[0]?.db;
      if (!db) {
        throw new AppError(
          'INVALID_ARGUMENT',
          'The profile names no database; migrations need one (set "database" in the profile or the --url path).',
        );
      }
      const session = new MigrationSession(deps, conn, new HistoryStore(conn), discovered);
      session.database = String(db);
      session.actor = {
        runId: deps.runId,
        appliedBy: String(rows[0]?.who ?? 'unknown'),
        clientHost: deps.clientHost,
        tool: deps.tool,
      };
      return session;
    } catch (err) {
      conn.destroy();
      throw err;
    }
  }

  get lockConnectionId(): number {
    return this.conn.threadId;
  }

  /** Every `.sql` file, valid names first (by prefix), then badly named ones (SysNDD would run those too). */
  allFiles(): Array<{ filename: string; prefix: number | null; path: string }> {
    const bad = this.discovered.problems
      .filter((p) => p.code === 'MIGRATION_BAD_NAME' && p.filename)
      .map((p) => ({ filename: p.filename as string, prefix: null, path: path.join(this.discovered.dir, p.filename as string) }));
    return [...this.discovered.files.map((f) => ({ filename: f.filename, prefix: f.prefix, path: f.path })), ...bad];
  }

  fileByName(filename: string): MigrationFile {
    const f = this.discovered.files.find((x) => x.filename === filename);
    if (!f) {
      const bad = this.discovered.problems.find((p) => p.filename === filename && p.code === 'MIGRATION_BAD_NAME');
      if (bad) throw new AppError('MIGRATION_BAD_NAME', bad.message);
      throw new AppError('NOT_FOUND', `No migration file "${filename}" in ${this.discovered.dir}.`);
    }
    return f;
  }

  async source(file: { filename: string; path: string }): Promise<MigrationSource> {
    let s = this.sources.get(file.filename);
    if (!s) {
      s = await readMigration({ filename: file.filename, path: file.path, prefix: 0, description: '' });
      this.sources.set(file.filename, s);
    }
    return s;
  }

  async plan(file: { filename: string; path: string }): Promise<MigrationPlan> {
    let p = this.plans.get(file.filename);
    if (!p) {
      p = planMigration((await this.source(file)).text);
      this.plans.set(file.filename, p);
    }
    return p;
  }

  /** Name problems that make the apply order ambiguous: refuse to write anything while they exist. */
  blockingNameProblems(): MigrationProblem[] {
    return this.discovered.problems.filter((p) => p.severity === 'error');
  }

  assertNamesOk(): void {
    const blocking = this.blockingNameProblems();
    if (blocking.length) {
      throw new AppError(
        'MIGRATION_BAD_NAME',
        `Fix the migration file names first: ${blocking.map((p) => p.message).join(' ')}`,
        { problems: blocking },
      );
    }
  }

  /** Read both histories and compute every file's state (lock-free; SysNDD's fast path does the same). */
  async load(): Promise<LoadedState> {
    // Batches keep a 1,000-file folder from exhausting file descriptors.
    const files: Array<{ filename: string; prefix: number | null; checksum: string }> = [];
    const all = this.allFiles();
    for (let k = 0; k < all.length; k += 32) {
      const batch = await Promise.all(
        all
          .slice(k, k + 32)
          .map(async (f) => ({ filename: f.filename, prefix: f.prefix, checksum: (await this.source(f)).checksum })),
      );
      files.push(...batch);
    }
    const historyTable = await this.history.tableExists('schema_version');
    const journalTable = await this.history.tableExists('schema_version_journal');
    const schemaVersion = historyTable ? await this.history.readSchemaVersion() : [];
    const journal = journalTable ? await this.history.readJournal() : [];
    const applied = new Set(schemaVersion.filter((r) => r.applied).map((r) => r.filename));
    const openAttempts = [...indexJournal(journal).values()]
      .map((e) => e.attempt)
      .filter((a): a is JournalRow => a !== null && a.state !== 'succeeded' && !applied.has(a.filename));
    const statements = await this.history.readStatements(openAttempts.map((a) => a.id));
    const lockHolder = await readLockHolder(this.conn);
    const sessions = await this.serverSessions(openAttempts.map((a) => a.connectionId).filter((id): id is number => id !== null));
    const computed = computeStatus({
      files,
      schemaVersion,
      journal,
      statements,
      lockHolder,
      ownLockConnectionId: this.lockHeld ? this.lockConnectionId : null,
      sessions,
    });
    return { ...computed, schemaVersion, journal, statements, lockHolder, historyTable, journalTable };
  }

  /** Sessions of earlier runners that are still alive on the server (a long ALTER can outlive its client). */
  private async serverSessions(ids: number[]): Promise<Map<number, ServerSession>> {
    const map = new Map<number, ServerSession>();
    if (ids.length === 0) return map;
    for (const r of (await processRows(this.conn, ids)).values()) {
      map.set(r.id, { connectionId: r.id, timeSeconds: r.timeSeconds, info: r.info });
    }
    return map;
  }

  /** Run `fn` holding the migration lock; the tables are ensured first (CREATE TABLE IF NOT EXISTS, SysNDD's text). */
  async withLock<T>(timeoutSeconds: number, reporter: Reporter, fn: () => Promise<T>): Promise<{ value: T; waitedMs: number }> {
    let lastHolder: number | null = null;
    const { waitedMs } = await acquireMigrationLock(this.conn, {
      timeoutSeconds,
      signal: reporter.signal,
      onWait: (holder: MigrationLockHolder | null, waited) => {
        const who = holder
          ? `connection ${holder.connectionId}${holder.user ? ` (${holder.user}@${holder.host})` : ''}`
          : 'another session';
        reporter.progress({ stage: `waiting for the migration lock held by ${who}, ${Math.round(waited / 1000)} s` });
        if (holder && holder.connectionId !== lastHolder) {
          lastHolder = holder.connectionId;
          reporter.log(
            'warn',
            `The migration lock is held by ${who}${holder.info ? ` running: ${holder.info}` : ''}; waiting up to ${timeoutSeconds} s.`,
          );
        }
      },
    });
    this.lockHeld = true;
    try {
      await this.history.ensureSchemaVersion();
      await this.history.ensureJournal();
      const value = await fn();
      return { value, waitedMs };
    } finally {
      this.lockHeld = false;
      await releaseMigrationLock(this.conn).catch(() => undefined);
    }
  }

  /** A fresh session per file for the migration's own statements, so one file's SET/transaction state never leaks into the next. */
  async openWorkConnection(): Promise<Connection> {
    return this.deps.openConnection();
  }

  async close(): Promise<void> {
    try {
      await this.conn.end();
    } catch {
      this.conn.destroy();
    }
  }

  /** On cancel or a lost connection, do not wait for a polite goodbye. */
  destroy(): void {
    this.conn.destroy();
  }
}
