import type { SFTPWrapper } from 'ssh2';
import { AppError } from '../../../core/AppError';
import { type ByteSource, readFully } from '../format/byteSource';

/** Small promise wrappers over ssh2's SFTP client for the remote backup folder. */

export interface RemoteFile {
  name: string;
  size: number;
  mtimeMs: number;
}

function sftpError(err: Error & { code?: number }, what: string): AppError {
  // SFTP status codes: 2 = no such file, 3 = permission denied.
  if (err.code === 2) return new AppError('NOT_FOUND', `${what}: no such file or folder on the SSH host.`);
  if (err.code === 3) return new AppError('DB_ACCESS_DENIED', `${what}: permission denied on the SSH host.`);
  return new AppError('TUNNEL_FAILED', `${what}: ${err.message}`);
}

/**
 * Regular files of `dir`. Symlinks are skipped like SysNDD's own list does (its `latest.*` links point at
 * files that are listed anyway); so are folders and anything else.
 */
export function listRemoteDir(sftp: SFTPWrapper, dir: string): Promise<RemoteFile[]> {
  return new Promise((resolve, reject) => {
    sftp.readdir(dir, (err, list) => {
      if (err) return reject(sftpError(err, `Listing ${dir}`));
      resolve(
        list
          .filter((e) => e.attrs.isFile() && !e.attrs.isSymbolicLink())
          .map((e) => ({ name: e.filename, size: e.attrs.size, mtimeMs: e.attrs.mtime * 1000 })),
      );
    });
  });
}

export function statRemote(sftp: SFTPWrapper, file: string): Promise<RemoteFile> {
  return new Promise((resolve, reject) => {
    sftp.lstat(file, (err, st) => {
      if (err) return reject(sftpError(err, file));
      if (!st.isFile()) return reject(new AppError('UNSAFE_FILENAME', `${file} is not a regular file on the SSH host.`));
      resolve({ name: file.split('/').pop() as string, size: st.size, mtimeMs: st.mtime * 1000 });
    });
  });
}

export function unlinkRemote(sftp: SFTPWrapper, file: string): Promise<void> {
  return new Promise((resolve, reject) => {
    sftp.unlink(file, (err) => (err ? reject(sftpError(err, `Deleting ${file}`)) : resolve()));
  });
}

/** Random access to a remote file (the catalog reads a backup's manifest from its last kilobytes). */
export async function openSftpSource(sftp: SFTPWrapper, file: string, size: number): Promise<ByteSource> {
  const handle = await new Promise<Buffer>((resolve, reject) => {
    sftp.open(file, 'r', (err, h) => (err ? reject(sftpError(err, file)) : resolve(h)));
  });
  const readOnce = (buf: Buffer, offset: number, length: number, position: number) =>
    new Promise<number>((resolve, reject) => {
      sftp.read(handle, buf, offset, length, position, (err, bytesRead) =>
        err ? reject(sftpError(err, file)) : resolve(bytesRead),
      );
    });
  return {
    name: file,
    size,
    // SFTP servers cap one read (OpenSSH: 256 KiB).
    read: (position, length) => readFully(position, length, 1 << 18, readOnce),
    stream(start = 0, end = size) {
      return sftp.createReadStream(file, { start, end: Math.max(start, end) - 1, highWaterMark: 1 << 18 });
    },
    close: () => new Promise<void>((resolve) => sftp.close(handle, () => resolve())),
  };
}
