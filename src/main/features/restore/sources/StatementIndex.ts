import fs from 'node:fs';
import type { Readable } from 'node:stream';
import { AppError } from '../../../core/AppError';
import type { SplitStatement } from '../../../platform/sql/dumpSplitter';
import type { StatementBatch, StreamEnd } from './statementStream';

/**
 * Above this many statements the index would cost more memory than a second split saves time: 16 bytes a
 * statement (typed columns), 16 MB at most. As JS arrays of 4,000,000 entries it took ~290 MB of the
 * preflight's peak RSS (559 MB for a dump of one-row INSERTs); a dump with more statements than this (made
 * with --skip-extended-insert) is simply split again while loading.
 */
export const MAX_INDEXED_STATEMENTS = 1_000_000;

/** A growable column of numbers in one typed array (doubling), so the index is flat memory, not objects. */
class Column<T extends Float64Array | Uint32Array> {
  constructor(
    private data: T,
    private readonly make: (n: number) => T,
  ) {}

  get(i: number): number {
    return this.data[i] as number;
  }

  set(i: number, value: number): void {
    if (i >= this.data.length) {
      const bigger = this.make(Math.min(MAX_INDEXED_STATEMENTS, this.data.length * 2));
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[i] = value;
  }
}

const float64 = (n: number) => new Float64Array(n);
const uint32 = (n: number) => new Uint32Array(n);

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
  /** Offsets may pass 4 GiB (a big dump's inflated stream); a statement's length and parentheses cannot
   * (statements are bounded by the statement limit, core/statementLimit.ts). */
  private offsets = new Column(float64(4096), float64);
  private lengths = new Column(uint32(4096), uint32);
  private parens = new Column(uint32(4096), uint32);
  private size = 0;
  private overflow = false;
  streamBytes = 0;

  constructor(readonly identity: FileIdentity) {}

  get usable(): boolean {
    return !this.overflow;
  }

  get count(): number {
    return this.size;
  }

  add(s: SplitStatement): void {
    if (this.overflow) return;
    if (this.size >= MAX_INDEXED_STATEMENTS) {
      this.overflow = true;
      this.offsets = new Column(float64(0), float64);
      this.lengths = new Column(uint32(0), uint32);
      this.parens = new Column(uint32(0), uint32);
      this.size = 0;
      return;
    }
    this.offsets.set(this.size, s.offset);
    this.lengths.set(this.size, s.sql.length);
    this.parens.set(this.size, s.topLevelParens);
    this.size++;
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
    const count = this.size;
    try {
      for await (const raw of input) {
        if (signal?.aborted) throw new AppError('CANCELLED', 'Cancelled by request.');
        const chunk = raw as Buffer;
        const end = pos + chunk.length;
        const batch: SplitStatement[] = [];
        while (k < count) {
          const off = this.offsets.get(k);
          if (off >= end) break;
          const stmtEnd = off + this.lengths.get(k);
          pending.push(chunk.subarray(Math.max(off, pos) - pos, Math.min(stmtEnd, end) - pos));
          if (stmtEnd > end) break;
          batch.push({
            sql: pending.length === 1 ? (pending[0] as Buffer) : Buffer.concat(pending),
            offset: off,
            topLevelParens: this.parens.get(k),
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
