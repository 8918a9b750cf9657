import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { SavedBackupCopy } from '../../../../shared/contract/backups';
import { AppError } from '../../../core/AppError';
import { isAgeFile } from '../age/backupKeys';
import { diskFullError, isNoSpace } from '../diskFull';
import { inspectBackupFile, readManifest } from '../format/BackupFileReader';
import { scanForeignFile } from '../format/foreignDump';

/** What a copy reads from: the local file, or the remote one streamed over SFTP. */
export interface CopySource {
  /** The backup's file name (for messages). */
  name: string;
  location: 'local' | 'remote';
  size: number;
  open(): Readable;
}

export interface CopyRun {
  signal: AbortSignal;
  onProgress: (done: number, total: number) => void;
  log: (level: 'info' | 'warn', message: string) => void;
}

/**
 * The name the bytes are written under until the copy verified: beside the target (same disk, so the
 * final rename is atomic), hidden, and never a name a backup listing picks up.
 */
export function partialPathOf(target: string): string {
  return path.join(path.dirname(target), `.${path.basename(target)}.sysndd-copy.partial`);
}

/**
 * Copy `src` to `target` and verify the copy before it takes the name (docs/backups.md, "Save a copy"):
 * bytes go to a hidden partial file, hashed on the way in; the partial is then read back (SHA-256 against
 * the bytes read from the source) and checked by content (our format: every member against the manifest;
 * a gzip dump: inflated to the end). Only then is it renamed to `target`, replacing a file the person chose
 * to replace in the save dialog. On any failure, cancellation included, the partial is removed: a failed
 * copy leaves nothing behind.
 */
export async function copyAndVerify(src: CopySource, target: string, run: CopyRun): Promise<SavedBackupCopy> {
  const partial = partialPathOf(target);
  try {
    const readSha256 = await copyBytes(src, partial, run);
    const size = (await fs.promises.stat(partial)).size;
    if (size !== src.size)
      throw new AppError('BACKUP_INCOMPLETE', `the copy has ${size} of the ${src.size} bytes of ${src.name}`);
    const copySha256 = await fileSha256(partial);
    if (copySha256 !== readSha256)
      throw new AppError('BACKUP_CORRUPT', `the copy on disk does not match the bytes read from ${src.name} (SHA-256)`);
    const content = await checkContent(partial, src.name, run);
    await fs.promises.rename(partial, target);
    run.log('info', `Saved ${src.name} to ${target} (${size} bytes, SHA-256 ${copySha256}, checked: ${content.check}).`);
    return { path: target, size, sha256: copySha256, ...content };
  } catch (err) {
    await fs.promises.rm(partial, { force: true });
    throw failureOf(err, src, target, run.signal);
  }
}

/** Stream the source into `partial` (created new, owner-only) and return the SHA-256 of what was read. */
async function copyBytes(src: CopySource, partial: string, run: CopyRun): Promise<string> {
  const hash = createHash('sha256');
  let done = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      hash.update(chunk);
      done += chunk.length;
      run.onProgress(done, src.size);
      cb(null, chunk);
    },
  });
  try {
    // 'wx': a partial left by a crash is never appended to; it is replaced by this run (removed first).
    await fs.promises.rm(partial, { force: true });
    const out = fs.createWriteStream(partial, { flags: 'wx', mode: 0o600 });
    await pipeline(src.open(), counter, out, { signal: run.signal });
    const h = await fs.promises.open(partial, 'r');
    try {
      await h.sync();
    } finally {
      await h.close();
    }
  } catch (err) {
    if (isNoSpace(err))
      throw await diskFullError({
        dir: path.dirname(partial),
        what: `The copy of ${src.name}`,
        written: done,
        needed: { bytes: src.size, basis: 'are needed for the whole file' },
        leftover: 'The partial copy was removed.',
      });
    throw err;
  }
  return hash.digest('hex');
}

/** Check the copy by what it is: ours (manifest), a gzip dump (inflate), or only by its bytes. */
async function checkContent(file: string, name: string, run: CopyRun): Promise<Pick<SavedBackupCopy, 'check' | 'members'>> {
  // An encrypted copy cannot be read without its key: its bytes matched the source, which is all we can say.
  if (await isAgeFile(file)) return { check: 'sha256', members: 0 };
  let ours = true;
  try {
    await readManifest(file);
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    const looksLikeOurs = (err.details as { looksLikeOurs?: boolean } | undefined)?.looksLikeOurs;
    if (err.code !== 'BACKUP_INCOMPLETE' || looksLikeOurs) throw err;
    ours = false;
  }
  if (ours) {
    const report = await inspectBackupFile(file, { signal: run.signal });
    if (!report.ok) {
      const code = report.problems.some((p) => p.code === 'BACKUP_INCOMPLETE') ? 'BACKUP_INCOMPLETE' : 'BACKUP_CORRUPT';
      throw new AppError(code, report.problems.map((p) => p.message).join('; '), { problems: report.problems });
    }
    return { check: 'manifest', members: report.members };
  }
  if (!name.endsWith('.gz')) return { check: 'sha256', members: 0 };
  const scan = await scanForeignFile(file, run.signal);
  if (scan.truncated) throw new AppError('BACKUP_INCOMPLETE', 'the gzip stream is cut short or damaged');
  if (!scan.completed) run.log('warn', `${name} has no "Dump completed" line: the dump itself may be incomplete.`);
  return { check: 'gzip', members: 0 };
}

/** The job's failure: the check's own code (the copy is gone), a cancellation, or what went wrong reading. */
function failureOf(err: unknown, src: CopySource, target: string, signal: AbortSignal): AppError {
  const name = src.name;
  if (signal.aborted) return new AppError('CANCELLED', `Saving ${name} to ${target} was cancelled; nothing was left there.`);
  if (err instanceof AppError && (err.code === 'BACKUP_CORRUPT' || err.code === 'BACKUP_INCOMPLETE'))
    return new AppError(
      err.code,
      `The copy of ${name} failed its check and was deleted (${target} was not written): ${err.message}`,
      {
        ...(typeof err.details === 'object' && err.details !== null ? err.details : {}),
        target,
        copyDeleted: true,
      },
    );
  if (err instanceof AppError) return err;
  const e = err as NodeJS.ErrnoException;
  if (e.code === 'EACCES' || e.code === 'EPERM' || e.code === 'EROFS')
    return new AppError('PRECONDITION_FAILED', `Cannot write ${target}: ${e.message}`);
  const where = src.location === 'remote' ? 'over SFTP' : 'from the local folder';
  return new AppError(
    src.location === 'remote' ? 'TUNNEL_FAILED' : 'PRECONDITION_FAILED',
    `Copying ${name} ${where} stopped (${e.message}); nothing was left at ${target}.`,
  );
}

async function fileSha256(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of fs.createReadStream(file, { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
