import type { ResultSetHeader, RowDataPacket } from 'mysql2/promise';
import { AppError } from '../../../core/AppError';
import type { DbConnection } from '../connect';
import { mapLoadError } from '../loadErrors';
import { queryBytes } from './queryBytes';

interface Task {
  /** Text (latin1 byte string), or the file's bytes for rows judged on their bytes (queryBytes.ts). */
  sql: string | Buffer;
  bytes: number;
  /** What the task weighs in choosing the least busy connection: its bytes, or more for an index build. */
  cost: number;
  deps: Promise<unknown>[];
  /** Rows (an INSERT): run inside the connection's open transaction, done when it commits. */
  rows: boolean;
  /** Runs before the task counts as done (so drain() sees its effect). */
  after?: (result: unknown) => void;
  done: Promise<unknown>;
  resolve(value: unknown): void;
  reject(err: unknown): void;
}

/**
 * Runs dump statements on several loader connections at once while keeping the order that matters:
 * - session statements (SET ...) are queued on every connection, in file order, so each connection has
 *   the dump's session state before it runs the next statement queued behind them;
 * - an INSERT waits for the last DDL of its table and goes to the least busy connection (rows of one big
 *   table load in parallel: InnoDB takes concurrent inserts into one table well);
 * - DDL of a table waits for every earlier statement on that table;
 * - anything else is a barrier: it waits for everything before it.
 * All waits point to statements queued earlier, and each connection runs its queue in order, so the
 * oldest unfinished statement can always run: no deadlock. The first failure stops everything.
 *
 * Consecutive INSERTs on a connection share one transaction of up to `txnBytes` (issue 16: a durable
 * server syncs its log at every commit, and a dump's ~1 MB INSERTs meant one sync per MB, where myloader
 * commits per file). An INSERT counts as done when its transaction commits; the transaction commits before
 * any other statement on that connection, before the connection waits for another statement, and when its
 * queue runs empty, so nothing ever waits on rows a waiting connection holds uncommitted.
 */
export class LoadScheduler {
  private readonly queues: Task[][];
  private readonly running: boolean[];
  private readonly pendingBytes: number[];
  private readonly pendingCost: number[];
  private readonly lastDdl = new Map<string, Promise<unknown>>();
  private readonly inFlight = new Map<string, Set<Promise<unknown>>>();
  private readonly all = new Set<Promise<unknown>>();
  /** Statements that have finished (a dependency already met needs no commit first). */
  private readonly settled = new WeakSet<Promise<unknown>>();
  /** Statements that change no table's rows (deferred index builds): rowsSettled() does not wait for them. */
  private readonly rowNeutral = new WeakSet<Promise<unknown>>();
  /** Per connection: INSERTs run in its open transaction, not yet committed. */
  private readonly uncommitted: Task[][];
  private readonly txnBytes: number[];
  private failure: unknown = null;
  private waiters: Array<() => void> = [];

  constructor(
    private readonly conns: DbConnection[],
    private readonly maxPendingBytes = conns.length * 8 * 1024 * 1024,
    private readonly maxPendingTasks = conns.length * 2048,
    private readonly maxTxnBytes = 16 * 1024 * 1024,
  ) {
    this.queues = conns.map(() => []);
    this.uncommitted = conns.map(() => []);
    this.txnBytes = conns.map(() => 0);
    this.running = conns.map(() => false);
    this.pendingBytes = conns.map(() => 0);
    this.pendingCost = conns.map(() => 0);
  }

  get failed(): unknown {
    return this.failure;
  }

  /** Queue a session statement on every connection. */
  session(sql: string): void {
    for (let w = 0; w < this.conns.length; w++) this.enqueue(w, sql, []);
  }

  /** Queue rows for `table`; `onRows` gets the server's affected-rows count before the statement counts as done. */
  insert(table: string, sql: string | Buffer, onRows: (affected: number) => void): void {
    const w = this.leastBusy();
    const ddl = this.lastDdl.get(table);
    const p = this.enqueue(
      w,
      sql,
      ddl ? [ddl] : [],
      (r) => onRows(Number((r as ResultSetHeader).affectedRows ?? 0)),
      sql.length,
      true,
    );
    this.track(table, p);
  }

  /**
   * Queue DDL of `table` (CREATE, DROP, ALTER) after everything queued for it so far, and after the last DDL
   * of the tables in `after`. `cost` weighs a statement whose work is not its length (an index build: the
   * bytes of the rows it sorts), so rows are not queued behind it on the same connection.
   */
  tableDdl(
    table: string,
    sql: string,
    opts: { after?: readonly string[]; cost?: number; rowNeutral?: boolean } = {},
  ): Promise<unknown> {
    const deps = [...(this.inFlight.get(table) ?? [])];
    const prev = this.lastDdl.get(table);
    if (prev) deps.push(prev);
    // `after`: tables whose queued rows and DDL must be done first (foreign-key neighbours, IndexBuilds).
    for (const t of opts.after ?? []) {
      deps.push(...(this.inFlight.get(t) ?? []));
      const other = this.lastDdl.get(t);
      if (other) deps.push(other);
    }
    const p = this.enqueue(this.leastBusy(), sql, deps, undefined, opts.cost);
    if (opts.rowNeutral) this.rowNeutral.add(p);
    this.lastDdl.set(table, p);
    this.track(table, p);
    return p;
  }

  /** Queue a statement that must see everything before it done (and runs on connection 0). */
  barrier(sql: string): Promise<unknown> {
    return this.enqueue(0, sql, [...this.all]);
  }

  /** A query on connection 0 in file order (after the session statements queued before it). */
  async probe<T extends RowDataPacket>(sql: string): Promise<T[]> {
    return (await this.enqueue(0, sql, [])) as T[];
  }

  /** Resolves when the queued bytes drop below the limit (the reader's backpressure). */
  async capacity(): Promise<void> {
    // Bytes bound big statements; the count bounds many tiny ones (each queued task holds a promise and
    // closures: 300,000 one-row INSERTs queued at once took 800 MB).
    while (
      !this.failure &&
      (this.pendingBytes.reduce((a, b) => a + b, 0) > this.maxPendingBytes || this.queuedTasks() > this.maxPendingTasks)
    ) {
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
    if (this.failure) throw this.failure;
  }

  /**
   * Resolves when every statement queued so far that may change rows has finished (committed); what still
   * runs then are index builds. Once the whole file is queued, every table's rows are final from here on,
   * so they can be counted and checksummed while the indexes build (verification overlapping the load).
   */
  async rowsSettled(): Promise<void> {
    const waitFor = [...this.all].filter((p) => !this.rowNeutral.has(p));
    await Promise.all(waitFor);
    if (this.failure) throw this.failure;
  }

  /** Wait for everything queued; throws the first failure. */
  async drain(): Promise<void> {
    while (this.all.size > 0 && !this.failure) await Promise.allSettled([...this.all]);
    if (this.failure) throw this.failure;
  }

  private queuedTasks(): number {
    let n = 0;
    for (const q of this.queues) n += q.length;
    return n;
  }

  private leastBusy(): number {
    let best = 0;
    for (let w = 1; w < this.pendingCost.length; w++)
      if ((this.pendingCost[w] as number) < (this.pendingCost[best] as number)) best = w;
    return best;
  }

  private track(table: string, p: Promise<unknown>): void {
    let set = this.inFlight.get(table);
    if (!set) {
      set = new Set();
      this.inFlight.set(table, set);
    }
    set.add(p);
    const s = set;
    const forget = () => s.delete(p);
    p.then(forget, forget);
  }

  private enqueue(
    w: number,
    sql: string | Buffer,
    deps: Promise<unknown>[],
    after?: (result: unknown) => void,
    cost = sql.length,
    rows = false,
  ): Promise<unknown> {
    if (this.failure) return Promise.reject(this.failure);
    let resolve!: (v: unknown) => void;
    let reject!: (e: unknown) => void;
    const done = new Promise<unknown>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    // Callers may ignore a statement's promise (session statements): the failure is reported by drain().
    done.catch(() => undefined);
    const task: Task = { sql, bytes: sql.length, cost: Math.max(cost, sql.length), deps, rows, after, done, resolve, reject };
    this.all.add(done);
    const forget = () => {
      this.all.delete(done);
      this.settled.add(done);
    };
    done.then(forget, forget);
    (this.queues[w] as Task[]).push(task);
    this.pendingBytes[w] = (this.pendingBytes[w] as number) + task.bytes;
    this.pendingCost[w] = (this.pendingCost[w] as number) + task.cost;
    if (!this.running[w]) void this.pump(w);
    return done;
  }

  private async pump(w: number): Promise<void> {
    this.running[w] = true;
    const queue = this.queues[w] as Task[];
    const conn = this.conns[w] as DbConnection;
    while (queue.length > 0) {
      const task = queue[0] as Task;
      try {
        if (this.failure) throw this.failure;
        if (!task.rows || task.deps.some((d) => !this.settled.has(d))) await this.commit(w);
        if (task.deps.length) await Promise.all(task.deps);
        if (this.failure) throw this.failure;
        if (task.rows && !this.uncommitted[w]?.length) await conn.query('START TRANSACTION');
        const result = typeof task.sql === 'string' ? (await conn.query(task.sql))[0] : await queryBytes(conn, task.sql);
        task.after?.(result);
        if (task.rows) {
          this.uncommitted[w]?.push(task);
          this.txnBytes[w] = (this.txnBytes[w] as number) + task.bytes;
          if ((this.txnBytes[w] as number) >= this.maxTxnBytes || queue.length === 1) await this.commit(w);
        } else task.resolve(result);
      } catch (err) {
        if (!this.failure) this.failure = describeFailure(err, task.sql);
        task.reject(this.failure);
        for (const t of this.uncommitted[w]?.splice(0) ?? []) t.reject(this.failure);
      }
      queue.shift();
      this.pendingBytes[w] = (this.pendingBytes[w] as number) - task.bytes;
      this.pendingCost[w] = (this.pendingCost[w] as number) - task.cost;
      const waiters = this.waiters;
      this.waiters = [];
      for (const wake of waiters) wake();
    }
    this.running[w] = false;
  }

  /** Commits the connection's open transaction: its INSERTs count as done. */
  private async commit(w: number): Promise<void> {
    const open = this.uncommitted[w] as Task[];
    if (!open.length) return;
    await (this.conns[w] as DbConnection).query('COMMIT');
    this.txnBytes[w] = 0;
    for (const t of open.splice(0)) t.resolve(undefined);
  }
}

/** A failed statement as a person can act on it: the server's words, its error number, which statement. */
function describeFailure(err: unknown, sql: string | Buffer): unknown {
  if (err instanceof AppError) return err;
  const e = err as { errno?: number; code?: string; sqlMessage?: string; message?: string; fatal?: boolean };
  const bytes = typeof sql === 'string' ? Buffer.from(sql.slice(0, 120), 'latin1') : sql.subarray(0, 120);
  const head = bytes.toString('utf8').replace(/\s+/g, ' ');
  // Errors a person can act on (missing engine, server disk full) get their own code: see loadErrors.ts.
  const specific = e.fatal ? null : mapLoadError(e, head);
  if (specific) return specific;
  const what = e.fatal
    ? `the loader connection was lost (${e.message ?? e.code})`
    : `${e.sqlMessage ?? e.message ?? String(err)}${e.errno ? ` (error ${e.errno})` : ''}`;
  return new AppError(
    'RESTORE_FAILED',
    `Loading into the shadow schema failed: ${what}, while running "${head}…". Nothing was swapped.`,
    {
      errno: e.errno ?? null,
      code: e.code ?? null,
    },
  );
}
