import fs from 'node:fs';
import path from 'node:path';
import { formatBytes } from '../../../shared/format';
import { AppError } from '../../core/AppError';

/**
 * A full local disk while writing a backup (or the pre-restore backup, or a download) used to end as
 * `INTERNAL: Unexpected error: ENOSPC…`. It is a condition a person fixes by freeing space, so it gets its
 * own code and a message that says which folder, what had been written and, when known, how much is needed.
 */

/** ENOSPC (or EDQUOT, a full quota) anywhere in the error, its causes, or a message that wrapped it. */
export function isNoSpace(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && depth < 5; depth++) {
    const x = e as { code?: unknown; message?: unknown; cause?: unknown };
    if (x.code === 'ENOSPC' || x.code === 'EDQUOT') return true;
    if (typeof x.message === 'string' && /\b(ENOSPC|EDQUOT)\b|no space left on device/i.test(x.message)) return true;
    e = x.cause;
  }
  return false;
}

async function freeBytes(dir: string): Promise<number | null> {
  try {
    const st = await fs.promises.statfs(dir);
    return st.bavail * st.bsize;
  } catch {
    return null;
  }
}

export interface DiskFullFacts {
  /** The folder being written. */
  dir: string;
  /** "The backup of sysndd_db", "The download of x.sql.gz". */
  what: string;
  /** Bytes already written when the disk filled up (they were removed again). */
  written: number;
  /** How much the whole file needs, or needs beyond what was written, when that is known. */
  needed: { bytes: number; basis: string } | null;
  /** What happened to the bytes already written. */
  leftover: string;
}

export async function diskFullError(f: DiskFullFacts): Promise<AppError> {
  const free = await freeBytes(f.dir);
  const need = f.needed ? ` About ${formatBytes(f.needed.bytes)} ${f.needed.basis}.` : ' How much it needs is not known.';
  return new AppError(
    'DISK_FULL',
    `${f.what} stopped: the disk holding ${f.dir} is full (no space left after ${formatBytes(f.written)}; ${free === null ? 'free space unknown' : `${formatBytes(free)} free now`}). ${f.leftover}${need}`,
    { dir: f.dir, writtenBytes: f.written, freeBytes: free, neededBytes: f.needed?.bytes ?? null },
  );
}

/** The newest finished backup of `database` in `dir` (by name prefix): the best guess of the next one's size. */
export async function previousBackupSize(dir: string, prefix: string): Promise<number | null> {
  const names = await fs.promises.readdir(dir).catch(() => [] as string[]);
  let best: { mtime: number; size: number } | null = null;
  for (const n of names) {
    if (!n.startsWith(`${prefix}_`) || !n.endsWith('.sql.gz')) continue;
    const st = await fs.promises.stat(path.join(dir, n)).catch(() => null);
    if (st?.isFile() && (!best || st.mtimeMs > best.mtime)) best = { mtime: st.mtimeMs, size: st.size };
  }
  return best?.size ?? null;
}
