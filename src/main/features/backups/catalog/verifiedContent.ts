import type { SFTPWrapper } from 'ssh2';
import type { VerifyLevel } from '../../../../shared/contract/backups';
import { type ByteSource, openLocalSource } from '../format/byteSource';
import { openSftpSource, statRemote } from '../remote/sftpFiles';
import type { CatalogCache } from './CatalogCache';
import { contentKeyOf, type FileVersion, fileKeyOf, localVersion, remoteVersionOf } from './fileVersion';

/** A backup opened for verification, with the version it had when the reading began. */
export interface VersionedSource {
  src: ByteSource;
  fileKey: string;
  before: FileVersion | null;
  /** The version now (call it before `close` for a remote file: it asks over the same SFTP session). */
  versionNow(): Promise<FileVersion | null>;
  close(): Promise<void>;
}

export async function openVersioned(
  where: { path: string; location: 'local' | 'remote'; profileId: string | null },
  openSftp: (profileId: string) => Promise<SFTPWrapper>,
): Promise<VersionedSource> {
  const fileKey = fileKeyOf({ location: where.location, profileId: where.profileId ?? '', path: where.path });
  if (where.location === 'local') {
    const before = await localVersion(where.path);
    const src = await openLocalSource(where.path);
    return { src, fileKey, before, versionNow: () => localVersion(where.path), close: () => src.close() };
  }
  const sftp = await openSftp(where.profileId as string);
  try {
    const st = await statRemote(sftp, where.path);
    const src = await openSftpSource(sftp, where.path, st.size);
    return {
      src,
      fileKey,
      before: remoteVersionOf(st.size, st.mtimeMs),
      versionNow: async () => {
        const now = await statRemote(sftp, where.path).catch(() => null);
        return now ? remoteVersionOf(now.size, now.mtimeMs) : null;
      },
      close: async () => {
        await src.close().catch(() => undefined);
        sftp.end();
      },
    };
  } catch (err) {
    sftp.end();
    throw err;
  }
}

/**
 * Record a verification for the version that was read, if the file stayed that version throughout (a
 * file written to meanwhile gets no result: what was checked is not what is there). `provenManifest` is the
 * manifest hash when every byte was checked against it. Returns false when nothing was recorded.
 */
export function recordVerified(
  cache: CatalogCache,
  read: { fileKey: string; versions: ReadonlyArray<FileVersion | null> },
  provenManifest: string | null,
  result: { level: VerifyLevel; ok: boolean; message: string },
): boolean {
  const [first, ...rest] = read.versions;
  if (!first || rest.some((v) => v !== first)) return false;
  const contentKey = contentKeyOf(read.fileKey, first, provenManifest);
  cache.recordContent(read.fileKey, first, contentKey);
  cache.recordVerification(contentKey, result.level, result.ok, result.message);
  return true;
}

/**
 * After a download: the local copy has the content of the remote version it was copied from. Ours is
 * proven against its manifest by the download's own member check; a foreign dump shares whatever the
 * remote version was known to hold (it was copied byte for byte from exactly that version).
 */
export async function recordCopy(
  cache: CatalogCache,
  copy: { path: string; provenManifest: string | null },
  source: { fileKey: string; version: FileVersion },
): Promise<void> {
  const version = await localVersion(copy.path);
  if (!version) return;
  const key = copy.provenManifest ? `manifest:${copy.provenManifest}` : cache.contentKey(source.fileKey, source.version);
  if (key) cache.recordContent(fileKeyOf({ location: 'local', profileId: '', path: copy.path }), version, key);
}
