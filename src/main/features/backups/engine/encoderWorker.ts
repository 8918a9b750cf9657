import type { MessagePort } from 'node:worker_threads';
import { WorkerPool } from '../../../platform/workers/WorkerPool';
import { insertEncoderRuntime, LARGE_BINARY_BYTES } from './InsertEncoder';

/**
 * The INSERT encoder as a worker thread (issue 16): the main thread copies row packets into batches and
 * transfers them here; blocks of SQL text are transferred back for gzip (libuv's pool) and writing.
 *
 * Protocol (every message carries the channel id `ch`, one channel per table):
 *   → open {head, kinds, statementLimit, blockLimit}   start a table
 *   → rows {buf, len}     `len` bytes of framed row packets: [u32 LE length][packet bytes]…
 *   → spare {buf}         an output buffer whose block is written: reuse it (memory stays flat)
 *   → finish              end the table: the last block, then `done`
 *   → close               forget the table (cancelled or failed)
 *   ← block {buf, off, len, rows}   a finished block (whole statements)
 *   ← consumed {buf}      a rows batch is encoded: the main thread refills it
 *   ← done {rows, rawBytes}
 *   ← error {message}     the table's rows could not be encoded
 */

/** The worker's script body. Self-contained (see insertEncoderRuntime): it becomes source text. */
function encoderWorkerMain(port: MessagePort, runtime: ReturnType<typeof insertEncoderRuntime>): void {
  const tables = new Map<number, InstanceType<typeof runtime.InsertEncoder>>();

  const encodeBatch = (encoder: InstanceType<typeof runtime.InsertEncoder>, buf: Buffer, len: number) => {
    let p = 0;
    while (p < len) {
      const size = buf.readUInt32LE(p);
      p += 4;
      encoder.encodePacket(buf, p, p + size);
      p += size;
    }
  };

  port.on('message', (m: { ch: number; t: string; [key: string]: unknown }) => {
    const ch = m.ch;
    try {
      if (m.t === 'open') {
        const encoder = new runtime.InsertEncoder({
          head: Buffer.from(m.head as Uint8Array),
          kinds: m.kinds as number[] as never,
          statementLimit: m.statementLimit as number,
          blockLimit: m.blockLimit as number,
          onBlock: (block, rows) => {
            const ab = block.buffer as ArrayBuffer;
            port.postMessage({ ch, t: 'block', buf: ab, off: block.byteOffset, len: block.length, rows }, [ab]);
          },
        });
        tables.set(ch, encoder);
        return;
      }
      const encoder = tables.get(ch);
      if (m.t === 'close' || !encoder) {
        tables.delete(ch);
        return;
      }
      if (m.t === 'rows') {
        const ab = m.buf as ArrayBuffer;
        encodeBatch(encoder, Buffer.from(ab), m.len as number);
        port.postMessage({ ch, t: 'consumed', buf: ab }, [ab]);
      } else if (m.t === 'spare') {
        encoder.adopt(Buffer.from(m.buf as ArrayBuffer));
      } else if (m.t === 'finish') {
        encoder.finish();
        tables.delete(ch);
        port.postMessage({ ch, t: 'done', rows: encoder.rows, rawBytes: encoder.rawBytes });
      }
    } catch (err) {
      tables.delete(ch);
      port.postMessage({ ch, t: 'error', message: (err as Error).message });
    }
  });
}

/**
 * The worker's source: the runtime and the message loop from their own text. `require` appears only in this
 * string (a bundler would rewrite it in code). `__name` is the helper that esbuild's keepNames (tsx) calls
 * inside functions; the worker defines it since it sees no module scope.
 */
export function encoderWorkerSource(): string {
  return [
    'var __name = (target) => target;',
    `const insertEncoderRuntime = ${insertEncoderRuntime.toString()};`,
    `(${encoderWorkerMain.toString()})(require('node:worker_threads').parentPort, insertEncoderRuntime(${LARGE_BINARY_BYTES}));`,
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
