import type { Connection as CoreConnection, Query } from 'mysql2';
import { AppError } from '../../../core/AppError';
import type { WorkerPool } from '../../../platform/workers/WorkerPool';
import { installRowParser, type RowPacket } from '../../connections/mysql/driverInternals';
import type { TablePlan } from './columns';
import { inlineEncoder, pooledEncoder, type RowEncoder } from './rowEncoders';

/**
 * Row bytes encoded in one turn of the event loop before the connection is paused until the next turn
 * (setImmediate). libuv reads up to 32 socket chunks per poll callback and mysql2 hands every row of them to
 * the encoder at once, so without a budget one turn could encode megabytes (tens of ms) while timers, IPC
 * and the UI door's requests wait. 512 KiB is a few ms of encoding.
 */
export const TURN_BUDGET_BYTES = 512 << 10;

/** Where finished blocks go (the backup file writer); resolves once the block is compressed and written. */
export type BlockSink = (block: Buffer, rows: number, chunk: number) => Promise<unknown>;

export interface StreamTableOptions {
  conn: CoreConnection;
  plan: TablePlan;
  sink: BlockSink;
  statementLimit: number;
  blockLimit: number;
  /** Blocks handed to the sink but not yet written; above this the socket is paused (backpressure). */
  maxInFlight: number;
  signal: AbortSignal;
  onRows?: (rowsSoFar: number) => void;
  /** Row bytes encoded in each turn of the event loop that encoded any (the turn budget's bound; tests). */
  onTurn?: (rowBytes: number) => void;
  /** Encode in a worker of this pool (encoderWorker.ts); without one, on this thread. */
  encoderPool?: WorkerPool | null;
}

/**
 * Streams one table through the encoder with bounded memory. Rows are taken straight from mysql2's row
 * packets: we install our own `_rowParser` on the query (mysql2 calls `_rowParser.next(packet)` per row), so
 * no JS value is built per field. If a future mysql2 ignores it, rows arrive as arrays of Buffers
 * (`typeCast: false`) and go through `encodeRow` instead — same output, slower.
 *
 * With `encoderPool` the rows are only copied here and encoded in a worker thread (rowEncoders.ts).
 *
 * Backpressure: when `maxInFlight` blocks wait for compression/writing, or the worker's backlog of rows is
 * full, the connection is paused (mysql2 stops reading the socket, TCP/SSH flow control holds the server
 * back) and resumed when one completes.
 * Turn budget: after TURN_BUDGET_BYTES of rows in one turn it is paused until the next one (mysql2 queues
 * the rest of the chunk it holds), which bounds the event-loop delay a backup causes.
 */
export function streamTable(o: StreamTableOptions): Promise<TableTotals> {
  return new Promise((resolve, reject) => new TableStream(o, resolve, reject).start());
}

type TableTotals = { rows: number; rawBytes: number; chunks: number };

/** One table's stream: the phases (watch, encoder, query, finish) and the pause state they share. */
class TableStream {
  private chunk = 0;
  private inFlight = 0;
  /** Holds on the connection: blocks in flight (backpressure), the encoder's backlog, the turn budget. */
  private paused = false;
  private encoderHeld = false;
  private yielding = false;
  private connPaused = false;
  private turnBytes = 0;
  private failed: Error | null = null;
  private ended = false;
  private readonly pending = new Set<Promise<unknown>>();
  private encoder: RowEncoder | null = null;

  constructor(
    private readonly o: StreamTableOptions,
    private readonly resolve: (totals: TableTotals) => void,
    private readonly reject: (err: Error) => void,
  ) {}

  start(): void {
    this.watchConnection();
    const encoder = this.createEncoder();
    if (!encoder) return;
    if (this.o.signal.aborted) {
      this.onAbort();
      return;
    }
    this.o.signal.addEventListener('abort', this.onAbort, { once: true });
    this.runQuery(encoder);
  }

  // mysql2 tells a query without a callback nothing when its connection dies: the error only goes to the
  // connection's 'error' event. Without these listeners a dump whose tunnel dropped would wait forever.
  private readonly onConnError = (err: Error) => this.fail(err);
  private readonly onConnEnd = () =>
    this.fail(
      Object.assign(new Error('Connection lost: the server closed the connection.'), { code: 'PROTOCOL_CONNECTION_LOST' }),
    );
  private readonly onAbort = () => this.fail(new AppError('CANCELLED', 'Backup cancelled.'));

  private watchConnection(): void {
    this.o.conn.on('error', this.onConnError);
    this.o.conn.once('end', this.onConnEnd);
  }

  private unwatch(): void {
    this.o.conn.off('error', this.onConnError);
    this.o.conn.off('end', this.onConnEnd);
  }

  /** Pauses the connection while any hold is on, resumes it when none is. */
  private syncPause(): void {
    const hold = (this.paused || this.encoderHeld || this.yielding) && !this.ended && !this.failed;
    if (hold && !this.connPaused) {
      this.connPaused = true;
      this.o.conn.pause();
    } else if (!hold && this.connPaused) {
      this.connPaused = false;
      this.o.conn.resume();
    }
  }

  private readonly fail = (err: Error): void => {
    if (this.failed) return;
    this.failed = err;
    this.encoder?.close();
    this.unwatch();
    this.syncPause();
    this.reject(err);
  };

  // A turn's rows are counted from its first packet to the check phase after it (setImmediate); past the
  // budget the connection waits there, so the rest of the chunk mysql2 holds goes to the next turn.
  private readonly endTurn = (): void => {
    this.o.onTurn?.(this.turnBytes);
    this.turnBytes = 0;
    if (this.yielding) {
      this.yielding = false;
      this.syncPause();
    }
  };

  private countTurn(bytes: number): void {
    if (this.turnBytes === 0) setImmediate(this.endTurn);
    this.turnBytes += bytes;
    if (this.turnBytes >= TURN_BUDGET_BYTES && !this.yielding) {
      this.yielding = true;
      this.syncPause();
    }
  }

  private createEncoder(): RowEncoder | null {
    const options = {
      plan: this.o.plan,
      statementLimit: this.o.statementLimit,
      blockLimit: this.o.blockLimit,
      onBlock: (block: Buffer, rows: number) => this.sendBlock(block, rows),
      onHold: (held: boolean) => {
        this.encoderHeld = held;
        this.syncPause();
      },
      onError: this.fail,
    };
    try {
      this.encoder = this.o.encoderPool ? pooledEncoder(this.o.encoderPool, options) : inlineEncoder(options);
      return this.encoder;
    } catch (err) {
      this.fail(err as Error);
      return null;
    }
  }

  /** A finished block goes to the sink; too many in flight pause the connection until one is written. */
  private sendBlock(block: Buffer, rows: number): void {
    const p = this.o.sink(block, rows, this.chunk++);
    this.inFlight++;
    this.pending.add(p);
    if (this.inFlight >= this.o.maxInFlight && !this.paused && !this.ended) {
      this.paused = true;
      this.syncPause();
    }
    p.then(
      () => {
        this.encoder?.recycle(block);
        this.inFlight--;
        this.pending.delete(p);
        if (this.paused && this.inFlight < this.o.maxInFlight) {
          this.paused = false;
          this.syncPause();
        }
        this.o.onRows?.(this.encoder?.rows ?? 0);
      },
      (err: Error) => this.fail(err),
    );
  }

  private runQuery(encoder: RowEncoder): void {
    const query: Query = this.o.conn.query({ sql: this.o.plan.select, rowsAsArray: true, typeCast: false });
    installRowParser(query, { next: (packet: RowPacket) => this.onPacket(encoder, packet) });
    query.on('result', (row: unknown) => {
      if (this.failed || row === undefined) return;
      try {
        encoder.encodeRow(row as Array<Buffer | null>);
      } catch (err) {
        this.fail(err as Error);
      }
    });
    query.on('error', (err: Error) => this.fail(err));
    query.on('end', () => this.onQueryEnd(encoder));
  }

  /** One row packet (the hot path). Errors are ours to report: thrown here, mysql2 would end the query in an odd state. */
  private onPacket(encoder: RowEncoder, packet: RowPacket): undefined {
    if (this.failed) return undefined;
    try {
      if (typeof packet.offset !== 'number' || !Buffer.isBuffer(packet.buffer)) {
        throw new Error('unexpected mysql2 row packet shape');
      }
      encoder.encodePacket(packet.buffer, packet.offset, packet.end);
      this.countTurn(packet.end - packet.offset);
    } catch (err) {
      this.fail(
        new AppError(
          'BACKUP_INCOMPLETE',
          `Encoding a row of ${this.o.plan.select.slice(-80)} failed: ${(err as Error).message}`,
          {
            reason: 'ROW_ENCODING_FAILED',
          },
        ),
      );
    }
    return undefined;
  }

  private onQueryEnd(encoder: RowEncoder): void {
    this.ended = true;
    this.syncPause(); // never leave the connection paused for the next query
    this.o.signal.removeEventListener('abort', this.onAbort);
    if (this.failed) return;
    // The rows are all read; what remains is local work, which a later connection loss does not affect.
    this.unwatch();
    encoder
      .finish()
      .then(async (totals) => {
        await Promise.all([...this.pending]);
        if (!this.failed) this.resolve({ ...totals, chunks: this.chunk });
      })
      .catch((err: Error) => this.fail(err));
  }
}
