import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { AppError } from '../../../core/AppError';
import { type AgeRecipients, makeHeader } from '../age/ageHeader';
import { createAgeEncryptStream } from '../age/ageSource';
import { registerBackupKeys } from '../age/keyRegistry';
import { describeFile } from '../catalog/describe';
import { resolveBackupPath, resolveRemotePath } from '../catalog/fileNames';
import { fileKeyOf, localVersion, remoteVersionOf } from '../catalog/fileVersion';
import { recordCopy } from '../catalog/verifiedContent';
import { diskFullError, isNoSpace } from '../diskFull';
import { inspectBackupFrom, readManifestDetailed } from '../format/BackupFileReader';
import { renameNoReplace } from '../format/BackupFileWriter';
import { type ByteSource, openLocalSource, withSource } from '../format/byteSource';
import { scanForeignFrom } from '../format/foreignDump';
import { DOWNLOAD_SUFFIX, type DownloadInput, type DownloadResult } from './download';
import { statRemote } from './sftpFiles';

export interface EncryptedDownloadResult extends DownloadResult {
  /** The local copy is `NAME.age`; `sha256` is of the plaintext (equal to the remote file's SHA-256). */
  encrypted: true;
  /** SHA-256 of the encrypted file written. */
  encryptedSha256: string;
}

/**
 * Remote plain → local `NAME.age` (docs/backups.md, "Encrypted backups"): the SFTP bytes go through the age
 * encryptor straight into `NAME.age.download.partial`, so no plaintext reaches the disk. Before the copy gets
 * its name it is read back through its decrypted view with the file key this process just made (memory
 * only; recipients alone could not open it): our backups member by member against their manifest, foreign
 * `.gz` dumps inflated to the end. A bad copy is deleted and the job fails. An encrypted copy does not resume
 * (the cipher state is not kept): a partial one is started over.
 */
export async function downloadEncrypted(d: DownloadInput, to: AgeRecipients): Promise<EncryptedDownloadResult> {
  if (d.name.endsWith('.age'))
    throw new AppError('PRECONDITION_FAILED', `${d.name} is already encrypted: download it without encryption.`);
  const finalName = `${d.name}.age`;
  const finalPath = resolveBackupPath(d.localDir, finalName);
  const remotePath = resolveRemotePath(d.remoteDir, d.name);
  const remote = await statRemote(d.sftp, remotePath);
  if (fs.existsSync(finalPath)) throw new AppError('CONFLICT', `${finalPath} already exists; delete or rename it first.`);
  await fs.promises.mkdir(d.localDir, { recursive: true, mode: 0o700 });
  const partial = finalPath + DOWNLOAD_SUFFIX;
  if (fs.existsSync(partial)) {
    d.log('info', `An encrypted copy cannot resume: starting ${finalName} over.`);
    await fs.promises.rm(partial, { force: true });
  }
  const made = await makeHeader(to);
  const unwrapped = { fileKey: made.fileKey, headerLength: made.header.length };
  const plainHash = createHash('sha256');
  const cipherHash = createHash('sha256');
  let done = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      done += chunk.length;
      plainHash.update(chunk);
      d.onProgress(done, remote.size);
      cb(null, chunk);
    },
  });
  const cipherTap = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      cipherHash.update(chunk);
      cb(null, chunk);
    },
  });
  try {
    await pipeline(
      d.sftp.createReadStream(remotePath, { highWaterMark: 1 << 18 }),
      counter,
      await createAgeEncryptStream(to, made),
      cipherTap,
      fs.createWriteStream(partial, { flags: 'wx', mode: 0o600 }),
      { signal: d.signal },
    );
  } catch (err) {
    await fs.promises.rm(partial, { force: true });
    if (isNoSpace(err))
      throw await diskFullError({
        dir: d.localDir,
        what: `The encrypted download of ${d.name}`,
        written: done,
        needed: { bytes: remote.size - done, basis: 'more are needed to finish it' },
        leftover: 'The partial encrypted copy was deleted (an encrypted copy cannot resume).',
      });
    if (d.signal.aborted)
      throw new AppError('CANCELLED', `Encrypted download of ${d.name} cancelled at ${done} of ${remote.size} bytes.`);
    throw new AppError(
      'TUNNEL_FAILED',
      `Encrypted download of ${d.name} stopped at ${done} of ${remote.size} bytes (${(err as Error).message}).`,
    );
  }
  if (done !== remote.size) {
    await fs.promises.rm(partial, { force: true });
    throw new AppError('TUNNEL_FAILED', `Encrypted download of ${d.name} ended at ${done} of ${remote.size} bytes.`);
  }
  // The check reads the copy on disk through its decrypted view (the key registered for this file only).
  const releasePartial = registerBackupKeys(partial, {}, 3600_000, unwrapped);
  let proven: string | null;
  let format: DownloadResult['format'];
  try {
    ({ format, proven } = await withSource(openLocalSource(partial), (src) => checkDecrypted(src, d)));
  } catch (err) {
    await fs.promises.rm(partial, { force: true });
    throw err instanceof AppError && (err.code === 'BACKUP_CORRUPT' || err.code === 'BACKUP_INCOMPLETE')
      ? new AppError(err.code, `The encrypted copy of ${d.name} failed its check and was deleted: ${err.message}`)
      : err;
  } finally {
    releasePartial();
  }
  await renameNoReplace(partial, finalPath);
  await fs.promises.utimes(finalPath, new Date(), new Date(remote.mtimeMs));
  const after = await statRemote(d.sftp, remotePath).catch(() => null);
  if (after && remoteVersionOf(after.size, after.mtimeMs) === remoteVersionOf(remote.size, remote.mtimeMs)) {
    await recordCopy(
      d.cache,
      { path: finalPath, provenManifest: proven },
      {
        fileKey: fileKeyOf({ location: 'remote', profileId: d.profileId, path: remotePath }),
        version: remoteVersionOf(remote.size, remote.mtimeMs),
      },
    );
  }
  await describeCopy(d, finalPath, finalName, unwrapped);
  const sha256 = plainHash.digest('hex');
  d.log('info', `Downloaded ${d.name} encrypted as ${finalName} (plaintext SHA-256 ${sha256}).`);
  return {
    path: finalPath,
    bytes: done,
    resumedFrom: 0,
    sha256,
    format,
    alreadyPresent: false,
    encrypted: true,
    encryptedSha256: cipherHash.digest('hex'),
  };
}

/** Ours: every member against the manifest; foreign `.gz`: inflated to the end. Throws on a bad copy. */
async function checkDecrypted(
  src: ByteSource,
  d: DownloadInput,
): Promise<{ format: DownloadResult['format']; proven: string | null }> {
  let jsonSha256: string;
  try {
    jsonSha256 = (await readManifestDetailed(src)).jsonSha256;
  } catch (err) {
    const e = err as AppError;
    if (e.code !== 'BACKUP_INCOMPLETE' || (e.details as { looksLikeOurs?: boolean } | undefined)?.looksLikeOurs) throw err;
    if (d.name.endsWith('.gz')) {
      const s = await scanForeignFrom(src, d.signal);
      if (s.truncated) throw new AppError('BACKUP_INCOMPLETE', 'the gzip stream is cut short or damaged');
      if (!s.completed) d.log('warn', `${d.name} has no "Dump completed" line: the dump on the server may be incomplete.`);
    }
    return { format: 'foreign', proven: null };
  }
  const report = await inspectBackupFrom(src, { signal: d.signal });
  if (!report.ok) {
    const first = report.problems[0] as (typeof report.problems)[number];
    throw new AppError(first.code, first.message);
  }
  d.log('info', `${report.members} members match their SHA-256 in the manifest (read back decrypted).`);
  return { format: 'sysndd-admin', proven: jsonSha256 };
}

/**
 * The catalog's description of the encrypted copy (tables, rows, seal), read now while this process holds
 * its file key: the listing keeps it while the file stays this version (no key needed to show it).
 */
async function describeCopy(
  d: DownloadInput,
  file: string,
  finalName: string,
  unwrapped: { fileKey: Buffer; headerLength: number },
): Promise<void> {
  const st = await fs.promises.stat(file);
  const version = await localVersion(file);
  const release = registerBackupKeys(file, {}, 60_000, unwrapped);
  try {
    // Described under the plain name: describeFile leaves `.age` names unread.
    const facts = { profileId: d.profileId, location: 'local' as const, name: d.name, path: file, size: st.size };
    const desc = await describeFile({ ...facts, mtimeMs: st.mtimeMs, version }, () => openLocalSource(file), false);
    const fingerprint = desc.fingerprint?.startsWith('manifest:')
      ? desc.fingerprint
      : `stat:${finalName}:${st.size}:${Math.round(st.mtimeMs)}`;
    d.cache.putFile({ ...desc, name: finalName, fingerprint, size: st.size });
  } catch (err) {
    d.log('warn', `The catalog could not describe ${finalName}: ${(err as Error).message}`);
  } finally {
    release();
  }
}
