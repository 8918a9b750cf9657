import fs from 'node:fs';
import { type Readable, Transform } from 'node:stream';
import { AppError } from '../../../core/AppError';
import { createGunzipStream } from '../../../core/inflate';
import type { StatementLimit } from '../../../core/statementLimit';
import { DumpSplitter, type SplitStatement } from '../../../platform/sql/dumpSplitter';
import { openReadHandle } from '../../backups/format/byteSource';

/** What a restore source yields: statements in file order, in batches (one per input chunk). */
export interface StatementBatch {
  statements: SplitStatement[];
  /** Bytes of the file consumed so far (compressed bytes for a .gz): drives progress and ETA. */
  position: number;
}

/** End-of-stream facts a caller needs to decide whether the input was complete. */
export interface StreamEnd {
  /** Bytes after the last delimiter that are not just comments: the file was cut mid-statement. */
  tail: SplitStatement | null;
  sawDumpCompleted: boolean;
  /** Bytes of SQL text read (inflated). */
  bytes?: number;
}

const SQL_MODE = /SQL_MODE/i;

/** Follow NO_BACKSLASH_ESCAPES when a SET switches it: the only server state that changes how a client splits. */
function followSqlMode(splitter: DumpSplitter, s: SplitStatement): void {
  // Only a SET (maybe inside `/*!…*/`) can switch the mode: other statements are not decoded here, an
  // allocation per statement that a dump of millions of one-row INSERTs would pay millions of times.
  const first = s.sql[0];
  if (s.sql.length >= 4096 || !(first === 0x53 || first === 0x73 || first === 0x2f)) return;
  const text = s.sql.toString('latin1');
  if (SQL_MODE.test(text) && /^\s*(?:\/\*!\d*\s*)?SET\b/i.test(text)) {
    const mode = /SQL_MODE\s*=\s*'([^']*)'/i.exec(text);
    if (mode) splitter.setBackslashEscapes(!/NO_BACKSLASH_ESCAPES/i.test(mode[1] as string));
  }
}

/**
 * The loop every reader below shares: each chunk of `input` through one splitter that follows the file's
 * sql_mode, `onStatement` as each statement is split. Yields after each chunk, returns the end facts, and
 * destroys `input` when it ends, fails or is closed early.
 */
async function* splitChunks(
  input: Readable,
  onStatement: (s: SplitStatement) => void,
  options: { signal?: AbortSignal; limit?: StatementLimit },
): AsyncGenerator<void, StreamEnd, void> {
  const splitter = new DumpSplitter({ limit: options.limit });
  let bytes = 0;
  const emit = (s: SplitStatement) => {
    onStatement(s);
    followSqlMode(splitter, s);
  };
  try {
    for await (const chunk of input) {
      if (options.signal?.aborted) throw new AppError('CANCELLED', 'Cancelled by request.');
      bytes += (chunk as Buffer).length;
      splitter.push(chunk as Buffer, emit);
      yield;
    }
  } catch (err) {
    throw readError(err);
  } finally {
    input.destroy();
  }
  const tail = splitter.end(emit);
  return { tail, sawDumpCompleted: splitter.sawDumpCompleted, bytes };
}

/**
 * Split a readable of SQL bytes into statement batches (one per input chunk). Returns the end facts when
 * done. A statement longer than `limit` fails the iteration with STATEMENT_TOO_LARGE as soon as it passes it.
 */
export async function* splitReadable(
  input: Readable,
  position: () => number,
  signal?: AbortSignal,
  limit?: StatementLimit,
): AsyncGenerator<StatementBatch, StreamEnd, void> {
  let batch: SplitStatement[] = [];
  const chunks = splitChunks(input, (s) => batch.push(s), { signal, limit });
  try {
    for (;;) {
      const r = await chunks.next();
      if (batch.length) {
        yield { statements: batch, position: position() };
        batch = [];
      }
      if (r.done) return r.value;
    }
  } finally {
    input.destroy();
  }
}

/**
 * Like splitReadable, for a reader that only looks at each statement (the preflight scan): `onStatement`
 * runs as each one is split, so statements die young instead of waiting in a batch across an await. With
 * millions of one-row INSERTs the batches were promoted to V8's old generation and the preflight's peak RSS
 * grew with the number of statements; this way it does not.
 */
export async function scanReadable(
  input: Readable,
  onStatement: (s: SplitStatement) => void,
  options: { signal?: AbortSignal; limit?: StatementLimit; onChunk?: () => void } = {},
): Promise<StreamEnd> {
  const chunks = splitChunks(input, onStatement, options);
  try {
    for (;;) {
      const r = await chunks.next();
      if (r.done) return r.value;
      options.onChunk?.();
    }
  } finally {
    input.destroy();
  }
}

/**
 * Like scanReadable, for a reader that wants a few statements of a large file (the DDL rehearsal): the ones
 * `keep` accepts are yielded after each input chunk, the others die as they are split, so a dump of
 * millions of one-row INSERTs costs one chunk of memory, not batches of row statements kept across awaits.
 */
export async function* filterReadable(
  input: Readable,
  keep: (s: SplitStatement) => boolean,
  options: { signal?: AbortSignal; limit?: StatementLimit } = {},
): AsyncGenerator<SplitStatement, StreamEnd, void> {
  let kept: SplitStatement[] = [];
  const chunks = splitChunks(
    input,
    (s) => {
      if (keep(s)) kept.push(s);
    },
    options,
  );
  try {
    for (;;) {
      const r = await chunks.next();
      const out = kept;
      kept = [];
      yield* out;
      if (r.done) return r.value;
    }
  } finally {
    input.destroy();
  }
}

/** INSERT or REPLACE at the start (after whitespace), read from the bytes without decoding the statement. */
export function isRowStatement(sql: Buffer): boolean {
  let i = 0;
  while (i < sql.length) {
    const c = sql[i] as number;
    if (c !== 0x20 && (c < 0x09 || c > 0x0d)) break;
    i++;
  }
  const word = (w: string) => {
    if (sql.length < i + w.length) return false;
    for (let k = 0; k < w.length; k++) if (((sql[i + k] as number) & 0xdf) !== w.charCodeAt(k)) return false;
    const next = sql[i + w.length];
    return (
      next === undefined || !((next >= 0x30 && next <= 0x39) || ((next & 0xdf) >= 0x41 && (next & 0xdf) <= 0x5a) || next === 0x5f)
    );
  };
  return word('INSERT') || word('REPLACE');
}

/** Turn stream failures (zlib, fs) into stable codes with words a person understands. */
export function readError(err: unknown): unknown {
  if (err instanceof AppError) return err;
  const e = err as NodeJS.ErrnoException;
  if (typeof e?.code === 'string' && e.code.startsWith('Z_')) {
    return e.code === 'Z_BUF_ERROR'
      ? new AppError('BACKUP_INCOMPLETE', `The gzip data ends early: the file was cut short (${e.message}).`)
      : new AppError('BACKUP_CORRUPT', `The gzip data is damaged (${e.code}: ${e.message}).`);
  }
  if (e?.code === 'ENOENT') return new AppError('NOT_FOUND', `No such file: ${e.message}`);
  return err;
}

export interface OpenedDumpFile {
  stream: Readable;
  compressed: boolean;
  size: number;
  /** Compressed (file) bytes read so far. */
  position: () => number;
}

/** Open a .sql or .sql.gz (gzip detected by its magic bytes, not the name), counting file bytes read. */
export async function openDumpFile(file: string): Promise<OpenedDumpFile> {
  const handle = await openReadHandle(file, 'file');
  const magic = Buffer.alloc(2);
  let size: number;
  try {
    size = (await handle.stat()).size;
    await handle.read(magic, 0, 2, 0);
  } finally {
    await handle.close();
  }
  const compressed = magic[0] === 0x1f && magic[1] === 0x8b;
  let read = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      read += chunk.length;
      cb(null, chunk);
    },
  });
  // Plain text in 4 MB reads: a dump's ~1 MB INSERTs mostly fall inside one read and go on as slices of it
  // (only the one across each boundary is copied); with 1 MB reads nearly every statement was assembled
  // anew (issue 16). A .gz is inflated in its own chunks whatever the read size.
  const raw = fs.createReadStream(file, { highWaterMark: compressed ? 1 << 20 : 4 << 20 });
  raw.on('error', (err) => counter.destroy(err));
  raw.pipe(counter);
  if (!compressed) return { stream: counter, compressed, size, position: () => read };
  const gunzip = createGunzipStream();
  counter.on('error', (err) => gunzip.destroy(err));
  counter.pipe(gunzip);
  return { stream: gunzip, compressed, size, position: () => read };
}
