import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import type { BackupManifest, BackupMember, BackupMemberKind } from '../../../../shared/contract/backups';
import { AppError } from '../../../core/AppError';
import { type AgeRecipients, makeHeader } from '../age/ageHeader';
import { AgeEncryptor } from '../age/agePayload';
import { encodeEndLine, encodeManifestText } from './manifestCodec';
import type { Sealer } from './seal';

const gzip = promisify(zlib.gzip);

export const PARTIAL_SUFFIX = '.partial';
/** Largest zlib output chunk; members compress to well under their 4 MiB of SQL. */
const OUTPUT_CHUNK_MAX = 2 << 20;

export interface MemberMeta {
  kind: BackupMemberKind;
  table?: string;
  chunk?: number;
  rows?: number;
}

/**
 * Writes one backup file as a sequence of independent gzip members (docs/backup-format.md).
 *
 * Members are compressed concurrently on libuv's threadpool (zlib's async API), so the main thread only
 * builds SQL text, but they are appended to the file strictly in the order `appendMember` was called: the
 * slot is reserved at call time. Everything goes to `NAME.partial`; `finish` appends the manifest and the end
 * marker, fsyncs and renames to `NAME` without ever replacing an existing file. `abort` removes the partial
 * file, so a cancelled or failed backup leaves nothing that looks complete.
 */
export class BackupFileWriter {
  readonly partialPath: string;
  private offset = 0;
  private tail: Promise<void> = Promise.resolve();
  private failure: Error | null = null;
  private readonly members: BackupMember[] = [];
  private closed = false;
  /** Where the next bytes go in the file: the plaintext offset, or past the age header when encrypting. */
  private fileOffset = 0;

  private constructor(
    readonly finalPath: string,
    private readonly handle: fs.promises.FileHandle,
    private readonly encryptor: AgeEncryptor | null,
  ) {
    this.partialPath = finalPath + PARTIAL_SUFFIX;
  }

  /**
   * Opens `finalPath.partial` exclusively; refuses when `finalPath` or the partial file already exists.
   * With `encrypt`, the file is an age v1 file (docs/backup-format.md, "Encrypted"): its plaintext is the
   * backup exactly as without, offsets in the manifest count plaintext bytes, nothing plain touches the disk.
   */
  static async open(finalPath: string, options: { encrypt?: AgeRecipients | null } = {}): Promise<BackupFileWriter> {
    if (fs.existsSync(finalPath)) throw new AppError('CONFLICT', `${finalPath} already exists; backups never overwrite a file.`);
    const encryptor = options.encrypt
      ? await makeHeader(options.encrypt).then((h) => new AgeEncryptor(h.fileKey, h.header))
      : null;
    try {
      const handle = await fs.promises.open(finalPath + PARTIAL_SUFFIX, 'wx', 0o600);
      const writer = new BackupFileWriter(finalPath, handle, encryptor);
      if (encryptor) await writer.put(encryptor.prologue);
      return writer;
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      if (e.code === 'EEXIST')
        throw new AppError('CONFLICT', `${finalPath}${PARTIAL_SUFFIX} exists: another backup is writing it.`);
      throw new AppError('PRECONDITION_FAILED', `Cannot create ${finalPath}${PARTIAL_SUFFIX}: ${e.message}`);
    }
  }

  /** Compressed bytes written so far (members already appended). */
  get bytesWritten(): number {
    return this.offset;
  }

  get memberList(): readonly BackupMember[] {
    return this.members;
  }

  /** Compress `raw` (whole SQL statements) into one member; resolves once it is in the file. */
  appendMember(meta: MemberMeta, raw: Buffer, level: number): Promise<BackupMember> {
    // One output chunk per member (instead of zlib's 16 KiB default): each chunk is a round trip between the
    // threadpool and the main thread, which the profile showed as ~10% of the main thread's time.
    const compressed = gzip(raw, {
      level,
      chunkSize: Math.min(OUTPUT_CHUNK_MAX, Math.max(zlib.constants.Z_MIN_CHUNK, raw.length)),
    });
    // Handled when its turn comes; this only keeps an early failure from counting as unhandled meanwhile.
    compressed.catch(() => undefined);
    return this.enqueue(meta, compressed, raw.length);
  }

  private enqueue(meta: MemberMeta, compressed: Promise<Buffer>, rawBytes: number): Promise<BackupMember> {
    // Reserve the position now; write when this member's turn comes and its compression is done.
    const written = this.tail.then(async () => {
      if (this.failure) throw this.failure;
      const bytes = await compressed;
      const member: BackupMember = {
        kind: meta.kind,
        ...(meta.table !== undefined ? { table: meta.table } : {}),
        ...(meta.chunk !== undefined ? { chunk: meta.chunk } : {}),
        offset: this.offset,
        length: bytes.length,
        sha256: createHash('sha256').update(bytes).digest('hex'),
        rawBytes,
        ...(meta.rows !== undefined ? { rows: meta.rows } : {}),
      };
      await this.put(this.encryptor ? this.encryptor.update(bytes) : bytes);
      this.offset += bytes.length;
      this.members.push(member);
      return member;
    });
    this.tail = written.then(
      () => undefined,
      (err: Error) => {
        this.failure ??= err;
      },
    );
    return written;
  }

  /**
   * Append the manifest (its `members` are filled in here) and the end marker, fsync, rename into place.
   * Returns the final manifest exactly as stored.
   */
  async finish(manifest: Omit<BackupManifest, 'members'>, sealer?: Sealer | null): Promise<BackupManifest> {
    await this.tail;
    if (this.failure) throw this.failure;
    const full: BackupManifest = { ...manifest, members: [...this.members] };
    const tail = await manifestTail(full, this.offset, sealer);
    if (this.encryptor) await this.put(Buffer.concat([this.encryptor.update(tail), this.encryptor.final()]));
    else await this.put(tail);
    this.offset += tail.length;
    await this.handle.sync();
    await this.handle.close();
    this.closed = true;
    await renameNoReplace(this.partialPath, this.finalPath);
    return full;
  }

  /** Append file bytes (already encrypted when encrypting) at the end of what was written. */
  private async put(bytes: Buffer): Promise<void> {
    if (!bytes.length) return;
    await writeAll(this.handle, bytes, this.fileOffset);
    this.fileOffset += bytes.length;
  }

  /** Close and delete the partial file (idempotent). */
  async abort(): Promise<void> {
    if (!this.closed) {
      this.closed = true;
      await this.tail.catch(() => undefined);
      await this.handle.close().catch(() => undefined);
    }
    await fs.promises.rm(this.partialPath, { force: true });
  }
}

/**
 * The bytes that seal a backup: the manifest member (gzip) followed by the end member whose line names the
 * manifest's offset, length and hashes. `manifestOffset` is where the manifest member will start. With a
 * `sealer` the manifest member ends with its signature line (seal.ts); without one the file is unsealed.
 */
export async function manifestTail(manifest: BackupManifest, manifestOffset: number, sealer?: Sealer | null): Promise<Buffer> {
  const { text, jsonSha256 } = encodeManifestText(manifest, sealer);
  const manifestGz = await gzip(Buffer.from(text, 'utf8'), { level: 6 });
  const endLine = encodeEndLine(
    jsonSha256,
    manifestOffset,
    manifestGz.length,
    createHash('sha256').update(manifestGz).digest('hex'),
  );
  return Buffer.concat([manifestGz, endMemberBytes(endLine)]);
}

/** The end member: the end line as one stored (level 0) gzip member, so it reads as plain text at EOF. */
export function endMemberBytes(endLine: string): Buffer {
  const bytes = zlib.gzipSync(Buffer.from(endLine, 'latin1'), { level: 0 });
  // Header OS byte fixed to 3 (Unix) so the member is byte-identical whatever platform wrote it.
  bytes[9] = 3;
  return bytes;
}

async function writeAll(handle: fs.promises.FileHandle, bytes: Buffer, position: number): Promise<void> {
  let done = 0;
  while (done < bytes.length) {
    const { bytesWritten } = await handle.write(bytes, done, bytes.length - done, position + done);
    done += bytesWritten;
  }
}

/**
 * Move `from` to `to` only if `to` does not exist. A hard link is atomic and fails with EEXIST; filesystems
 * without hard links fall back to check-then-rename. The directory is fsynced so the new name survives a crash.
 */
export async function renameNoReplace(from: string, to: string): Promise<void> {
  try {
    await fs.promises.link(from, to);
    await fs.promises.unlink(from);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'EEXIST') throw new AppError('CONFLICT', `${to} already exists; backups never overwrite a file.`);
    if (fs.existsSync(to)) throw new AppError('CONFLICT', `${to} already exists; backups never overwrite a file.`);
    await fs.promises.rename(from, to);
  }
  try {
    const dir = await fs.promises.open(path.dirname(to), 'r');
    await dir.sync().finally(() => dir.close());
  } catch {
    // Some platforms (Windows) cannot open a directory; the rename itself is still done.
  }
}
