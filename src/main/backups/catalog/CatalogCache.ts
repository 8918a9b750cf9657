import type { BackupManifest, BackupVerification, VerifyLevel } from '../../../shared/contract/backups';
import type { AppDatabase } from '../../store/AppDatabase';

/**
 * The backup catalog's memory in the app's SQLite: what each folder held when last listed (so remote
 * backups stay browsable offline and expensive facts — manifests, table counts of foreign dumps — are read
 * once per file version), and verification results keyed by a content fingerprint, so a verified backup
 * keeps its badge wherever a copy of it lives (remote, downloaded, or a path given to the CLI).
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
];

export type FileLocation = 'local' | 'remote';

export interface CachedFile {
  profileId: string;
  location: FileLocation;
  name: string;
  path: string;
  size: number;
  mtimeMs: number;
  /** `manifest:<sha256 of the manifest JSON>` for ours, `stat:<name>:<size>:<mtime>` for foreign files. */
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
}

interface Row {
  profile_id: string;
  location: FileLocation;
  name: string;
  path: string;
  size: number;
  mtime_ms: number;
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
}

function fromRow(r: Row): CachedFile {
  return {
    profileId: r.profile_id,
    location: r.location,
    name: r.name,
    path: r.path,
    size: r.size,
    mtimeMs: r.mtime_ms,
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
      `INSERT INTO backup_files (profile_id, location, name, path, size, mtime_ms, fingerprint, format, status, table_count,
         row_count, schema_version, database_name, server_version, created_at, manifest, seen_at)
       VALUES (@profileId, @location, @name, @path, @size, @mtimeMs, @fingerprint, @format, @status, @tableCount,
         @rowCount, @schemaVersion, @database, @serverVersion, @createdAt, @manifest, @seenAt)`,
    );
    this.store.db.transaction(() => {
      del.run(profileId, location);
      for (const f of files)
        ins.run({ ...f, mtimeMs: Math.round(f.mtimeMs), manifest: f.manifest ? JSON.stringify(f.manifest) : null, seenAt: now });
    })();
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

  /** The most telling verification of a fingerprint: a restore test beats a structure check; newest wins. */
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
