import { AppError } from '../../../core/AppError';
import type { DumpClassifier } from '../../../platform/sql/dumpClassifier';
import type { LexOptions } from '../../../platform/sql/lexer';
import type { DumpedObject } from '../objects/CapturedObject';
import type { RestoreSource } from '../sources/ForeignDumpSource';
import type { SourceTable } from '../sources/inventory';
import type { IndexBuildProgress } from './IndexBuilds';
import type { LoadScheduler } from './LoadScheduler';
import { StatementRouter } from './StatementRouter';

export interface LoadProgress {
  position: number;
  total: number;
  rows: number;
  bytes: number;
  table: string | null;
  tablesStarted: number;
}

export interface LoadInput {
  source: RestoreSource;
  /** Across engines (restore/crossEngine): each statement as the target takes it, before it is judged and routed. */
  rewrite?: (sql: string, lex: LexOptions) => string;
  scheduler: LoadScheduler;
  /** The database the file declares as its own before any statement (our manifest); null for a dump, which
   * declares it with USE / CREATE DATABASE while it is read. */
  sourceDatabase: string | null;
  shadowSchema: string;
  /** The live database the objects are written for (created there after the swap). */
  targetDatabase: string;
  /** Every other schema on the server, lower-cased (system ones included): an object body may not name them. */
  otherSchemas: ReadonlySet<string>;
  /** Judges every statement (one per file: it follows the file's session state). */
  classifier: DumpClassifier;
  signal: AbortSignal;
  onProgress(p: LoadProgress): void;
  log(level: 'info' | 'warn', message: string): void;
  /** Called once when half of the input was read (crash-test hook, see faults.ts). */
  onHalfway?: () => Promise<void>;
  /** A table restore: only these tables' DDL and rows run, and only triggers ON them are kept; every other
   * statement is still judged (a refused one still refuses the file) but not run. Null: everything. */
  only?: ReadonlySet<string> | null;
  /** Build secondary indexes after each table's rows (deferredIndexes.ts); default true. */
  deferIndexes?: boolean;
  /** The deferred index builds still running once the whole file is read (progress of that stage). */
  onIndexes?(p: IndexBuildProgress): void;
  /**
   * Called once every row of the file is committed while index builds may still run (the tables' rows are
   * final: verification may start reading them). The load waits for what it returns before it returns.
   */
  onRowsFinal?(tables: LoadedTable[]): Promise<void>;
  /** Stops the statements running on the loader sessions (KILL QUERY), on cancel: an index build can take minutes. */
  interrupt?(): Promise<void>;
}

export interface LoadedTable {
  name: string;
  /** Rows the file holds (VALUES tuples); null when the file cannot tell (INSERT ... SELECT, REPLACE, IGNORE). */
  fileRows: number | null;
  affectedRows: number;
}

export interface LoadResult {
  tables: LoadedTable[];
  objects: DumpedObject[];
  /** Things a person should know (server-wide or account statements left out). */
  warnings: string[];
  /** Routine dump furniture that does not apply to a shadow-schema load (LOCK TABLES, DISABLE KEYS …). */
  notes: string[];
  /** The one database the file named (given, or learnt from its USE / CREATE DATABASE / qualified names). */
  sourceDatabase: string | null;
  charset: string | null;
  collation: string | null;
  definers: string[];
  statements: number;
  bytes: number;
  sawDumpCompleted: boolean;
  /** Secondary indexes built after their table's rows (deferredIndexes.ts), and of how many tables. */
  deferredIndexes: { indexes: number; tables: number };
}

/**
 * Replays a source into the shadow schema through the scheduler: each statement is judged by the
 * classifier and routed (StatementRouter.ts): rows and table DDL run there, session statements follow the
 * file, views / triggers / routines / events are only recorded for creation in the live schema after the
 * swap, and what a database restore must not do (USE another database, GTID_PURGED, SQL_LOG_BIN, account
 * statements, LOCK TABLES) is refused or skipped with a note.
 */
export async function loadIntoShadow(input: LoadInput): Promise<LoadResult> {
  const { source } = input;
  const router = new StatementRouter(input);
  const { tally } = router;
  const total = () => Math.max(1, source.totalBytes());
  const progress = (position: number, table: string | null) =>
    input.onProgress({ position, total: total(), rows: tally.rows, bytes: tally.bytes, table, tablesStarted: tally.tableCount });

  // Cancel stops what runs on the loader sessions too: an index build does not look at the signal.
  const onAbort = () => void input.interrupt?.().catch(() => undefined);
  input.signal.addEventListener('abort', onAbort, { once: true });
  try {
    return await readAndRun(input, router, progress, total);
  } catch (err) {
    if (input.signal.aborted) throw new AppError('CANCELLED', 'Cancelled by request.');
    throw err;
  } finally {
    input.signal.removeEventListener('abort', onAbort);
  }
}

async function readAndRun(
  input: LoadInput,
  router: StatementRouter,
  progress: (position: number, table: string | null) => void,
  total: () => number,
): Promise<LoadResult> {
  const { scheduler, source, classifier } = input;
  const { tally } = router;
  let halfwayDone = !input.onHalfway;
  const it = source.statements(input.signal);
  let end: { tail: unknown; sawDumpCompleted: boolean };
  for (;;) {
    const r = await it.next();
    if (r.done) {
      end = r.value;
      break;
    }
    if (input.signal.aborted) throw new AppError('CANCELLED', 'Cancelled by request.');
    for (const s of r.value.statements) {
      const rows = classifier.classifyPlainInsert(s);
      if (rows) {
        tally.statements++;
        tally.bytes += s.sql.length;
        router.rows(s.sql, rows, s.topLevelParens);
        continue;
      }
      const sql = input.rewrite?.(s.sql.toString('latin1'), classifier.lex) ?? s.sql.toString('latin1');
      const st = classifier.classify(sql, s.delimiter || ';');
      tally.statements++;
      tally.bytes += s.sql.length;
      router.route(sql, st, s.topLevelParens);
    }
    await scheduler.capacity();
    progress(r.value.position, router.current);
    if (!halfwayDone && r.value.position >= total() / 2) {
      halfwayDone = true;
      await input.onHalfway?.();
    }
  }
  if (end.tail)
    throw new AppError('BACKUP_INCOMPLETE', 'The file ends inside a statement: it was cut short. Nothing was swapped.');
  // Every table's rows are read: the index builds not yet queued are, and the rest of the wait is theirs.
  router.indexes.flushAll();
  const rowsFinal = input.onRowsFinal
    ? scheduler.rowsSettled().then(() => input.onRowsFinal?.(tally.loadedTables()))
    : Promise.resolve();
  rowsFinal.catch(() => undefined); // a failed load is reported by drain() below
  progress(total(), null);
  router.indexes.onBuilt = input.onIndexes ?? null;
  if (router.indexes.progress.total > router.indexes.progress.built) input.onIndexes?.(router.indexes.progress);
  await scheduler.drain();
  await rowsFinal;
  if (router.indexes.progress.total > 0) input.onIndexes?.(router.indexes.progress);
  return {
    tables: tally.loadedTables(),
    objects: await router.recordedObjects(),
    warnings: tally.warnings(),
    notes: tally.notes(),
    sourceDatabase: router.scope.sourceDatabase,
    charset: router.charset,
    collation: router.collation,
    definers: [...router.definers],
    statements: tally.statements,
    bytes: tally.bytes,
    sawDumpCompleted: end.sawDumpCompleted,
    deferredIndexes: { indexes: router.indexes.indexes, tables: router.indexes.progress.total },
  };
}

/** The tables a source's inventory announces, for progress totals. */
export function announcedRows(tables: readonly SourceTable[]): number | null {
  let n = 0;
  for (const t of tables) {
    if (t.rows === null) return null;
    n += t.rows;
  }
  return n;
}
