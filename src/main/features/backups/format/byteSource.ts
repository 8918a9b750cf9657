import fs from 'node:fs';
import type { Readable } from 'node:stream';
import { AppError } from '../../../core/AppError';
import { AGE_MAGIC, isAgeHead, unwrapFileKey } from '../age/ageHeader';
import { openAgeSource } from '../age/ageSource';
import { registeredKeys } from '../age/keyRegistry';

/**
 * Random access to a backup file wherever it lives: the local disk, or the SSH host over SFTP (the catalog
 * reads a remote backup's manifest from its last kilobytes without downloading the file).
 */
export interface ByteSource {
  readonly name: string;
  readonly size: number;
  read(position: number, length: number): Promise<Buffer>;
  /** A stream of bytes [start, end) (end exclusive, default: to the end). */
  stream(start?: number, end?: number): Readable;
  close(): Promise<void>;
}

/** Open `file` for reading: NOT_FOUND when it is missing (named as `what`), else PRECONDITION_FAILED. */
export async function openReadHandle(file: string, what: string): Promise<fs.promises.FileHandle> {
  try {
    return await fs.promises.open(file, 'r');
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'ENOENT') throw new AppError('NOT_FOUND', `No such ${what}: ${file}`);
    throw new AppError('PRECONDITION_FAILED', `Cannot open ${file}: ${e.message}`);
  }
}

export async function openLocalSource(file: string): Promise<ByteSource> {
  const handle = await openReadHandle(file, 'backup file');
  const { size } = await handle.stat();
  const plain = plainSource(file, handle, size);
  // An age-encrypted backup reads as its plaintext with the keys given for it (age/keyRegistry.ts).
  if (size >= AGE_MAGIC.length + 1 && isAgeHead(await plain.read(0, AGE_MAGIC.length + 1))) {
    const reg = registeredKeys(file);
    if (!reg) {
      await handle.close();
      throw new AppError('BACKUP_KEY_REQUIRED', `${file} is encrypted (age): give its identity file or passphrase.`);
    }
    const entry = reg;
    try {
      return await openAgeSource(plain, entry.keys, (head) => {
        entry.fileKey ??= unwrapFileKey(head, entry.keys).catch((err: unknown) => {
          entry.fileKey = null;
          throw err;
        });
        return entry.fileKey;
      });
    } catch (err) {
      await handle.close().catch(() => undefined);
      throw err;
    }
  }
  return plain;
}

function plainSource(file: string, handle: fs.promises.FileHandle, size: number): ByteSource {
  return {
    name: file,
    size,
    read: (position, length) =>
      readFully(position, length, length, async (buf, offset, n, at) => (await handle.read(buf, offset, n, at)).bytesRead),
    stream(start = 0, end = size) {
      return fs.createReadStream(file, { start, end: Math.max(start, end) - 1, highWaterMark: 1 << 20 });
    },
    close: () => handle.close(),
  };
}

/**
 * `length` bytes from `position`, or fewer at the end of the file: reads of at most `maxRead` bytes each,
 * repeated until satisfied or one returns nothing (a file handle and an SFTP server may both return less).
 */
export async function readFully(
  position: number,
  length: number,
  maxRead: number,
  readAt: (buf: Buffer, offset: number, length: number, position: number) => Promise<number>,
): Promise<Buffer> {
  const buf = Buffer.allocUnsafe(length);
  let done = 0;
  while (done < length) {
    const n = await readAt(buf, done, Math.min(length - done, maxRead), position + done);
    if (n === 0) break;
    done += n;
  }
  return done === length ? buf : buf.subarray(0, done);
}

/** Run `fn` with a source and always close it. */
export async function withSource<T>(open: Promise<ByteSource>, fn: (src: ByteSource) => Promise<T>): Promise<T> {
  const src = await open;
  try {
    return await fn(src);
  } finally {
    await src.close().catch(() => undefined);
  }
}
