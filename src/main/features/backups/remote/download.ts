import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { SFTPWrapper } from 'ssh2';
import { AppError } from '../../../core/AppError';
import type { JobStep } from '../../../platform/jobs/JobRunner';
import type { CatalogCache } from '../catalog/CatalogCache';
import { resolveBackupPath, resolveRemotePath } from '../catalog/fileNames';
import { fileKeyOf, remoteVersionOf } from '../catalog/fileVersion';
import { recordCopy } from '../catalog/verifiedContent';
import { diskFullError, isNoSpace } from '../diskFull';
import { inspectBackupFile, readManifest, readManifestDetailed } from '../format/BackupFileReader';
import { renameNoReplace } from '../format/BackupFileWriter';
import { openLocalSource, withSource } from '../format/byteSource';
import { scanForeignFile } from '../format/foreignDump';
import { statRemote } from './sftpFiles';

export const DOWNLOAD_SUFFIX = '.download.partial';

export interface DownloadInput extends JobStep {
  profileId: string;
  sftp: SFTPWrapper;
  remoteDir: string;
  localDir: string;
  name: string;
  cache: CatalogCache;
}

export interface DownloadResult {
  path: string;
  bytes: number;
  resumedFrom: number;
  sha256: string;
  format: 'sysndd-admin' | 'foreign';
  alreadyPresent: boolean;
}

/**
 * Copy a backup from the SSH host's backup folder into the local one over SFTP.
 * - resumes: bytes go to `NAME.download.partial`; a later run continues at its size, provided the remote
 *   file still has the size and mtime recorded when the copy began (else it starts over);
 * - checks: our backups are re-hashed member by member against their manifest (SHA-256), foreign `.gz`
 *   dumps are inflated once; a bad copy is deleted and the job fails, nothing half-checked gets a real name;
 * - never overwrites: an existing local file of another size is a conflict; one of the same size is checked
 *   like a fresh copy (kept, never deleted, when it fails) and reported with its real format.
 */
export async function downloadBackup(d: DownloadInput): Promise<DownloadResult> {
  const finalPath = resolveBackupPath(d.localDir, d.name);
  const remotePath = resolveRemotePath(d.remoteDir, d.name);
  const remote = await statRemote(d.sftp, remotePath);
  if (fs.existsSync(finalPath)) {
    const local = fs.statSync(finalPath);
    if (local.size !== remote.size)
      throw new AppError('CONFLICT', `${finalPath} already exists and differs from the remote file; delete or rename it first.`);
    // Same size is not the same content: check the local copy like a fresh one (never deleting it).
    const format = await checkCopy(finalPath, d, false);
    await recordCopy(d.cache, { path: finalPath, provenManifest: await provenManifest(finalPath, format) }, sourceOf(d, remote));
    d.log('info', `${d.name} is already in the local folder and passed its check.`);
    return {
      path: finalPath,
      bytes: 0,
      resumedFrom: remote.size,
      sha256: await fileSha256(finalPath),
      format,
      alreadyPresent: true,
    };
  }
  await fs.promises.mkdir(d.localDir, { recursive: true, mode: 0o700 });
  const partial = finalPath + DOWNLOAD_SUFFIX;
  const state = d.cache.downloadState(d.profileId, d.name);
  let offset = 0;
  if (fs.existsSync(partial)) {
    const have = fs.statSync(partial).size;
    if (state && state.remoteSize === remote.size && state.remoteMtimeMs === Math.round(remote.mtimeMs) && have <= remote.size) {
      offset = have;
      d.log('info', `Resuming ${d.name} at ${offset} of ${remote.size} bytes.`);
    } else d.log('warn', `The partial copy of ${d.name} belongs to another version of the file; starting over.`);
  }
  d.cache.setDownloadState(d.profileId, d.name, remote.size, remote.mtimeMs);
  let done = offset;
  if (offset < remote.size) {
    const counter = new Transform({
      transform(chunk: Buffer, _enc, cb) {
        done += chunk.length;
        d.onProgress(done, remote.size);
        cb(null, chunk);
      },
    });
    try {
      await pipeline(
        d.sftp.createReadStream(remotePath, { start: offset, highWaterMark: 1 << 18 }),
        counter,
        fs.createWriteStream(partial, { flags: offset > 0 ? 'r+' : 'w', start: offset, mode: 0o600 }),
        { signal: d.signal },
      );
    } catch (err) {
      if (isNoSpace(err))
        throw await diskFullError({
          dir: d.localDir,
          what: `The download of ${d.name}`,
          written: done,
          needed: { bytes: remote.size - done, basis: 'more are needed to finish it' },
          leftover: 'The bytes copied so far are kept: run it again to resume once there is space.',
        });
      if (d.signal.aborted)
        throw new AppError(
          'CANCELLED',
          `Download of ${d.name} cancelled at ${done} of ${remote.size} bytes; run it again to resume.`,
        );
      throw new AppError(
        'TUNNEL_FAILED',
        `Download of ${d.name} stopped at ${done} of ${remote.size} bytes (${(err as Error).message}); run it again to resume.`,
      );
    }
  } else if (!fs.existsSync(partial)) {
    await fs.promises.writeFile(partial, Buffer.alloc(0), { mode: 0o600 });
  }
  const size = fs.statSync(partial).size;
  if (size !== remote.size)
    throw new AppError(
      'TUNNEL_FAILED',
      `Download of ${d.name} ended at ${size} of ${remote.size} bytes; run it again to resume.`,
    );
  const format = await checkCopy(partial, d, true);
  const sha256 = await fileSha256(partial);
  await renameNoReplace(partial, finalPath);
  // Keep the remote modification time: it is the creation date of a foreign dump in the catalog.
  await fs.promises.utimes(finalPath, new Date(), new Date(remote.mtimeMs));
  d.cache.clearDownloadState(d.profileId, d.name);
  // The copy shares the remote version's verification (unless the remote file changed during the copy).
  const after = await statRemote(d.sftp, remotePath).catch(() => null);
  if (after && remoteVersionOf(after.size, after.mtimeMs) === remoteVersionOf(remote.size, remote.mtimeMs))
    await recordCopy(d.cache, { path: finalPath, provenManifest: await provenManifest(finalPath, format) }, sourceOf(d, remote));
  d.log('info', `Downloaded ${d.name} (${size} bytes, SHA-256 ${sha256}).`);
  return { path: finalPath, bytes: size - offset, resumedFrom: offset, sha256, format, alreadyPresent: false };
}

/**
 * Our format: every member against the manifest's SHA-256. Foreign gzip dumps: inflate to the end.
 * `isPartial`: a fresh `.download.partial` copy, deleted when bad; otherwise an existing local file, kept.
 */
async function checkCopy(partial: string, d: DownloadInput, isPartial: boolean): Promise<'sysndd-admin' | 'foreign'> {
  const discard = async (why: string, code: 'BACKUP_CORRUPT' | 'BACKUP_INCOMPLETE') => {
    if (!isPartial)
      throw new AppError(
        code,
        `${d.name} already exists locally but failed its check (${why}); delete or rename it, then download again.`,
      );
    await fs.promises.rm(partial, { force: true });
    d.cache.clearDownloadState(d.profileId, d.name);
    throw new AppError(code, `The copy of ${d.name} failed its check and was deleted: ${why}`);
  };
  let ours = true;
  try {
    await readManifest(partial);
  } catch (err) {
    const e = err as AppError;
    if (e.code === 'BACKUP_INCOMPLETE' && !(e.details as { looksLikeOurs?: boolean } | undefined)?.looksLikeOurs) ours = false;
    else return discard(e.message, e.code === 'BACKUP_INCOMPLETE' ? 'BACKUP_INCOMPLETE' : 'BACKUP_CORRUPT');
  }
  if (ours) {
    const report = await inspectBackupFile(partial, { signal: d.signal });
    if (!report.ok) {
      const first = report.problems[0] as (typeof report.problems)[number];
      return discard(first.message, first.code);
    }
    d.log('info', `${report.members} members match their SHA-256 in the manifest.`);
    return 'sysndd-admin';
  }
  if (d.name.endsWith('.gz')) {
    const s = await scanForeignFile(partial, d.signal);
    if (s.truncated) return discard('the gzip stream is cut short or damaged', 'BACKUP_INCOMPLETE');
    if (!s.completed) d.log('warn', `${d.name} has no "Dump completed" line: the dump on the server may be incomplete.`);
  }
  return 'foreign';
}

/** The manifest hash of a copy whose every member was just checked (ours), else null. */
async function provenManifest(file: string, format: 'sysndd-admin' | 'foreign'): Promise<string | null> {
  if (format !== 'sysndd-admin') return null;
  return (await withSource(openLocalSource(file), readManifestDetailed)).jsonSha256;
}

function sourceOf(d: DownloadInput, remote: { size: number; mtimeMs: number }): { fileKey: string; version: string } {
  const remotePath = resolveRemotePath(d.remoteDir, d.name);
  return {
    fileKey: fileKeyOf({ location: 'remote', profileId: d.profileId, path: remotePath }),
    version: remoteVersionOf(remote.size, remote.mtimeMs),
  };
}

async function fileSha256(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of fs.createReadStream(file, { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
