import { AppError } from '../../../core/AppError';
import type { ChannelMessage, WorkerChannel, WorkerExitedError, WorkerPool } from '../../../platform/workers/WorkerPool';
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
/**
 * A batch frames each row packet as the MySQL wire does, so back-to-back packets of a socket chunk can be
 * copied with their headers as they are: 3-byte little-endian payload length, then one byte the worker
 * ignores (the wire's sequence id). A payload of LONG_FRAME bytes or more cannot be one wire packet (mysql2
 * reassembles it): its frame is ff ff ff 00 and a 4-byte little-endian length. encoderWorker.ts reads them.
 */
const FRAME_HEADER = 4;
export const LONG_FRAME = 0xffffff;

/** `buf[start - 4..start)` is a wire header whose length is the packet's: the frame is already there. */
function framedOnTheWire(buf: Buffer, start: number, size: number): boolean {
  return start >= FRAME_HEADER && size < LONG_FRAME && buf.readUIntLE(start - FRAME_HEADER, 3) === size;
}

/** Bytes a frame of a `size`-byte packet takes in a batch. */
function frameBytes(size: number): number {
  return (size < LONG_FRAME ? FRAME_HEADER : FRAME_HEADER + 4) + size;
}

/** Writes the frame of `buf[start..end)` at `at`; returns the position after it. */
function writeFrame(batch: Buffer, at: number, buf: Buffer, start: number, end: number): number {
  const size = end - start;
  const long = size >= LONG_FRAME;
  const length = long ? LONG_FRAME : size;
  batch[at] = length & 0xff;
  batch[at + 1] = (length >> 8) & 0xff;
  batch[at + 2] = length >> 16;
  batch[at + 3] = 0;
  let p = at + FRAME_HEADER;
  if (long) p = batch.writeUInt32LE(size, p);
  return p + buf.copy(batch, p, start, end);
}
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
      stop(
        new AppError('BACKUP_INCOMPLETE', `Encoding a row of ${o.plan.select.slice(-80)} failed: ${String(m.message)}`, {
          reason: 'ROW_ENCODING_FAILED',
        }),
      );
    }
  };
  const onFailure = (err: WorkerExitedError) =>
    stop(
      new AppError('BACKUP_INCOMPLETE', `The backup stopped: the ${err.message}; the partial file was removed.`, {
        reason: 'ENCODER_WORKER_EXITED',
        exitCode: err.exitCode,
      }),
    );
  let channel: WorkerChannel;
  try {
    channel = pool.open({ onMessage, onFailure });
  } catch (err) {
    throw new AppError('BACKUP_INCOMPLETE', `The backup stopped: ${(err as Error).message}.`, {
      reason: 'ENCODER_WORKER_EXITED',
    });
  }
  channel.post({
    t: 'open',
    head: new Uint8Array(o.plan.head),
    kinds: o.plan.kinds,
    statementLimit: o.statementLimit,
    blockLimit: o.blockLimit,
    inSlots,
    outSlots,
  });

  /**
   * Packets lying back to back with their wire headers in one buffer (`run[from..to)`), to be copied to
   * `batch[at..]` in one call: a copy per row was ~20% of the main thread's CPU in bench/backup.ts.
   */
  let run: Buffer | null = null;
  let runFrom = 0;
  let runTo = 0;
  let runAt = 0;
  const flushRun = () => {
    if (!run) return;
    run.copy(batch, runAt, runFrom, runTo);
    run = null;
  };

  /** Start a new batch able to hold `need` bytes: a free slot, or a buffer of its own. */
  const nextBatch = (need: number) => {
    const free = need <= BATCH_BYTES ? freeIn.pop() : undefined;
    slot = free ?? -1;
    batch =
      free === undefined ? Buffer.allocUnsafeSlow(Math.max(need, BATCH_BYTES)) : Buffer.from(inSlots[free] as SharedArrayBuffer);
  };
  const send = (need = 0) => {
    flushRun();
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
      const size = end - start;
      const frame = frameBytes(size);
      if (run === buf && start - FRAME_HEADER === runTo && used + frame <= batch.length && framedOnTheWire(buf, start, size)) {
        runTo = end;
        used += frame;
      } else {
        flushRun();
        if (used + frame > batch.length) send(frame);
        if (framedOnTheWire(buf, start, size)) {
          run = buf;
          runFrom = start - FRAME_HEADER;
          runTo = end;
          runAt = used;
          used += frame;
        } else used = writeFrame(batch, used, buf, start, end);
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
