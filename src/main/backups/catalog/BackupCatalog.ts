import fs from 'node:fs';
import path from 'node:path';
import type { SFTPWrapper } from 'ssh2';
import type { BackupEntry, BackupList, SealState } from '../../../shared/contract/backups';
import { AppError, toFailure } from '../../core/AppError';
import { openLocalSource } from '../format/byteSource';
import type { SealInfo } from '../format/seal';
import { listRemoteDir, openSftpSource } from '../remote/sftpFiles';
import type { CachedFile, CatalogCache, FileLocation } from './CatalogCache';
import { describeFile, type FileFacts, reusable, sameContent, toEntry } from './describe';
import { isBackupFileName } from './fileNames';
import { localVersionOf, remoteVersionOf } from './fileVersion';

export interface CatalogTarget {
  profileId: string;
  localDir: string;
  remoteDir: string | null;
}

/**
 * Lists a profile's backups in its local folder and in the remote folder on the SSH host, merges the two
 * (a file present on both sides with the same content is one entry, location "both"), and keeps the result
 * in the app database so the list still works offline.
 */
export class BackupCatalog {
  constructor(
    private readonly cache: CatalogCache,
    private readonly openSftp: (profileId: string) => Promise<SFTPWrapper>,
    /** Judges a file's seal (trusted key or not); BackupService passes SealKeys.judge. */
    private readonly judge?: (seal: SealInfo | null) => SealState,
  ) {}

  async list(t: CatalogTarget, refreshRemote: boolean): Promise<BackupList> {
    const local = await this.scanLocal(t.profileId, t.localDir);
    let remote: CachedFile[] = [];
    let remoteError: BackupList['remoteError'] = null;
    let remoteFromCache = false;
    if (t.remoteDir) {
      if (refreshRemote) {
        try {
          remote = await this.scanRemote(t.profileId, t.remoteDir);
        } catch (err) {
          const f = toFailure(err);
          remoteError = { code: f.code, message: f.message };
          remote = this.cache.files(t.profileId, 'remote');
          remoteFromCache = true;
        }
      } else {
        remote = this.cache.files(t.profileId, 'remote');
        remoteFromCache = true;
      }
    }
    return {
      profileId: t.profileId,
      localDir: t.localDir,
      remoteDir: t.remoteDir,
      remoteError,
      remoteFromCache,
      entries: this.merge(local, remote),
    };
  }

  /** The entries as last seen, without touching any folder (offline browsing, quick lookups). */
  cached(profileId: string): BackupEntry[] {
    return this.merge(this.cache.files(profileId, 'local'), this.cache.files(profileId, 'remote'));
  }

  private merge(local: CachedFile[], remote: CachedFile[]): BackupEntry[] {
    const remoteByName = new Map(remote.map((r) => [r.name, r]));
    const entries: BackupEntry[] = [];
    for (const l of local) {
      const r = remoteByName.get(l.name);
      if (r && sameContent(l, r)) {
        remoteByName.delete(l.name);
        entries.push(toEntry(l, r, this.cache, this.judge));
      } else entries.push(toEntry(l, null, this.cache, this.judge));
    }
    for (const r of remoteByName.values()) entries.push(toEntry(r, null, this.cache, this.judge));
    return entries.sort((a, b) => b.createdAt.localeCompare(a.createdAt) || a.name.localeCompare(b.name));
  }

  async scanLocal(profileId: string, dir: string): Promise<CachedFile[]> {
    let dirents: fs.Dirent[] = [];
    try {
      dirents = await fs.promises.readdir(dir, { withFileTypes: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT')
        throw new AppError('PRECONDITION_FAILED', `Cannot read ${dir}: ${(err as Error).message}`);
    }
    const facts: FileFacts[] = [];
    for (const d of dirents) {
      if (!d.isFile() || !isBackupFileName(d.name)) continue;
      const full = path.join(dir, d.name);
      const st = await fs.promises.stat(full, { bigint: true }).catch(() => null);
      if (st)
        facts.push({
          profileId,
          location: 'local',
          name: d.name,
          path: full,
          size: Number(st.size),
          mtimeMs: Number(st.mtimeMs),
          version: localVersionOf(st),
        });
    }
    const files = await this.describeAll(facts, 'local', (f) => openLocalSource(f.path), true);
    this.cache.replaceFolder(profileId, 'local', files);
    return files;
  }

  async scanRemote(profileId: string, dir: string, scanForeign = false): Promise<CachedFile[]> {
    const sftp = await this.openSftp(profileId);
    try {
      const listing = await listRemoteDir(sftp, dir);
      const facts: FileFacts[] = listing
        .filter((f) => isBackupFileName(f.name))
        .map((f) => ({
          profileId,
          location: 'remote',
          name: f.name,
          path: `${dir.replace(/\/+$/, '')}/${f.name}`,
          size: f.size,
          mtimeMs: f.mtimeMs,
          version: remoteVersionOf(f.size, f.mtimeMs),
        }));
      const files = await this.describeAll(facts, 'remote', (f) => openSftpSource(sftp, f.path, f.size), scanForeign);
      this.cache.replaceFolder(profileId, 'remote', files);
      return files;
    } finally {
      sftp.end();
    }
  }

  private async describeAll(
    facts: FileFacts[],
    location: FileLocation,
    open: (f: FileFacts) => ReturnType<typeof openLocalSource>,
    scanForeign: boolean,
  ): Promise<CachedFile[]> {
    const out: CachedFile[] = [];
    // A few at a time: remote reads are round trips, local foreign scans are CPU (gunzip on the threadpool).
    const queue = [...facts];
    const worker = async () => {
      for (let f = queue.shift(); f; f = queue.shift()) {
        const cached = this.cache.get(f.profileId, location, f.name);
        if (reusable(cached, f, scanForeign)) out.push({ ...cached, path: f.path });
        else {
          try {
            out.push(await describeFile(f, () => open(f as FileFacts), scanForeign));
          } catch {
            out.push({
              ...(f as FileFacts),
              fingerprint: null,
              format: 'foreign',
              status: 'unknown',
              tableCount: null,
              rowCount: null,
              schemaVersion: null,
              database: null,
              serverVersion: null,
              createdAt: new Date(f.mtimeMs).toISOString(),
              manifest: null,
            });
          }
        }
      }
    };
    await Promise.all([worker(), worker(), worker()]);
    return out.sort((a, b) => a.name.localeCompare(b.name));
  }
}
