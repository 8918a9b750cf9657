import type { BackupManifest, BackupVerification, VerifyLevel } from '../../../shared/contract/backups';
import type { AppDatabase } from '../../store/AppDatabase';
import type { SealInfo } from '../format/seal';
import { fileKeyOf } from './fileVersion';

/**
 * The backup catalog's memory in the app's SQLite: what each folder held when last listed (so remote
 * backups stay browsable offline and expensive facts — manifests, table counts of foreign dumps — are read
 * once per file version), and verification results. A verification is recorded under a content key, and a
 * file version (fileVersion.ts) gets that key only when a job read every byte of exactly that version
 * (verify, or a download's check): a file changed since shows no badge until it is verified again, while
 * copies proven identical (a verified remote backup, downloaded) share one.
 */
const SCHEMA = [
  `CREATE TABLE backup_files (
     profile_id TEXT NOT NULL, location TEXT NOT NULL, name TEXT NOT NULL, path TEXT NOT NULL,
     size INTEGER NOT NULL, mtime_ms INTEGER NOT NULL, fingerprint TEXT,
     format TEXT NOT NULL, status TEXT NOT NULL, table_count INTEGER, row_count INTEGER,
     schema_version TEXT, database_name TEXT, server_version TEXT, created_at TEXT NOT NULL,
     manifest TEXT, seen_at TEXT NOT NULL,
     PRIMARY KEY (profile_id, location, name));`,
  `CREATE TABLE backup_verifications (
     fingerprint TEXT NOT NULL, level TEXT NOT NULL, at TEXT NOT NULL, ok INTEGER NOT NULL, message TEXT NOT NULL,
     PRIMARY KEY (fingerprint, level));`,
  `CREATE TABLE backup_downloads (
     profile_id TEXT NOT NULL, name TEXT NOT NULL, remote_size INTEGER NOT NULL, remote_mtime_ms INTEGER NOT NULL,
     started_at TEXT NOT NULL, PRIMARY KEY (profile_id, name));`,
  // v4: descriptions carry the file version they describe; verified content per file version. Results of
  // earlier versions (keyed by manifest alone) are kept but no longer shown until a file is verified again.
  `ALTER TABLE backup_files ADD COLUMN version TEXT;
   CREATE TABLE backup_file_content (
     file_key TEXT PRIMARY KEY, version TEXT NOT NULL, content_key TEXT NOT NULL, recorded_at TEXT NOT NULL);`,
  // v5: the seal read from the manifest member (key, claimed name, signature valid); trust is judged when listed.
  `ALTER TABLE backup_files ADD COLUMN seal TEXT;`,
];

export type FileLocation = 'local' | 'remote';

export interface CachedFile {
  profileId: string;
  location: FileLocation;
  name: string;
  path: string;
  size: number;
  mtimeMs: number;
  /** The file version this description is of (fileVersion.ts); null for rows written before versions. */
  version: string | null;
  /** `manifest:<sha256 of the manifest JSON>` for ours (which file is the same backup), `stat:…` for foreign files. */
  fingerprint: string | null;
  format: 'sysndd-admin' | 'foreign';
  status: 'complete' | 'incomplete' | 'corrupt' | 'unknown';
  tableCount: number | null;
  rowCount: number | null;
  schemaVersion: string | null;
  database: string | null;
  serverVersion: string | null;
  createdAt: string;
  manifest: BackupManifest | null;
  /** The manifest's signature line (format/seal.ts), null when unsealed or not ours. */
  seal?: SealInfo | null;
}

interface Row {
  profile_id: string;
  location: FileLocation;
  name: string;
  path: string;
  size: number;
  mtime_ms: number;
  version: string | null;
  fingerprint: string | null;
  format: CachedFile['format'];
  status: CachedFile['status'];
  table_count: number | null;
  row_count: number | null;
  schema_version: string | null;
  database_name: string | null;
  server_version: string | null;
  created_at: string;
  manifest: string | null;
  seal: string | null;
}

function fromRow(r: Row): CachedFile {
  return {
    profileId: r.profile_id,
    location: r.location,
    name: r.name,
    path: r.path,
    size: r.size,
    mtimeMs: r.mtime_ms,
    version: r.version,
    fingerprint: r.fingerprint,
    format: r.format,
    status: r.status,
    tableCount: r.table_count,
    rowCount: r.row_count,
    schemaVersion: r.schema_version,
    database: r.database_name,
    serverVersion: r.server_version,
    createdAt: r.created_at,
    manifest: r.manifest ? (JSON.parse(r.manifest) as BackupManifest) : null,
    seal: r.seal ? (JSON.parse(r.seal) as SealInfo) : null,
  };
}

export class CatalogCache {
  constructor(private readonly store: AppDatabase) {
    store.ensureSchema('backups', SCHEMA);
  }

  files(profileId: string, location: FileLocation): CachedFile[] {
    const rows = this.store.db
      .prepare('SELECT * FROM backup_files WHERE profile_id = ? AND location = ? ORDER BY name')
      .all(profileId, location) as Row[];
    return rows.map(fromRow);
  }

  get(profileId: string, location: FileLocation, name: string): CachedFile | null {
    const row = this.store.db
      .prepare('SELECT * FROM backup_files WHERE profile_id = ? AND location = ? AND name = ?')
      .get(profileId, location, name) as Row | undefined;
    return row ? fromRow(row) : null;
  }

  /** Replace what a folder holds with `files` (a fresh listing): rows of vanished files go. */
  replaceFolder(profileId: string, location: FileLocation, files: CachedFile[]): void {
    const now = new Date().toISOString();
    const del = this.store.db.prepare('DELETE FROM backup_files WHERE profile_id = ? AND location = ?');
    const ins = this.store.db.prepare(
      `INSERT INTO backup_files (profile_id, location, name, path, size, mtime_ms, version, fingerprint, format, status,
         table_count, row_count, schema_version, database_name, server_version, created_at, manifest, seal, seen_at)
       VALUES (@profileId, @location, @name, @path, @size, @mtimeMs, @version, @fingerprint, @format, @status,
         @tableCount, @rowCount, @schemaVersion, @database, @serverVersion, @createdAt, @manifest, @seal, @seenAt)`,
    );
    this.store.db.transaction(() => {
      del.run(profileId, location);
      for (const f of files)
        ins.run({
          ...f,
          mtimeMs: Math.round(f.mtimeMs),
          manifest: f.manifest ? JSON.stringify(f.manifest) : null,
          seal: f.seal ? JSON.stringify(f.seal) : null,
          seenAt: now,
        });
    })();
  }

  /** Add or replace one file's description (a download that read every byte of its encrypted copy). */
  putFile(f: CachedFile): void {
    this.store.db
      .prepare(
        `INSERT OR REPLACE INTO backup_files (profile_id, location, name, path, size, mtime_ms, version, fingerprint, format,
           status, table_count, row_count, schema_version, database_name, server_version, created_at, manifest, seal, seen_at)
         VALUES (@profileId, @location, @name, @path, @size, @mtimeMs, @version, @fingerprint, @format, @status,
           @tableCount, @rowCount, @schemaVersion, @database, @serverVersion, @createdAt, @manifest, @seal, @seenAt)`,
      )
      .run({
        ...f,
        mtimeMs: Math.round(f.mtimeMs),
        manifest: f.manifest ? JSON.stringify(f.manifest) : null,
        seal: f.seal ? JSON.stringify(f.seal) : null,
        seenAt: new Date().toISOString(),
      });
  }

  remove(profileId: string, location: FileLocation, name: string): void {
    this.store.db
      .prepare('DELETE FROM backup_files WHERE profile_id = ? AND location = ? AND name = ?')
      .run(profileId, location, name);
  }

  recordVerification(fingerprint: string, level: VerifyLevel, ok: boolean, message: string): BackupVerification {
    const at = new Date().toISOString();
    this.store.db
      .prepare(
        `INSERT INTO backup_verifications (fingerprint, level, at, ok, message) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT(fingerprint, level) DO UPDATE SET at = excluded.at, ok = excluded.ok, message = excluded.message`,
      )
      .run(fingerprint, level, at, ok ? 1 : 0, message.slice(0, 2000));
    return { at, level, ok, message };
  }

  /** Record that `version` of the file at `fileKey` has the content `contentKey` (a job read all of it). */
  recordContent(fileKey: string, version: string, contentKey: string): void {
    this.store.db
      .prepare(
        `INSERT INTO backup_file_content (file_key, version, content_key, recorded_at) VALUES (?, ?, ?, ?)
         ON CONFLICT(file_key) DO UPDATE SET version = excluded.version, content_key = excluded.content_key, recorded_at = excluded.recorded_at`,
      )
      .run(fileKey, version, contentKey, new Date().toISOString());
  }

  /** The content key of the file at `fileKey`, only while it is still the version that was read. */
  contentKey(fileKey: string, version: string | null): string | null {
    if (!version) return null;
    const row = this.store.db.prepare('SELECT version, content_key FROM backup_file_content WHERE file_key = ?').get(fileKey) as
      | { version: string; content_key: string }
      | undefined;
    return row && row.version === version ? row.content_key : null;
  }

  /** The verification of a file as it is now (its current version), or null. */
  verificationOfFile(file: Pick<CachedFile, 'location' | 'profileId' | 'path' | 'version'>): BackupVerification | null {
    return this.verification(this.contentKey(fileKeyOf(file), file.version));
  }

  /** The most telling verification of a content key: a restore test beats a structure check; newest wins. */
  verification(fingerprint: string | null): BackupVerification | null {
    if (!fingerprint) return null;
    const rows = this.store.db
      .prepare('SELECT level, at, ok, message FROM backup_verifications WHERE fingerprint = ?')
      .all(fingerprint) as Array<{ level: VerifyLevel; at: string; ok: number; message: string }>;
    if (!rows.length) return null;
    const failed = rows.filter((r) => !r.ok).sort((a, b) => b.at.localeCompare(a.at))[0];
    const best = rows.find((r) => r.ok && r.level === 'restore') ?? rows.find((r) => r.ok) ?? rows[0];
    const pick = failed && best && failed.at > best.at ? failed : best;
    return pick ? { at: pick.at, level: pick.level, ok: pick.ok === 1, message: pick.message } : null;
  }

  /** The remote file a `.download.partial` belongs to: a resume is only valid against the same version. */
  downloadState(profileId: string, name: string): { remoteSize: number; remoteMtimeMs: number } | null {
    const row = this.store.db
      .prepare(
        'SELECT remote_size AS remoteSize, remote_mtime_ms AS remoteMtimeMs FROM backup_downloads WHERE profile_id = ? AND name = ?',
      )
      .get(profileId, name) as { remoteSize: number; remoteMtimeMs: number } | undefined;
    return row ?? null;
  }

  setDownloadState(profileId: string, name: string, remoteSize: number, remoteMtimeMs: number): void {
    this.store.db
      .prepare(
        `INSERT INTO backup_downloads (profile_id, name, remote_size, remote_mtime_ms, started_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT(profile_id, name) DO UPDATE SET remote_size = excluded.remote_size, remote_mtime_ms = excluded.remote_mtime_ms, started_at = excluded.started_at`,
      )
      .run(profileId, name, remoteSize, Math.round(remoteMtimeMs), new Date().toISOString());
  }

  clearDownloadState(profileId: string, name: string): void {
    this.store.db.prepare('DELETE FROM backup_downloads WHERE profile_id = ? AND name = ?').run(profileId, name);
  }
}
