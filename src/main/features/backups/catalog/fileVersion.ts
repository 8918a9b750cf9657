import fs from 'node:fs';

/**
 * Which version of a file a fact (a description, a verification) belongs to. A verified badge must follow
 * the bytes that were checked, not the file's name or its manifest: a file edited after it was verified —
 * in place, re-sealed with fresh hashes, or swapped for another under the same name — must lose it.
 *
 * Local files: device, inode, size, and mtime and ctime in nanoseconds. An edit changes mtime and ctime; an
 * edit whose mtime is put back (`touch -r`) still changes ctime, which no unprivileged call can set; a
 * replacement by rename changes the inode. Remote files (SFTP): size and mtime, in whole seconds — all
 * SFTP offers, so a same-size edit within the same second on the server is the one change not seen.
 */

export type FileVersion = string;

export function localVersionOf(st: fs.BigIntStats): FileVersion {
  return `local:${st.dev}:${st.ino}:${st.size}:${st.mtimeNs}:${st.ctimeNs}`;
}

/** The version of a local file now; null when it is gone or unreadable. */
export async function localVersion(file: string): Promise<FileVersion | null> {
  const st = await fs.promises.stat(file, { bigint: true }).catch(() => null);
  return st?.isFile() ? localVersionOf(st) : null;
}

export function remoteVersionOf(size: number, mtimeMs: number): FileVersion {
  return `sftp:${size}:${Math.floor(mtimeMs / 1000)}`;
}

/** Where a file lives: its absolute local path, or the remote path as reached through one profile. */
export function fileKeyOf(f: { location: 'local' | 'remote'; profileId: string; path: string }): string {
  return f.location === 'local' ? `local:${f.path}` : `remote:${f.profileId}:${f.path}`;
}

/**
 * What a verification is recorded under. `manifest:<sha256 of the manifest JSON>` once a file's every byte
 * was checked against that manifest (members tile the file and each one's SHA-256 matches, the manifest's
 * own hash is in the end marker): then any copy proven the same way has the same content, and shares the
 * badge. Anything else (a foreign dump, a damaged file) is one version of one file.
 */
export function contentKeyOf(fileKey: string, version: FileVersion, provenManifestSha256: string | null): string {
  return provenManifestSha256 ? `manifest:${provenManifestSha256}` : `version:${fileKey}@${version}`;
}
