import type { LexOptions } from '../../../platform/sql/lexer';
import { type DeferredSplit, splitSecondaryIndexes } from '../deferredIndexes';
import type { LoadScheduler } from './LoadScheduler';

export interface IndexBuildProgress {
  /** Tables whose deferred indexes are built. */
  built: number;
  /** Tables whose deferred indexes are queued or waiting for their rows. */
  total: number;
}

/**
 * The deferred secondary indexes of a load (restore/deferredIndexes.ts): a table's CREATE runs without
 * them, and the ALTER TABLE … ADD INDEX statements are queued behind its rows when the file creates the
 * next table after some of its rows (mysqldump's order: CREATE, rows, CREATE, rows), before the file's own
 * ALTER of it, or at the end of the file (our backups: every CREATE first, then the tables' rows
 * interleaved). A file that comes back to a table later stays correct (its rows wait for the ALTER like
 * after any DDL), only slower. A DROP TABLE forgets what was pending.
 */
export class IndexBuilds {
  private readonly pending = new Map<string, DeferredSplit>();
  /** Tables with deferred indexes (pending or queued): a CREATE referencing one waits for its build. */
  private readonly deferredTables = new Set<string>();
  /** Table → the tables tied to it by a foreign key, either way (as far as the splits could read them). */
  private readonly neighbours = new Map<string, Set<string>>();
  /** Bytes of rows read per pending table: the weight of its build for the scheduler's balance. */
  private readonly rowBytes = new Map<string, number>();
  private builds = 0;
  private finished = 0;
  indexes = 0;
  /** Told each time a table's indexes are built (set once the file is read: the rest of the load is theirs). */
  onBuilt: ((p: IndexBuildProgress) => void) | null = null;

  constructor(
    private readonly scheduler: LoadScheduler,
    private readonly lex: () => LexOptions,
    private readonly enabled: boolean,
  ) {}

  get progress(): IndexBuildProgress {
    return { built: this.finished, total: this.builds };
  }

  /** A CREATE TABLE of `table` (pointed at the shadow schema): queues it, without its secondary indexes when it can. */
  create(table: string, sql: string): void {
    const split = this.enabled ? splitSecondaryIndexes(sql, this.lex()) : null;
    const references = (split?.references ?? []).filter((t) => t !== table);
    for (const t of references) this.tie(table, t); // before the flush below: those builds wait for this table
    // A foreign key checks the referenced table's index at CREATE: its build comes first.
    for (const t of references) if (this.deferredTables.has(t)) this.flush(t);
    void this.scheduler.tableDdl(table, split?.create ?? sql, { after: this.related(table) });
    if (this.pending.delete(table)) this.builds--;
    if (!split) return;
    this.pending.set(table, split);
    this.deferredTables.add(table);
    this.rowBytes.set(table, 0);
    this.builds++;
    this.indexes += split.count;
  }

  /** Rows of `table` were queued. */
  rows(table: string, bytes: number): void {
    const n = this.rowBytes.get(table);
    if (n !== undefined) this.rowBytes.set(table, n + bytes);
  }

  /** The file creates `table`: every other pending table that had rows has them all (mysqldump's order). */
  nextTable(table: string): void {
    for (const [t, bytes] of [...this.rowBytes]) if (t !== table && bytes > 0) this.flush(t);
  }

  /** DDL of `table` from the file (ALTER, ENABLE KEYS): the indexes it had are built first. */
  flush(table: string): void {
    const split = this.pending.get(table);
    if (!split) return;
    this.pending.delete(table);
    const cost = this.rowBytes.get(table) ?? 0;
    this.rowBytes.delete(table);
    const after = this.related(table);
    const builds = split.addIndexes.map((sql) => this.scheduler.tableDdl(table, sql, { cost, after, rowNeutral: true }));
    void Promise.all(builds).then(
      () => {
        this.finished++;
        this.onBuilt?.(this.progress);
      },
      () => undefined, // the scheduler reports the failure (drain)
    );
  }

  /**
   * The tables tied to `table` by a foreign key, either way. DDL on one of them waits for the others' queued
   * rows and DDL: MySQL 8 takes metadata locks on both ends of a foreign key, so a CREATE of a parent while
   * its child's index build (or an INSERT transaction into the child) runs on another connection deadlocks
   * (error 1213, seen with mysqldump's alphabetical order: the child's CREATE and rows come first).
   */
  private related(table: string): string[] {
    return [...(this.neighbours.get(table) ?? [])];
  }

  private tie(a: string, b: string): void {
    for (const [from, to] of [
      [a, b],
      [b, a],
    ] as const) {
      const set = this.neighbours.get(from) ?? new Set<string>();
      set.add(to);
      this.neighbours.set(from, set);
    }
  }

  /** A DROP TABLE: what was pending for the dropped table is not built. */
  forget(table: string): void {
    if (!this.pending.delete(table)) return;
    this.rowBytes.delete(table);
    this.builds--;
  }

  /** The end of the file: every pending build is queued. */
  flushAll(): void {
    for (const t of [...this.pending.keys()]) this.flush(t);
  }
}
