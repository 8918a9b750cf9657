import fs from 'node:fs';
import type { Readable } from 'node:stream';
import { AppError } from '../../core/AppError';
import type { SplitStatement } from '../sql/DumpSplitter';
import type { StatementBatch, StreamEnd } from './statementStream';

/** Above this many statements the index would cost more memory than a second split saves time. */
const MAX_STATEMENTS = 4_000_000;

export interface FileIdentity {
  size: number;
  mtimeMs: number;
  ctimeMs: number;
  ino: number;
}

export async function fileIdentity(file: string): Promise<FileIdentity> {
  const s = await fs.promises.stat(file);
  return { size: s.size, mtimeMs: s.mtimeMs, ctimeMs: s.ctimeMs, ino: s.ino };
}

function sameFile(a: FileIdentity, b: FileIdentity): boolean {
  return a.size === b.size && a.mtimeMs === b.mtimeMs && a.ctimeMs === b.ctimeMs && a.ino === b.ino;
}

/**
 * Where each statement of a foreign dump starts and ends in its (inflated) byte stream, recorded by the
 * preflight's full read. The load then cuts statements at those offsets instead of splitting the file a
 * second time, which halves the CPU spent in this process on a big dump. The file must be the same one:
 * its identity (size, mtime, ctime, inode) is compared before and after the load, and a shorter stream
 * fails; gzip's own CRC is checked again by zlib while inflating.
 */
export class StatementIndex {
  private offsets: number[] = [];
  private lengths: number[] = [];
  private parens: number[] = [];
  private overflow = false;
  streamBytes = 0;

  constructor(readonly identity: FileIdentity) {}

  get usable(): boolean {
    return !this.overflow;
  }

  get count(): number {
    return this.offsets.length;
  }

  add(s: SplitStatement): void {
    if (this.overflow) return;
    if (this.offsets.length >= MAX_STATEMENTS) {
      this.overflow = true;
      this.offsets = [];
      this.lengths = [];
      this.parens = [];
      return;
    }
    this.offsets.push(s.offset);
    this.lengths.push(s.sql.length);
    this.parens.push(s.topLevelParens);
  }

  async assertSameFile(file: string): Promise<void> {
    if (!sameFile(this.identity, await fileIdentity(file))) {
      throw new AppError('RESTORE_FAILED', `${file} changed after it was checked; nothing was swapped. Run the restore again.`);
    }
  }

  /** Statements of `input` (the same inflated stream the index was built from), in batches per chunk. */
  async *slice(input: Readable, position: () => number, signal?: AbortSignal): AsyncGenerator<StatementBatch, StreamEnd, void> {
    let k = 0;
    let pos = 0;
    let pending: Buffer[] = [];
    const count = this.offsets.length;
    try {
      for await (const raw of input) {
        if (signal?.aborted) throw new AppError('CANCELLED', 'Cancelled by request.');
        const chunk = raw as Buffer;
        const end = pos + chunk.length;
        const batch: SplitStatement[] = [];
        while (k < count) {
          const off = this.offsets[k] as number;
          if (off >= end) break;
          const stmtEnd = off + (this.lengths[k] as number);
          pending.push(chunk.subarray(Math.max(off, pos) - pos, Math.min(stmtEnd, end) - pos));
          if (stmtEnd > end) break;
          batch.push({
            sql: pending.length === 1 ? (pending[0] as Buffer) : Buffer.concat(pending),
            offset: off,
            topLevelParens: this.parens[k] as number,
            delimiter: ';',
          });
          pending = [];
          k++;
        }
        pos = end;
        if (batch.length) yield { statements: batch, position: position() };
      }
    } finally {
      input.destroy();
    }
    if (k < count || pos !== this.streamBytes) {
      throw new AppError(
        'BACKUP_INCOMPLETE',
        `The file is no longer what was checked (${pos} bytes instead of ${this.streamBytes}); nothing was swapped.`,
      );
    }
    return { tail: null, sawDumpCompleted: true };
  }
}
