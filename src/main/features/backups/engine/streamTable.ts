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
export function streamTable(o: StreamTableOptions): Promise<{ rows: number; rawBytes: number; chunks: number }> {
  return new Promise((resolve, reject) => {
    let chunk = 0;
    let inFlight = 0;
    /** Held by backpressure (blocks in flight) or by the turn budget; the connection is paused while either holds. */
    let paused = false;
    let encoderHeld = false;
    let yielding = false;
    let connPaused = false;
    let turnBytes = 0;
    let failed: Error | null = null;
    let ended = false;
    const pending = new Set<Promise<unknown>>();
    let encoder: RowEncoder | null = null;

    // mysql2 tells a query without a callback nothing when its connection dies: the error only goes to the
    // connection's 'error' event. Without these listeners a dump whose tunnel dropped would wait forever.
    const onConnError = (err: Error) => fail(err);
    const onConnEnd = () =>
      fail(Object.assign(new Error('Connection lost: the server closed the connection.'), { code: 'PROTOCOL_CONNECTION_LOST' }));
    const unwatch = () => {
      o.conn.off('error', onConnError);
      o.conn.off('end', onConnEnd);
    };
    const syncPause = () => {
      const hold = (paused || encoderHeld || yielding) && !ended && !failed;
      if (hold && !connPaused) {
        connPaused = true;
        o.conn.pause();
      } else if (!hold && connPaused) {
        connPaused = false;
        o.conn.resume();
      }
    };
    const fail = (err: Error) => {
      if (failed) return;
      failed = err;
      encoder?.close();
      unwatch();
      syncPause();
      reject(err);
    };
    // A turn's rows are counted from its first packet to the check phase after it (setImmediate); past the
    // budget the connection waits there, so the rest of the chunk mysql2 holds goes to the next turn.
    const endTurn = () => {
      o.onTurn?.(turnBytes);
      turnBytes = 0;
      if (yielding) {
        yielding = false;
        syncPause();
      }
    };
    const countTurn = (bytes: number) => {
      if (turnBytes === 0) setImmediate(endTurn);
      turnBytes += bytes;
      if (turnBytes >= TURN_BUDGET_BYTES && !yielding) {
        yielding = true;
        syncPause();
      }
    };
    o.conn.on('error', onConnError);
    o.conn.once('end', onConnEnd);
    const encoderOptions = {
      plan: o.plan,
      statementLimit: o.statementLimit,
      blockLimit: o.blockLimit,
      onBlock: (block: Buffer, rows: number) => {
        const p = o.sink(block, rows, chunk++);
        inFlight++;
        pending.add(p);
        if (inFlight >= o.maxInFlight && !paused && !ended) {
          paused = true;
          syncPause();
        }
        p.then(
          () => {
            encoder?.recycle(block);
            inFlight--;
            pending.delete(p);
            if (paused && inFlight < o.maxInFlight) {
              paused = false;
              syncPause();
            }
            o.onRows?.(encoder?.rows ?? 0);
          },
          (err: Error) => fail(err),
        );
      },
      onHold: (held: boolean) => {
        encoderHeld = held;
        syncPause();
      },
      onError: fail,
    };
    try {
      encoder = o.encoderPool ? pooledEncoder(o.encoderPool, encoderOptions) : inlineEncoder(encoderOptions);
    } catch (err) {
      return fail(err as Error);
    }
    const rowEncoder = encoder;

    const onAbort = () => fail(new AppError('CANCELLED', 'Backup cancelled.'));
    if (o.signal.aborted) return onAbort();
    o.signal.addEventListener('abort', onAbort, { once: true });

    const query: Query = o.conn.query({ sql: o.plan.select, rowsAsArray: true, typeCast: false });
    const parser = {
      next(packet: RowPacket): undefined {
        if (failed) return undefined;
        // Errors are ours to report: thrown here, mysql2 would end the query in an odd state.
        try {
          if (typeof packet.offset !== 'number' || !Buffer.isBuffer(packet.buffer)) {
            throw new Error('unexpected mysql2 row packet shape');
          }
          rowEncoder.encodePacket(packet.buffer, packet.offset, packet.end);
          countTurn(packet.end - packet.offset);
        } catch (err) {
          fail(
            new AppError('BACKUP_INCOMPLETE', `Encoding a row of ${o.plan.select.slice(-80)} failed: ${(err as Error).message}`, {
              reason: 'ROW_ENCODING_FAILED',
            }),
          );
        }
        return undefined;
      },
    };
    installRowParser(query, parser);
    query.on('result', (row: unknown) => {
      if (failed || row === undefined) return;
      try {
        rowEncoder.encodeRow(row as Array<Buffer | null>);
      } catch (err) {
        fail(err as Error);
      }
    });
    query.on('error', (err: Error) => fail(err));
    query.on('end', () => {
      ended = true;
      syncPause(); // never leave the connection paused for the next query
      o.signal.removeEventListener('abort', onAbort);
      if (failed) return;
      // The rows are all read; what remains is local work, which a later connection loss does not affect.
      unwatch();
      rowEncoder
        .finish()
        .then(async (totals) => {
          await Promise.all([...pending]);
          if (!failed) resolve({ ...totals, chunks: chunk });
        })
        .catch((err: Error) => fail(err));
    });
  });
}
