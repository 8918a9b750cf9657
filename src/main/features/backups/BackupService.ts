import fs from 'node:fs';
import path from 'node:path';
import type { Connection } from 'mysql2/promise';
import {
  type BackupEntry,
  type BackupList,
  type BackupManifest,
  CreateBackupOptions,
  type CreateBackupResult,
} from '../../../shared/contract/backups';
import type { JobSnapshot } from '../../../shared/contract/jobs';
import type { Profile } from '../../../shared/contract/profiles';
import { AppError } from '../../core/AppError';
import type { JobContext } from '../../platform/jobs/JobRunner';
import { APP_VERSION } from '../../platform/version';
import type { MysqlConnectionOptions } from '../connections/mysql/mysqlConnect';
import { recipientsOf } from './age/backupKeys';
import { describeCreatedEncrypted } from './age/describeCreated';
import { BackupMaintenance } from './BackupMaintenance';
import type { BackupServiceDeps } from './BackupServiceDeps';
import { BackupCatalog, type CatalogPage } from './catalog/BackupCatalog';
import { CatalogCache } from './catalog/CatalogCache';
import { describeFile } from './catalog/describe';
import { fileSafe, newBackupName, resolveBackupPath } from './catalog/fileNames';
import { localVersionOf } from './catalog/fileVersion';
import { adoptLegacyFiles, expandHome, profileFolder } from './catalog/profileFolder';
import { BackupCopies, type BackupFileHooks } from './copy/BackupCopies';
import { diskFullError, isNoSpace, previousBackupSize } from './diskFull';
import { runBackup } from './engine/BackupEngine';
import { PARTIAL_SUFFIX } from './format/BackupFileWriter';
import { openLocalSource } from './format/byteSource';
import { SealKeys } from './seal/SealKeys';

/** What another job passes to `createBackup` so the backup reports into it (the restore's pre-restore backup). */
export type BackupRunContext = Partial<Pick<JobContext, 'signal' | 'progress' | 'log'>>;

export interface CreatedBackup {
  path: string;
  name: string;
  manifest: BackupManifest;
}

/** A `.partial` that has not been written to for this long belongs to a crashed run and is removed. */
const STALE_PARTIAL_MS = 60 * 60 * 1000;

/**
 * `app.backups`: create backups (as a job, or awaited inside another job), list the catalog, verify,
 * download, delete and prune (the last ones in BackupMaintenance). Data flow and design: docs/backups.md.
 */
export class BackupService {
  readonly cache: CatalogCache;
  readonly catalog: BackupCatalog;
  readonly maintenance: BackupMaintenance;
  readonly seal: SealKeys;
  /** Desktop "Save as…" and "Show in folder" (copy/BackupCopies.ts), through the door's file hooks. */
  readonly copies: BackupCopies;

  /**
   * `app`: the collaborators the App passes in (BackupServiceDeps), not the App itself. `files`: the door's
   * save dialog and file manager (DoorHooks); none outside the desktop app.
   */
  constructor(
    private readonly app: BackupServiceDeps,
    files: BackupFileHooks = {},
  ) {
    this.seal = new SealKeys(app.store, app.secrets, () => app.actor.get().actor);
    this.cache = new CatalogCache(app.store);
    this.catalog = new BackupCatalog(
      this.cache,
      (id) => app.connections.openSftp(id),
      (s) => this.seal.judge(s),
    );
    this.maintenance = new BackupMaintenance(app, this);
    this.copies = new BackupCopies(app, this, files);
  }

  /**
   * profile.localBackupDir, default `<app home>/backups/<profile name>-<profile id>`: each profile's own
   * (catalog/profileFolder.ts). Use `localDirReady` before reading or writing it.
   */
  localDir(profile: Profile): string {
    return profileFolder(this.app.home, profile);
  }

  private readonly adopted = new Map<string, Promise<string>>();

  /**
   * The profile's folder, once its backups were moved out of the old name-derived folder it may have shared
   * (only the files provably its own; once per process).
   */
  localDirReady(profile: Profile): Promise<string> {
    let ready = this.adopted.get(profile.id);
    if (!ready) {
      const target = this.localDir(profile);
      ready = adoptLegacyFiles({ home: this.app.home, profile, others: this.app.profiles.list(), target, cache: this.cache })
        .then((r) => {
          if (r?.moved.length)
            this.app.logger.info(
              { profile: profile.name, from: r.from, to: target, moved: r.moved, left: r.left },
              `Moved ${r.moved.length} backup(s) of "${profile.name}" into its own folder ${target}.`,
            );
          return target;
        })
        .catch((err: unknown) => {
          this.adopted.delete(profile.id);
          throw err;
        });
      this.adopted.set(profile.id, ready);
    }
    return ready;
  }

  /**
   * The folder a delete or prune of this profile may remove files from: refused when another saved profile
   * uses the same folder (set by hand to the same path), since its backups would be deleted too.
   */
  async ownLocalDir(profile: Profile): Promise<string> {
    const dir = await this.localDirReady(profile);
    const sharing = this.app.profiles
      .list()
      .filter((o) => o.id !== profile.id && !o.transient && path.resolve(this.localDir(o)) === path.resolve(dir));
    if (sharing.length)
      throw new AppError(
        'CONFLICT',
        `The backup folder ${dir} is also the folder of profile ${sharing.map((o) => `"${o.name}"`).join(', ')}: deleting from it here could remove that profile's backups. Give each profile its own local backup folder (profile edit --local-backup-dir), then try again.`,
        { dir, sharedWith: sharing.map((o) => o.id) },
      );
    return dir;
  }

  remoteDir(profile: Profile): string | null {
    return profile.ssh && profile.remoteBackupDir ? profile.remoteBackupDir : null;
  }

  /** A dedicated connection for a dump worker or a scratch restore. */
  openConnection(profileId: string, database: string | null, extra: Partial<MysqlConnectionOptions> = {}): Promise<Connection> {
    return this.app.connections.openDedicated(profileId, { database, extra });
  }

  /**
   * Create a backup and resolve with its path and manifest. Usable inside another job (pass its context):
   * progress goes to that job, cancelling that job cancels the backup.
   */
  async createBackup(
    profileId: string,
    rawOptions: CreateBackupOptions = {},
    run: BackupRunContext = {},
  ): Promise<CreatedBackup> {
    const options = CreateBackupOptions.parse(rawOptions);
    const profile = this.app.profiles.get(profileId);
    const database = profile.mysql.database;
    if (!database) throw new AppError('PRECONDITION_FAILED', `Profile "${profile.name}" names no database to back up.`);
    const dir = options.dir ? path.resolve(expandHome(options.dir)) : await this.localDirReady(profile);
    await fs.promises.mkdir(dir, { recursive: true, mode: 0o700 });
    await removeStalePartials(dir);
    const encrypt = recipientsOf(options.encrypt, this.app.knownSecrets);
    const name = newBackupName(dir, database, new Date(), options.label, encrypt ? '.sql.gz.age' : '.sql.gz');
    const signal = run.signal ?? new AbortController().signal;
    const log = run.log ?? (() => undefined);
    log('info', `Backing up ${database} on ${profile.mysql.host} into ${path.join(dir, name)}.`);
    let written = 0;
    const { manifest } = await runBackup({
      openConnection: () => this.openConnection(profileId, database),
      database,
      profileName: profile.name,
      host: profile.ssh ? `${profile.mysql.host} via ${profile.ssh.host}` : profile.mysql.host,
      finalPath: path.join(dir, name),
      toolVersion: APP_VERSION,
      compressionLevel: options.compressionLevel,
      checksums: options.checksums,
      workers: options.workers,
      sealer: await this.seal.sealer(),
      encrypt,
      signal,
      log,
      onProgress: (p) => {
        written = p.bytesWritten;
        run.progress?.({
          stage: p.stage,
          done: p.rowsDone,
          total: Math.max(p.rowsTotal, p.rowsDone),
          unit: 'rows',
          rows: p.rowsDone,
          bytes: p.bytesWritten,
        });
      },
    }).catch(async (err: unknown) => {
      if (!isNoSpace(err)) throw err;
      const previous = await previousBackupSize(dir, fileSafe(database));
      throw await diskFullError({
        dir,
        what: `The backup of ${database}`,
        written,
        needed:
          previous === null
            ? null
            : { bytes: previous, basis: 'is needed (the size of the previous backup of it in this folder)' },
        leftover: 'The partial file was removed.',
      });
    });
    // An encrypted backup is described now, while its manifest is known (else `unknown` until verified).
    if (encrypt && !options.dir)
      await describeCreatedEncrypted(this.cache, profileId, path.join(dir, name), manifest, await this.seal.sealer());
    return { path: path.join(dir, name), name, manifest };
  }

  /** `backups.create`: the backup as a job (one backup operation per profile at a time). */
  startCreate(profileId: string, options: CreateBackupOptions = {}): JobSnapshot {
    const profile = this.app.profiles.get(profileId);
    return this.app.jobs.start({
      kind: 'backup.create',
      title: `Backup of ${profile.mysql.database ?? '(no database)'} (${profile.name})`,
      profileId,
      exclusiveKey: `backup:${profileId}`,
      run: async (ctx): Promise<CreateBackupResult> => {
        const started = Date.now();
        const b = await this.createBackup(profileId, options, ctx);
        const size = (await fs.promises.stat(b.path)).size;
        const how = options.encrypt ? ', encrypted (age)' : '';
        ctx.log('info', `Backup written: ${b.path} (${size} bytes, ${b.manifest.counts.tables} tables${how}).`);
        return {
          path: b.path,
          name: b.name,
          size,
          tables: b.manifest.counts.tables,
          rows: b.manifest.tables.reduce((a, t) => a + (t.type === 'sequence' ? 0 : t.rows), 0),
          durationMs: Date.now() - started,
        };
      },
    });
  }

  /** `page`: one page of the sorted listing (catalog/BackupCatalog.ts); all entries, newest first, without. */
  async list(profileId: string, refreshRemote: boolean, page?: CatalogPage): Promise<BackupList> {
    const profile = this.app.profiles.get(profileId);
    const localDir = await this.localDirReady(profile);
    await this.seal.sealer().catch(() => null); // so the listing recognises this installation's own key
    return this.catalog.list({ profileId, localDir, remoteDir: this.remoteDir(profile) }, refreshRemote, page);
  }

  /** A file named by a person: `path` (CLI) or a name in the profile's local (else remote) folder. */
  async locate(ref: {
    profileId?: string;
    name?: string;
    path?: string;
  }): Promise<{ path: string; location: 'local' | 'remote'; profileId: string | null }> {
    if (ref.path) {
      const full = path.resolve(expandHome(ref.path));
      // A `.partial` is accepted so that `backup verify` reports it as what it is: incomplete (exit 1).
      if (!/\.sql(\.gz)?(\.age)?((\.download)?\.partial)?$/.test(full))
        throw new AppError('UNSAFE_FILENAME', `${full} is not a .sql, .sql.gz or .sql.gz.age file.`);
      if (!fs.existsSync(full)) throw new AppError('NOT_FOUND', `No such file: ${full}`);
      return { path: full, location: 'local', profileId: ref.profileId ?? null };
    }
    const profile = this.app.profiles.get(ref.profileId as string);
    const local = resolveBackupPath(await this.localDirReady(profile), ref.name as string);
    if (fs.existsSync(local)) return { path: local, location: 'local', profileId: profile.id };
    const remoteDir = this.remoteDir(profile);
    const remote = remoteDir ? this.cache.get(profile.id, 'remote', ref.name as string) : null;
    if (remote) return { path: remote.path, location: 'remote', profileId: profile.id };
    throw new AppError('NOT_FOUND', `No backup named ${ref.name} for profile "${profile.name}".`);
  }

  /** `backups.manifest`: the manifest (ours) and the catalog entry of one file. */
  async manifest(ref: {
    profileId?: string;
    name?: string;
    path?: string;
  }): Promise<{ path: string; entry: BackupEntry; manifest: BackupManifest | null }> {
    const where = await this.locate(ref);
    if (where.location === 'remote' && where.profileId) {
      const entry = this.catalog.cached(where.profileId).find((e) => e.remotePath === where.path);
      const cached = this.cache.get(where.profileId, 'remote', path.posix.basename(where.path));
      if (!entry) throw new AppError('NOT_FOUND', `No backup at ${where.path}.`);
      return { path: where.path, entry, manifest: cached?.manifest ?? null };
    }
    const st = await fs.promises.stat(where.path, { bigint: true });
    const facts = {
      profileId: where.profileId ?? '',
      location: 'local' as const,
      name: path.basename(where.path),
      path: where.path,
      size: Number(st.size),
      mtimeMs: Number(st.mtimeMs),
      version: localVersionOf(st),
    };
    const file = await describeFile(facts, () => openLocalSource(where.path), true);
    const entry: BackupEntry = {
      name: file.name,
      location: 'local',
      localPath: file.path,
      remotePath: null,
      size: file.size,
      createdAt: file.createdAt,
      format: file.format,
      compressed: file.name.endsWith('.gz'),
      status: file.status,
      tableCount: file.tableCount,
      rowCount: file.rowCount,
      schemaVersionHead: file.schemaVersion,
      database: file.database,
      serverVersion: file.serverVersion,
      verified: this.cache.verificationOfFile(file),
      encrypted: file.name.endsWith('.age'),
      seal: file.format === 'sysndd-admin' && file.status === 'complete' ? await this.seal.stateOf(file.seal ?? null) : null,
    };
    return { path: where.path, entry, manifest: file.manifest };
  }
}

/** `.partial` files of crashed backups (not downloads, which resume) untouched for an hour. */
async function removeStalePartials(dir: string): Promise<void> {
  const names = await fs.promises.readdir(dir).catch(() => [] as string[]);
  for (const n of names) {
    if (!n.endsWith(`.sql.gz${PARTIAL_SUFFIX}`) || n.endsWith(`.download${PARTIAL_SUFFIX}`)) continue;
    const full = path.join(dir, n);
    const st = await fs.promises.stat(full).catch(() => null);
    if (st && Date.now() - st.mtimeMs > STALE_PARTIAL_MS) await fs.promises.rm(full, { force: true });
  }
}
