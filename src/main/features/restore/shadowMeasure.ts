import type { RowDataPacket } from 'mysql2/promise';
import { AppError } from '../../core/AppError';
import type { DbConnection } from './connect';
import { quoteIdentBytes } from './sql/dumpStatements';

/** What the server holds for one table of the shadow schema. */
export interface TableMeasure {
  rows: number;
  /** CHECKSUM TABLE, when asked for. */
  checksum: string | null;
}

export interface MeasureJob {
  name: string;
  checksum: boolean;
}

interface QueuedJob extends MeasureJob {
  result: Promise<TableMeasure>;
  resolve(m: TableMeasure): void;
  reject(err: unknown): void;
}

interface CountRow extends RowDataPacket {
  c: string | number;
}

/** One table's COUNT(*), and its CHECKSUM TABLE when asked, read on `conn` (byte transparent: names as UTF-8 bytes). */
export async function measureTable(conn: DbConnection, shadow: string, job: MeasureJob): Promise<TableMeasure> {
  const ident = `${quoteIdentBytes(shadow)}.${quoteIdentBytes(job.name)}`;
  const [countRows] = await conn.query<CountRow[]>(`SELECT COUNT(*) AS c FROM ${ident}`);
  const rows = Number(countRows[0]?.c ?? 0);
  if (!job.checksum) return { rows, checksum: null };
  const [ck] = await conn.query<RowDataPacket[]>(`CHECKSUM TABLE ${ident}`);
  return { rows, checksum: String(ck[0]?.Checksum ?? '') };
}

/**
 * The verification's reads of the shadow schema (row counts, CHECKSUM TABLE) as one queue of per-table jobs
 * that any number of sessions work off. The load starts it early (issue 16): once every row is committed
 * and only index builds still run (LoadScheduler.rowsSettled), one session counts and checksums while the
 * indexes build — ADD INDEX changes no row, and CHECKSUM TABLE reads the rows, not the indexes. The verify
 * phase then adds the loader sessions to the same queue and judges the results; nothing is judged early.
 * A job that fails on the early session goes back to the queue: the verify phase runs it again, and only a
 * failure there fails the restore, as before.
 */
export class ShadowMeasurements {
  private readonly queue: QueuedJob[] = [];
  private readonly jobs = new Map<string, QueuedJob>();
  private early: { conn: DbConnection; done: Promise<boolean> } | null = null;
  /** Tables read by the early session (for the job log). */
  readEarly = 0;

  constructor(private readonly shadow: string) {}

  /** Starts measuring `jobs` on `conn` in the background (while the index builds run). */
  startEarly(conn: DbConnection, jobs: readonly MeasureJob[], signal: AbortSignal): void {
    this.enqueue(jobs);
    // A cancel ends the early share quietly too: finish() sees the signal.
    this.early = { conn, done: this.work(conn, signal, { early: true }).catch(() => false) };
  }

  /**
   * Measures what is still queued on `workers` (and on the early session once its share is done, unless a
   * read failed there), and returns when every queued job has a result.
   */
  async finish(workers: readonly DbConnection[], signal: AbortSignal): Promise<void> {
    const early = this.early;
    const others = workers.filter((w) => w !== early?.conn);
    const shares = others.map((w) => this.work(w, signal));
    if (early) shares.push(early.done.then((ok) => (ok ? this.work(early.conn, signal) : false)));
    await Promise.all(shares);
    // A job the early session gave back after the other sessions had emptied the queue.
    if (this.queue.length) await Promise.all(others.map((w) => this.work(w, signal)));
    for (const job of this.queue.splice(0))
      job.reject(new AppError('RESTORE_FAILED', `No session was left to verify ${job.name}; nothing was swapped.`));
  }

  /** Adds the tables not queued or measured yet. */
  enqueue(jobs: readonly MeasureJob[]): void {
    for (const j of jobs) {
      if (this.jobs.has(j.name)) continue;
      let resolve!: (m: TableMeasure) => void;
      let reject!: (err: unknown) => void;
      const result = new Promise<TableMeasure>((res, rej) => {
        resolve = res;
        reject = rej;
      });
      result.catch(() => undefined); // read by result(); a job nobody asks for must not be an unhandled rejection
      const job: QueuedJob = { ...j, result, resolve, reject };
      this.jobs.set(j.name, job);
      this.queue.push(job);
    }
  }

  /**
   * Works off the queue on `conn` until it is empty (true). `early`: a failure puts the job back and ends
   * this session's share (false; the verify phase retries it); otherwise a failure rejects the job's result.
   */
  private async work(conn: DbConnection, signal: AbortSignal, opts: { early?: boolean } = {}): Promise<boolean> {
    for (let job = this.queue.shift(); job; job = this.queue.shift()) {
      if (signal.aborted) {
        this.queue.unshift(job);
        throw new AppError('CANCELLED', 'Cancelled by request.');
      }
      try {
        job.resolve(await measureTable(conn, this.shadow, job));
        if (opts.early) this.readEarly++;
      } catch (err) {
        if (opts.early) {
          this.queue.unshift(job);
          return false;
        }
        job.reject(err);
      }
    }
    return true;
  }

  /** The measurement of a queued table (waits while another session is still reading it). */
  result(name: string): Promise<TableMeasure> {
    const job = this.jobs.get(name);
    if (!job) return Promise.reject(new Error(`${name} was not queued for measuring`));
    return job.result;
  }
}
