import type { MessagePort } from 'node:worker_threads';
import { WorkerPool } from '../../../platform/workers/WorkerPool';
import { InsertEncoderBase, insertEncoderRuntime, LARGE_BINARY_BYTES, sqlByteTables, sqlValueWriter } from './InsertEncoder';

/**
 * The INSERT encoder as a worker thread (issue 16): the main thread copies row packets into batches for the
 * worker; blocks of SQL text come back for gzip (libuv's pool) and writing.
 *
 * Memory is shared, not moved: each table gets a few SharedArrayBuffer slots for row batches and for output
 * blocks, and messages name slots. Transferring fresh ArrayBuffers instead cost a full mark-compact every few
 * blocks on the main thread (V8 counts every arriving buffer as new external memory: --trace-gc showed 15
 * of them for 300k rows, each a long event-loop pause). A row or block that does not fit its slot travels as
 * a transferred buffer (`buf` instead of `slot`).
 *
 * Protocol (every message carries the channel id `ch`, one channel per table):
 *   → open {head, kinds, statementLimit, blockLimit, inSlots, outSlots}   start a table
 *   → rows {slot | buf, len}   `len` bytes of framed row packets: [u24 LE length][1 ignored byte][packet]…
 *                              (length ff ff ff: a u32 LE length follows), see batchFrames.ts
 *   → spare {slot | buf}       an output buffer whose block is written: the encoder may reuse it
 *   → finish                   end the table: the last block, then `done`
 *   → close                    forget the table (cancelled or failed)
 *   ← block {slot | buf, len, rows}   a finished block (whole statements), at offset 0
 *   ← consumed {slot | buf}    a rows batch is encoded: the main thread refills it
 *   ← done {rows, rawBytes}
 *   ← error {message}          the table's rows could not be encoded
 */

type Runtime = ReturnType<typeof insertEncoderRuntime>;
interface WorkerTable {
  encoder: InstanceType<Runtime['InsertEncoder']>;
  ins: Buffer[];
  outs: Buffer[];
}

/** The worker's script body. Self-contained (see insertEncoderRuntime): it becomes source text. */
function encoderWorkerMain(port: MessagePort, runtime: Runtime): void {
  const tables = new Map<number, WorkerTable>();

  // Frames as the MySQL wire has them (batchFrames.ts): 3-byte length, one ignored byte; ff ff ff: a
  // 4-byte length follows.
  const encodeBatch = (t: WorkerTable, buf: Buffer, len: number) => {
    let p = 0;
    while (p < len) {
      let size = buf.readUIntLE(p, 3);
      p += 4;
      if (size === 0xffffff) {
        size = buf.readUInt32LE(p);
        p += 4;
      }
      if (p + size > len) throw new Error(`a row frame runs past its batch (${size} bytes at ${p} of ${len})`);
      t.encoder.encodePacket(buf, p, p + size);
      p += size;
    }
  };
  /** `{slot}` when `buf` is one of `slots`, else `{buf}` (its ArrayBuffer listed in `transfer`). */
  const ref = (slots: Buffer[], buf: Buffer, transfer: ArrayBuffer[]) => {
    const slot = slots.findIndex((s) => s.buffer === buf.buffer);
    if (slot >= 0) return { slot };
    transfer.push(buf.buffer as ArrayBuffer);
    return { buf: buf.buffer };
  };
  const deref = (slots: Buffer[], m: Record<string, unknown>) =>
    typeof m.slot === 'number' ? (slots[m.slot] as Buffer) : Buffer.from(m.buf as ArrayBuffer);

  const open = (ch: number, m: Record<string, unknown>) => {
    const outs = (m.outSlots as SharedArrayBuffer[]).map((b) => Buffer.from(b));
    const encoder = new runtime.InsertEncoder({
      head: Buffer.from(m.head as Uint8Array),
      kinds: m.kinds as never,
      statementLimit: m.statementLimit as number,
      blockLimit: m.blockLimit as number,
      output: outs[0],
      maxSpare: outs.length,
      onBlock: (block, rows) => {
        const transfer: ArrayBuffer[] = [];
        port.postMessage({ ch, t: 'block', ...ref(outs, block, transfer), len: block.length, rows }, transfer);
      },
    });
    for (const b of outs.slice(1)) encoder.adopt(b);
    tables.set(ch, { encoder, outs, ins: (m.inSlots as SharedArrayBuffer[]).map((b) => Buffer.from(b)) });
  };

  port.on('message', (m: { ch: number; t: string; [key: string]: unknown }) => {
    const ch = m.ch;
    try {
      if (m.t === 'open') return open(ch, m);
      const t = tables.get(ch);
      if (m.t === 'close' || !t) {
        tables.delete(ch);
        return;
      }
      if (m.t === 'rows') {
        const buf = deref(t.ins, m);
        encodeBatch(t, buf, m.len as number);
        const transfer: ArrayBuffer[] = [];
        port.postMessage({ ch, t: 'consumed', ...ref(t.ins, buf, transfer) }, transfer);
      } else if (m.t === 'spare') {
        t.encoder.adopt(deref(t.outs, m));
      } else if (m.t === 'finish') {
        t.encoder.finish();
        tables.delete(ch);
        port.postMessage({ ch, t: 'done', rows: t.encoder.rows, rawBytes: t.encoder.rawBytes });
      }
    } catch (err) {
      tables.delete(ch);
      port.postMessage({ ch, t: 'error', message: (err as Error).message });
    }
  });
}

/**
 * The worker's source: the encoder's parts and the message loop from their own text. `require` appears only in this
 * string (a bundler would rewrite it in code). `__name` is the helper that esbuild's keepNames (tsx) calls
 * inside functions; the worker defines it since it sees no module scope.
 */
export function encoderWorkerSource(): string {
  return [
    'var __name = (target) => target;',
    `const parts = { sqlByteTables: ${sqlByteTables}, sqlValueWriter: ${sqlValueWriter}, InsertEncoderBase: ${InsertEncoderBase} };`,
    `const runtime = (${insertEncoderRuntime})(${LARGE_BINARY_BYTES}, parts);`,
    `(${encoderWorkerMain})(require('node:worker_threads').parentPort, runtime);`,
  ].join('\n');
}

/** A pool of encoder workers for one backup (closed by its owner). */
export function createEncoderPool(size: number): WorkerPool {
  return new WorkerPool({ name: 'backup-encoder', source: encoderWorkerSource(), size });
}

/** Encoder threads for a backup: see RunBackupInput.encoderThreads (BackupEngine.ts). */
export function encoderThreadCount(asked: number | undefined, connections: number): number {
  const fromEnv = process.env.SYSNDD_ADMIN_BACKUP_ENCODER_THREADS;
  const wanted = asked ?? (fromEnv !== undefined && fromEnv !== '' ? Number(fromEnv) : Math.min(2, connections));
  return Number.isFinite(wanted) ? Math.max(0, Math.min(4, Math.floor(wanted))) : 1;
}
