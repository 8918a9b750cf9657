import fs from 'node:fs';
import { AppError } from '../../../core/AppError';
import { emptyInventory, type SourceInventory } from './inventory';
import { openDumpFile, readError } from './statementStream';

const TAIL = 64 * 1024;
const COMPLETED = /-- Dump completed/;

/**
 * What must be known about a foreign dump before anything is written, without reading every statement:
 * a gzip must inflate to its end with a valid CRC (that needs the whole stream, but no SQL parsing), and
 * the text must end with mysqldump's `-- Dump completed` trailer. Statement-level rules (one database,
 * DEFINERs the account may keep, a statement cut short) are enforced while loading, before the swap.
 * A full statement scan costs as much CPU as the load's own split: `restore.preflight` does it (and
 * hands its result to the restore that follows); a restore started directly does this instead.
 */
export async function quickInventory(
  file: string,
  setSize: (size: number) => void,
  signal?: AbortSignal,
  onProgress?: (position: number, size: number) => void,
): Promise<SourceInventory> {
  const opened = await openDumpFile(file);
  setSize(opened.size);
  const problems: SourceInventory['problems'] = [];
  let tail: Buffer = Buffer.alloc(0);
  let rawBytes = 0;
  if (!opened.compressed) {
    opened.stream.destroy();
    rawBytes = opened.size;
    const handle = await fs.promises.open(file, 'r');
    try {
      const length = Math.min(TAIL, opened.size);
      tail = Buffer.alloc(length);
      await handle.read(tail, 0, length, opened.size - length);
    } finally {
      await handle.close();
    }
  } else {
    try {
      for await (const chunk of opened.stream) {
        if (signal?.aborted) throw new AppError('CANCELLED', 'Cancelled by request.');
        const c = chunk as Buffer;
        rawBytes += c.length;
        tail = c.length >= TAIL ? c.subarray(c.length - TAIL) : Buffer.concat([tail, c]).subarray(-TAIL);
        onProgress?.(opened.position(), opened.size);
      }
    } catch (err) {
      const e = readError(err);
      if (e instanceof AppError && (e.code === 'BACKUP_INCOMPLETE' || e.code === 'BACKUP_CORRUPT'))
        problems.push({ code: e.code, message: e.message });
      else throw e;
    }
  }
  const completed = COMPLETED.test(tail.toString('latin1'));
  return emptyInventory({
    path: file,
    size: opened.size,
    format: 'foreign',
    compressed: opened.compressed,
    complete: problems.length === 0 && completed,
    problems,
    rawBytes,
    scanned: false,
  });
}
