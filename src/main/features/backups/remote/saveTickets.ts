import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import type { ServerResponse } from 'node:http';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { SFTPWrapper } from 'ssh2';
import { AppError } from '../../../core/AppError';
import type { BackupService } from '../BackupService';
import { resolveBackupPath, resolveRemotePath } from '../catalog/fileNames';
import { openSftpSource, statRemote } from './sftpFiles';

/**
 * "Save as…" in browser mode. A browser download is a navigation, which cannot carry the bearer token, so
 * a token-checked call (`backups.saveTicket`) hands out a single-use address `/download/backup/<ticket>`
 * valid for 60 s; the loopback server (src/main/doors/web) streams the file from there with
 * `Content-Disposition: attachment`. The file is streamed as it is on disk (an `.age` file stays
 * encrypted), never buffered whole. Tickets live in this process's memory only.
 */
export const SAVE_PATH_PREFIX = '/download/backup/';
const TTL_MS = 60_000;

interface Ticket {
  profileId: string;
  location: 'local' | 'remote';
  path: string;
  name: string;
  size: number;
  expires: number;
}

const tickets = new Map<string, Ticket>();

export async function issueSaveTicket(
  backups: BackupService,
  profile: Parameters<BackupService['localDir']>[0],
  name: string,
  location: 'local' | 'remote',
): Promise<{ url: string; fileName: string; size: number; expiresAt: string }> {
  for (const [t, v] of tickets) if (v.expires < Date.now()) tickets.delete(t);
  let file: string;
  let size: number;
  if (location === 'local') {
    file = resolveBackupPath(await backups.localDirReady(profile), name);
    const st = await fs.promises.stat(file).catch(() => null);
    if (!st?.isFile()) throw new AppError('NOT_FOUND', `No local backup named ${name}.`);
    size = st.size;
  } else {
    const dir = backups.remoteDir(profile);
    if (!dir) throw new AppError('PRECONDITION_FAILED', `Profile "${profile.name}" has no remote backup folder.`);
    file = resolveRemotePath(dir, name);
    const cached = backups.cache.get(profile.id, 'remote', name);
    if (!cached) throw new AppError('NOT_FOUND', `No remote backup named ${name}: refresh the list.`);
    size = cached.size;
  }
  const ticket = randomBytes(32).toString('hex');
  const expires = Date.now() + TTL_MS;
  tickets.set(ticket, { profileId: profile.id, location, path: file, name: path.basename(file), size, expires });
  return { url: `${SAVE_PATH_PREFIX}${ticket}`, fileName: path.basename(file), size, expiresAt: new Date(expires).toISOString() };
}

/** Take a ticket (once): null when unknown, used or expired. */
function redeem(ticket: string): Ticket | null {
  const t = tickets.get(ticket);
  tickets.delete(ticket);
  return t && t.expires >= Date.now() ? t : null;
}

/** `GET /download/backup/<ticket>`: stream the file as an attachment; 404 for an unknown or used ticket. */
export async function serveSaveTicket(
  pathname: string,
  res: ServerResponse,
  openSftp: (profileId: string) => Promise<SFTPWrapper>,
): Promise<void> {
  const t = redeem(pathname.slice(SAVE_PATH_PREFIX.length));
  if (!t) {
    res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' });
    res.end('This download address is unknown, used or expired: use Save as… again.');
    return;
  }
  const headers = {
    'Content-Type': 'application/octet-stream',
    // The name is a checked backup file name ([A-Za-z0-9._+-]): safe inside the quotes as it is.
    'Content-Disposition': `attachment; filename="${t.name}"`,
    'Cache-Control': 'no-store',
  };
  if (t.location === 'local') {
    const st = await fs.promises.stat(t.path);
    res.writeHead(200, { ...headers, 'Content-Length': String(st.size) });
    await pipeline(fs.createReadStream(t.path, { highWaterMark: 1 << 20 }), res);
    return;
  }
  const sftp = await openSftp(t.profileId);
  try {
    const st = await statRemote(sftp, t.path);
    const src = await openSftpSource(sftp, t.path, st.size);
    res.writeHead(200, { ...headers, 'Content-Length': String(st.size) });
    try {
      await pipeline(src.stream(), res);
    } finally {
      await src.close().catch(() => undefined);
    }
  } finally {
    sftp.end();
  }
}
