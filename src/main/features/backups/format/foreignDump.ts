import type { Readable } from 'node:stream';
import { createGunzipStream } from '../../../core/inflate';
import { type ByteSource, openLocalSource, withSource } from './byteSource';

/**
 * Plain mysqldump / mariadb-dump files (`.sql` or `.sql.gz`, e.g. SysNDD's nightly cron dumps) carry no
 * manifest. For the catalog we stream them once: count the `CREATE TABLE` statements at line starts (the
 * real table count SysNDD leaves empty), read the header's server version and database, and look for the
 * trailing `-- Dump completed` comment, without which the dump was cut short.
 */
export interface ForeignDumpSummary {
  tableCount: number;
  database: string | null;
  serverVersion: string | null;
  /** The dump tool's completion comment is present. */
  completed: boolean;
  /** A .gz that ends mid-stream (or is not gzip at all). */
  truncated: boolean;
  rawBytes: number;
}

const CREATE_TABLE = Buffer.from('\nCREATE TABLE ');
const COMPLETED = /-- Dump completed/;

export async function scanForeignDump(input: Readable, compressed: boolean, signal?: AbortSignal): Promise<ForeignDumpSummary> {
  const summary: ForeignDumpSummary = {
    tableCount: 0,
    database: null,
    serverVersion: null,
    completed: false,
    truncated: false,
    rawBytes: 0,
  };
  const text = compressed ? input.pipe(createGunzipStream()) : input;
  input.on('error', (err) => text.destroy(err));
  // The previous chunk's last bytes, so a marker split across chunks is still found; starts with a
  // newline so a CREATE TABLE on the very first line counts.
  let carry = Buffer.from('\n');
  let head = '';
  let tail = '';
  try {
    for await (const chunk of text as AsyncIterable<Buffer>) {
      if (signal?.aborted) throw new Error('cancelled');
      summary.rawBytes += chunk.length;
      if (head.length < 4096) head += chunk.toString('utf8', 0, Math.min(chunk.length, 4096));
      const buf = Buffer.concat([carry, chunk]);
      for (let at = buf.indexOf(CREATE_TABLE); at >= 0; at = buf.indexOf(CREATE_TABLE, at + 1)) {
        // Matches fully inside the carried bytes were counted with the previous chunk.
        if (at + CREATE_TABLE.length > carry.length) summary.tableCount++;
      }
      tail = (tail + chunk.toString('latin1', Math.max(0, chunk.length - 512))).slice(-512);
      carry = buf.subarray(Math.max(0, buf.length - 256));
    }
  } catch (err) {
    if (signal?.aborted) throw err;
    summary.truncated = true;
  }
  summary.completed = COMPLETED.test(tail);
  summary.serverVersion = /^-- Server version\s+(.+)$/m.exec(head)?.[1]?.trim() ?? null;
  summary.database = /Database: ([^\s]+)/.exec(head)?.[1]?.trim() ?? null;
  return summary;
}

export function isGzipHead(head: Buffer): boolean {
  return head[0] === 0x1f && head[1] === 0x8b;
}

export async function scanForeignFrom(src: ByteSource, signal?: AbortSignal): Promise<ForeignDumpSummary> {
  const head = await src.read(0, Math.min(2, src.size));
  return scanForeignDump(src.stream(0, src.size), isGzipHead(head), signal);
}

export function scanForeignFile(file: string, signal?: AbortSignal): Promise<ForeignDumpSummary> {
  return withSource(openLocalSource(file), (src) => scanForeignFrom(src, signal));
}
