import { AppError } from '../../../core/AppError';
import type { ChannelMessage, WorkerChannel, WorkerExitedError, WorkerPool } from '../../../platform/workers/WorkerPool';
import { frameBytes, PacketRun, writeFrame } from './batchFrames';
import type { TablePlan } from './columns';
import { encoderBufferBytes, InsertEncoder } from './InsertEncoder';

/** What streamTable feeds a table's rows to: the encoder on this thread, or one in a worker (issue 16). */
export interface RowEncoder {
  /**
   * One text-protocol row packet, `buf[start..end)`. `buf` must stay unchanged until the next call of this
   * encoder (`finish` included): packets lying back to back in one buffer are copied in one go. mysql2 hands
   * over slices of the socket's chunks and of buffers it assembled, and never rewrites either.
   */
  encodePacket(buf: Buffer, start: number, end: number): void;
  /** The same row as an array of values (mysql2 ignoring our row parser). */
  encodeRow(values: ReadonlyArray<Buffer | null>): void;
  /** Ends the table; resolves with its totals once every block was handed to `onBlock`. */
  finish(): Promise<{ rows: number; rawBytes: number }>;
  /** A block handed to `onBlock` is compressed and written: its memory may be reused. */
  recycle(block: Buffer): void;
  /** Rows in the blocks handed over so far. */
  readonly rows: number;
  /** Stop (cancel or failure): nothing more is handed over. */
  close(): void;
}

export interface RowEncoderOptions {
  plan: TablePlan;
  statementLimit: number;
  blockLimit: number;
  onBlock: (block: Buffer, rows: number) => void;
  /** The encoder's backlog is full (true: stop reading rows) or has room again (false). */
  onHold: (held: boolean) => void;
  onError: (err: Error) => void;
}

export function inlineEncoder(o: RowEncoderOptions): RowEncoder {
  const encoder = new InsertEncoder({
    head: o.plan.head,
    kinds: o.plan.kinds,
    statementLimit: o.statementLimit,
    blockLimit: o.blockLimit,
    onBlock: o.onBlock,
  });
  return {
    encodePacket: (buf, start, end) => encoder.encodePacket(buf, start, end),
    encodeRow: (values) => encoder.encodeRow(values),
    finish: async () => {
      encoder.finish();
      return { rows: encoder.rows, rawBytes: encoder.rawBytes };
    },
    recycle: (block) => encoder.recycle(block),
    get rows() {
      return encoder.rows;
    },
    close: () => undefined,
  };
}

/** Framed row packets sent to the worker per message; a few of them in flight keep it busy. */
export const BATCH_BYTES = 256 << 10;
/** Batches sent but not yet encoded; above this the table stream stops reading rows (memory stays flat). */
export const MAX_BATCHES_IN_FLIGHT = 4;
/**
 * Shared output buffers per table: the one being filled, blocks waiting for gzip and writing (the stream
 * pauses at 3, a batch in flight can finish one more) and one to spare. Past them a block travels as a
 * transferred buffer (correct, only slower).
 */
export const OUTPUT_SLOTS = 5;

interface SlotSet {
  blockLimit: number;
  ins: SharedArrayBuffer[];
  outs: SharedArrayBuffer[];
}
/**
 * Slot sets whose table is done (every block written), per pool: the next table reuses them. Fresh ones per
 * table stayed alive until the worker's heap was collected, which it rarely is (it allocates little): +60 MB
 * of RSS in bench/backup.ts at 2M rows.
 */
const idleSlots = new WeakMap<WorkerPool, SlotSet[]>();

function takeSlots(pool: WorkerPool, blockLimit: number): SlotSet {
  const idle = idleSlots.get(pool) ?? [];
  idleSlots.set(pool, idle);
  const i = idle.findIndex((s) => s.blockLimit === blockLimit);
  if (i >= 0) return idle.splice(i, 1)[0] as SlotSet;
  return {
    blockLimit,
    ins: Array.from({ length: MAX_BATCHES_IN_FLIGHT + 1 }, () => new SharedArrayBuffer(BATCH_BYTES)),
    outs: Array.from({ length: OUTPUT_SLOTS }, () => new SharedArrayBuffer(encoderBufferBytes(blockLimit))),
  };
}

/**
 * A table encoded by a worker of `pool` (encoderWorker.ts). Row packets are copied into shared batch slots
 * (one copy per run of back-to-back packets of a socket chunk, wire headers included: what remains of a row
 * on the main thread is mysql2 splitting packets and a header check); blocks are read from shared output slots
 * and the slot goes back to the worker once its block is written, so neither side allocates per block.
 */
export function pooledEncoder(pool: WorkerPool, o: RowEncoderOptions): RowEncoder {
  const slots = takeSlots(pool, o.blockLimit);
  const inSlots = slots.ins;
  const outSlots = slots.outs;
  const freeIn = inSlots.map((_, i) => i).reverse();
  /** The batch being filled and its slot (-1: a buffer of its own, for a row bigger than a slot). */
  let slot = freeIn.pop() as number;
  let batch: Buffer = Buffer.from(inSlots[slot] as SharedArrayBuffer);
  let used = 0;
  let inFlight = 0;
  let held = false;
  let rows = 0;
  let closed = false;
  /** Blocks handed over and not yet recycled; the slots go back to the pool when the table is done and this is 0. */
  let outstanding = 0;
  let finished = false;
  const releaseWhenIdle = () => {
    if (finished && outstanding === 0) idleSlots.get(pool)?.push(slots);
  };
  let done: ((totals: { rows: number; rawBytes: number }) => void) | null = null;
  /** The output slot of each block handed over (absent: the block came in a buffer of its own). */
  const blockSlot = new WeakMap<Buffer, number>();

  const stop = (err: Error) => {
    if (closed) return;
    closed = true;
    channel.close();
    o.onError(err);
  };
  const onMessage = (m: ChannelMessage) => {
    if (closed) return;
    if (m.t === 'block') {
      rows += m.rows as number;
      const whole = typeof m.slot === 'number' ? (outSlots[m.slot] as SharedArrayBuffer) : (m.buf as ArrayBuffer);
      const block = Buffer.from(whole, 0, m.len as number);
      if (typeof m.slot === 'number') blockSlot.set(block, m.slot);
      outstanding++;
      o.onBlock(block, m.rows as number);
    } else if (m.t === 'consumed') {
      inFlight--;
      if (typeof m.slot === 'number') freeIn.push(m.slot);
      if (held && inFlight < MAX_BATCHES_IN_FLIGHT) {
        held = false;
        o.onHold(false);
      }
    } else if (m.t === 'done') {
      closed = true;
      finished = true;
      channel.close();
      releaseWhenIdle();
      done?.({ rows: m.rows as number, rawBytes: m.rawBytes as number });
    } else if (m.t === 'error') {
      stop(rowEncodingFailed(o.plan, m.message));
    }
  };
  const onFailure = (err: WorkerExitedError) =>
    stop(encoderExited(`the ${err.message}; the partial file was removed`, err.exitCode));
  const channel = openTable(pool, o, slots, { onMessage, onFailure });

  /** Back-to-back packets not copied into `batch` yet (batchFrames.ts). */
  const run = new PacketRun();

  /** Start a new batch able to hold `need` bytes: a free slot, or a buffer of its own. */
  const nextBatch = (need: number) => {
    const free = need <= BATCH_BYTES ? freeIn.pop() : undefined;
    slot = free ?? -1;
    batch =
      free === undefined ? Buffer.allocUnsafeSlow(Math.max(need, BATCH_BYTES)) : Buffer.from(inSlots[free] as SharedArrayBuffer);
  };
  const send = (need = 0) => {
    run.flushInto(batch);
    if (used > 0 && !closed) {
      if (slot >= 0) channel.post({ t: 'rows', slot, len: used });
      else {
        const ab = batch.buffer as ArrayBuffer;
        channel.post({ t: 'rows', buf: ab, len: used }, [ab]);
      }
      inFlight++;
      used = 0;
      if (!held && inFlight >= MAX_BATCHES_IN_FLIGHT) {
        held = true;
        o.onHold(true);
      }
    }
    if (used === 0) nextBatch(need);
  };

  return {
    encodePacket(buf, start, end) {
      const frame = frameBytes(end - start);
      if (used + frame <= batch.length && run.extend(buf, start, end)) used += frame;
      else {
        run.flushInto(batch);
        if (used + frame > batch.length) send(frame);
        if (run.begin(buf, start, end, used)) used += frame;
        else used = writeFrame(batch, used, buf, start, end);
      }
      if (used >= BATCH_BYTES) send();
    },
    encodeRow(values) {
      const packet = packetOf(values);
      this.encodePacket(packet, 0, packet.length);
    },
    finish() {
      if (used > 0) send();
      return new Promise((resolve) => {
        done = resolve;
        channel.post({ t: 'finish' });
      });
    },
    recycle(block) {
      outstanding--;
      if (closed) return releaseWhenIdle();
      const s = blockSlot.get(block);
      if (s !== undefined) channel.post({ t: 'spare', slot: s });
      else {
        const ab = block.buffer as ArrayBuffer;
        channel.post({ t: 'spare', buf: ab }, [ab]);
      }
    },
    get rows() {
      return rows;
    },
    close() {
      if (closed) return;
      closed = true;
      channel.post({ t: 'close' });
      channel.close();
    },
  };
}

/** A channel to a worker of `pool` with the table opened on it (its plan, limits and slots). */
function openTable(
  pool: WorkerPool,
  o: RowEncoderOptions,
  slots: SlotSet,
  handlers: { onMessage: (m: ChannelMessage) => void; onFailure: (err: WorkerExitedError) => void },
): WorkerChannel {
  let channel: WorkerChannel;
  try {
    channel = pool.open(handlers);
  } catch (err) {
    throw encoderExited((err as Error).message);
  }
  channel.post({
    t: 'open',
    head: new Uint8Array(o.plan.head),
    kinds: o.plan.kinds,
    statementLimit: o.statementLimit,
    blockLimit: o.blockLimit,
    inSlots: slots.ins,
    outSlots: slots.outs,
  });
  return channel;
}

function rowEncodingFailed(plan: TablePlan, message: unknown): AppError {
  return new AppError('BACKUP_INCOMPLETE', `Encoding a row of ${plan.select.slice(-80)} failed: ${String(message)}`, {
    reason: 'ROW_ENCODING_FAILED',
  });
}

function encoderExited(why: string, exitCode?: number | null): AppError {
  return new AppError('BACKUP_INCOMPLETE', `The backup stopped: ${why}.`, {
    reason: 'ENCODER_WORKER_EXITED',
    ...(exitCode === undefined ? {} : { exitCode }),
  });
}

/** Values back into a text-protocol row packet (length-coded strings; 0xfb for NULL). */
export function packetOf(values: ReadonlyArray<Buffer | null>): Buffer {
  const parts: Buffer[] = [];
  for (const v of values) {
    if (v === null || v === undefined) {
      parts.push(Buffer.from([0xfb]));
      continue;
    }
    const n = v.length;
    if (n < 0xfb) parts.push(Buffer.from([n]));
    else if (n < 1 << 16) parts.push(Buffer.from([0xfc, n & 0xff, n >> 8]));
    else if (n < 1 << 24) parts.push(Buffer.from([0xfd, n & 0xff, (n >> 8) & 0xff, n >> 16]));
    else {
      const h = Buffer.alloc(9);
      h[0] = 0xfe;
      h.writeUInt32LE(n % 2 ** 32, 1);
      h.writeUInt32LE(Math.floor(n / 2 ** 32), 5);
      parts.push(h);
    }
    parts.push(v);
  }
  return Buffer.concat(parts);
}
