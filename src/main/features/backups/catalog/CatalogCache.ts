import type { Statement } from 'better-sqlite3';
import type { BackupManifest, BackupVerification, VerifyLevel } from '../../../../shared/contract/backups';
import type { AppDatabase } from '../../../platform/store/AppDatabase';
import { camelCaseColumns } from '../../../platform/store/columns';
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
export const CATALOG_SCHEMA = [
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
  // v6 (issue 16): manifests move to their own table. A listing reads every row of a folder; with the
  // manifest JSON inside the row (overflow pages) and columns stored after it, each row read walked it.
  // The source engine becomes a column so summaries need no manifest at all.
  `ALTER TABLE backup_files ADD COLUMN server_engine TEXT;
   UPDATE backup_files SET server_engine = json_extract(manifest, '$.source.engine') WHERE manifest IS NOT NULL;
   CREATE TABLE backup_manifests (
     profile_id TEXT NOT NULL, location TEXT NOT NULL, name TEXT NOT NULL, manifest TEXT NOT NULL,
     PRIMARY KEY (profile_id, location, name));
   INSERT INTO backup_manifests SELECT profile_id, location, name, manifest FROM backup_files WHERE manifest IS NOT NULL;
   UPDATE backup_files SET manifest = NULL;`,
];

/** What a listing needs of a file: everything but the manifest (read with `get`). */
const SUMMARY_COLUMNS = `f.profile_id, f.location, f.name, f.path, f.size, f.mtime_ms, f.version, f.fingerprint, f.format,
  f.status, f.table_count, f.row_count, f.schema_version, f.database_name, f.server_version, f.created_at, f.seal,
  f.server_engine`;
const WITH_MANIFEST = `SELECT ${SUMMARY_COLUMNS}, m.manifest FROM backup_files f
  LEFT JOIN backup_manifests m USING (profile_id, location, name)`;

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
  /** The manifest's source engine, kept beside it so summaries (manifest left out) still know it. */
  serverEngine?: 'mariadb' | 'mysql' | null;
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
  server_engine: 'mariadb' | 'mysql' | null;
}

function fromRow(r: Row): CachedFile {
  const { database_name, manifest, seal, ...columns } = r;
  return {
    ...camelCaseColumns(columns),
    database: database_name,
    manifest: manifest ? (JSON.parse(manifest) as BackupManifest) : null,
    seal: seal ? (JSON.parse(seal) as SealInfo) : null,
  };
}

const UPSERT = `INSERT OR REPLACE INTO backup_files (profile_id, location, name, path, size, mtime_ms, version, fingerprint,
    format, status, table_count, row_count, schema_version, database_name, server_version, created_at, seal,
    server_engine, seen_at)
  VALUES (@profileId, @location, @name, @path, @size, @mtimeMs, @version, @fingerprint, @format, @status,
    @tableCount, @rowCount, @schemaVersion, @database, @serverVersion, @createdAt, @seal, @serverEngine, @seenAt)`;
const UPSERT_MANIFEST = `INSERT OR REPLACE INTO backup_manifests (profile_id, location, name, manifest)
  VALUES (@profileId, @location, @name, @manifest)`;
const DELETE_MANIFEST = 'DELETE FROM backup_manifests WHERE profile_id = @profileId AND location = @location AND name = @name';

function toParams(f: CachedFile, seenAt: string): Record<string, unknown> {
  return {
    ...f,
    mtimeMs: Math.round(f.mtimeMs),
    manifest: f.manifest ? JSON.stringify(f.manifest) : null,
    seal: f.seal ? JSON.stringify(f.seal) : null,
    serverEngine: f.manifest?.source.engine ?? f.serverEngine ?? null,
    seenAt,
  };
}

export class CatalogCache {
  /** Prepared once per SQL text: compiling a statement per call was most of a 10k-file listing's time. */
  private readonly statements = new Map<string, Statement>();
  /**
   * `summaries` of a folder as last read, with the stamp they were read at: a warm listing of a 10k-file
   * folder spent a third of its time re-reading rows nothing had changed (issue 16). The stamp is this
   * connection's own row writes plus SQLite's `data_version`, which moves when another process (the CLI
   * beside the app) commits to the same file, so a memo is never served past a change from either side.
   */
  private readonly summaryMemo = new Map<string, { stamp: string; files: CachedFile[] }>();
  private rowWrites = 0;

  constructor(private readonly store: AppDatabase) {
    store.ensureSchema('backups', CATALOG_SCHEMA);
  }

  private sql(text: string): Statement {
    let st = this.statements.get(text);
    if (!st) {
      st = this.store.db.prepare(text);
      this.statements.set(text, st);
    }
    return st;
  }

  files(profileId: string, location: FileLocation): CachedFile[] {
    const rows = this.sql(`${WITH_MANIFEST} WHERE profile_id = ? AND location = ? ORDER BY name`).all(
      profileId,
      location,
    ) as Row[];
    return rows.map(fromRow);
  }

  /** What a folder held when last listed, without manifests (`manifest` is null; `get` reads one file's). */
  summaries(profileId: string, location: FileLocation): CachedFile[] {
    const key = `${profileId}\u0000${location}`;
    const stamp = `${this.rowWrites}:${this.store.db.pragma('data_version', { simple: true })}`;
    const memo = this.summaryMemo.get(key);
    if (memo?.stamp === stamp) return memo.files.slice();
    const rows = this.sql(
      `SELECT ${SUMMARY_COLUMNS}, NULL AS manifest FROM backup_files f WHERE profile_id = ? AND location = ? ORDER BY name`,
    ).all(profileId, location) as Row[];
    const files = rows.map(fromRow);
    this.summaryMemo.set(key, { stamp, files });
    return files.slice();
  }

  get(profileId: string, location: FileLocation, name: string): CachedFile | null {
    const row = this.sql(`${WITH_MANIFEST} WHERE profile_id = ? AND location = ? AND name = ?`).get(profileId, location, name) as
      | Row
      | undefined;
    return row ? fromRow(row) : null;
  }

  /** Replace what a folder holds with `files` (a fresh listing): rows of vanished files go. */
  replaceFolder(profileId: string, location: FileLocation, files: CachedFile[]): void {
    const now = new Date().toISOString();
    this.rowWrites++;
    this.store.db.transaction(() => {
      this.sql('DELETE FROM backup_files WHERE profile_id = ? AND location = ?').run(profileId, location);
      this.sql('DELETE FROM backup_manifests WHERE profile_id = ? AND location = ?').run(profileId, location);
      for (const f of files) this.write(f, now);
    })();
  }

  /**
   * Bring a folder's rows up to a fresh listing without rewriting the unchanged ones: rows of names not in
   * `present` go, `described` (new or changed files, read anew) are written, and `moved` rows get their new
   * path (the folder was renamed; same version, so the description stands).
   */
  syncFolder(
    profileId: string,
    location: FileLocation,
    present: ReadonlySet<string>,
    described: readonly CachedFile[],
    moved: ReadonlyArray<{ name: string; path: string }>,
  ): void {
    const now = new Date().toISOString();
    const names = this.sql('SELECT name FROM backup_files WHERE profile_id = ? AND location = ?').pluck();
    if (moved.length > 0) this.rowWrites++;
    this.store.db.transaction(() => {
      for (const name of names.all(profileId, location) as string[])
        if (!present.has(name)) this.remove(profileId, location, name);
      for (const f of described) this.write(f, now);
      for (const m of moved)
        this.sql('UPDATE backup_files SET path = ? WHERE profile_id = ? AND location = ? AND name = ?').run(
          m.path,
          profileId,
          location,
          m.name,
        );
    })();
  }

  /** Add or replace one file's description (a download that read every byte of its encrypted copy). */
  putFile(f: CachedFile): void {
    this.store.db.transaction(() => this.write(f, new Date().toISOString()))();
  }

  /** One file's row and its manifest (in its own table, so listings never read it). */
  private write(f: CachedFile, seenAt: string): void {
    this.rowWrites++;
    const params = toParams(f, seenAt);
    this.sql(UPSERT).run(params);
    this.sql(params.manifest === null ? DELETE_MANIFEST : UPSERT_MANIFEST).run(
      params.manifest === null ? { profileId: f.profileId, location: f.location, name: f.name } : params,
    );
  }

  remove(profileId: string, location: FileLocation, name: string): void {
    const key = { profileId, location, name };
    this.rowWrites++;
    this.sql('DELETE FROM backup_files WHERE profile_id = @profileId AND location = @location AND name = @name').run(key);
    this.sql(DELETE_MANIFEST).run(key);
  }

  recordVerification(fingerprint: string, level: VerifyLevel, ok: boolean, message: string): BackupVerification {
    const at = new Date().toISOString();
    this.sql(
      `INSERT INTO backup_verifications (fingerprint, level, at, ok, message) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT(fingerprint, level) DO UPDATE SET at = excluded.at, ok = excluded.ok, message = excluded.message`,
    ).run(fingerprint, level, at, ok ? 1 : 0, message.slice(0, 2000));
    return { at, level, ok, message };
  }

  /** Record that `version` of the file at `fileKey` has the content `contentKey` (a job read all of it). */
  recordContent(fileKey: string, version: string, contentKey: string): void {
    this.sql(
      `INSERT INTO backup_file_content (file_key, version, content_key, recorded_at) VALUES (?, ?, ?, ?)
         ON CONFLICT(file_key) DO UPDATE SET version = excluded.version, content_key = excluded.content_key, recorded_at = excluded.recorded_at`,
    ).run(fileKey, version, contentKey, new Date().toISOString());
  }

  /** The content key of the file at `fileKey`, only while it is still the version that was read. */
  contentKey(fileKey: string, version: string | null): string | null {
    if (!version) return null;
    const row = this.sql('SELECT version, content_key FROM backup_file_content WHERE file_key = ?').get(fileKey) as
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
    const rows = this.sql('SELECT level, at, ok, message FROM backup_verifications WHERE fingerprint = ?').all(fingerprint);
    return mostTelling(rows as VerificationRow[]);
  }

  /**
   * `verificationOfFile` for a whole listing: both tables read once into maps instead of two queries per
   * file. They hold one row per verified file version and content, far fewer than the files listed.
   */
  verificationsAtOnce(): VerificationLookup {
    const content = new Map<string, { version: string; content_key: string }>();
    const contentRows = this.sql('SELECT file_key, version, content_key FROM backup_file_content').all() as Array<{
      file_key: string;
      version: string;
      content_key: string;
    }>;
    for (const r of contentRows) content.set(r.file_key, r);
    const byKey = new Map<string, VerificationRow[]>();
    const rows = this.sql('SELECT fingerprint, level, at, ok, message FROM backup_verifications').all() as Array<
      VerificationRow & { fingerprint: string }
    >;
    for (const r of rows) byKey.set(r.fingerprint, [...(byKey.get(r.fingerprint) ?? []), r]);
    return {
      verificationOfFile: (file) => {
        const c = file.version ? content.get(fileKeyOf(file)) : undefined;
        return c && c.version === file.version ? mostTelling(byKey.get(c.content_key) ?? []) : null;
      },
    };
  }

  /** The remote file a `.download.partial` belongs to: a resume is only valid against the same version. */
  downloadState(profileId: string, name: string): { remoteSize: number; remoteMtimeMs: number } | null {
    const row = this.sql(
      'SELECT remote_size AS remoteSize, remote_mtime_ms AS remoteMtimeMs FROM backup_downloads WHERE profile_id = ? AND name = ?',
    ).get(profileId, name) as { remoteSize: number; remoteMtimeMs: number } | undefined;
    return row ?? null;
  }

  setDownloadState(profileId: string, name: string, remoteSize: number, remoteMtimeMs: number): void {
    this.sql(
      `INSERT INTO backup_downloads (profile_id, name, remote_size, remote_mtime_ms, started_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT(profile_id, name) DO UPDATE SET remote_size = excluded.remote_size, remote_mtime_ms = excluded.remote_mtime_ms, started_at = excluded.started_at`,
    ).run(profileId, name, remoteSize, Math.round(remoteMtimeMs), new Date().toISOString());
  }

  clearDownloadState(profileId: string, name: string): void {
    this.sql('DELETE FROM backup_downloads WHERE profile_id = ? AND name = ?').run(profileId, name);
  }
}

interface VerificationRow {
  level: VerifyLevel;
  at: string;
  ok: number;
  message: string;
}

/** What answers "is this file, as it is now, verified?": CatalogCache, or a snapshot of it for a listing. */
export interface VerificationLookup {
  verificationOfFile(file: Pick<CachedFile, 'location' | 'profileId' | 'path' | 'version'>): BackupVerification | null;
}

/** A restore test beats a structure check; a failure newer than the best success wins. */
function mostTelling(rows: VerificationRow[]): BackupVerification | null {
  if (!rows.length) return null;
  const failed = rows.filter((r) => !r.ok).sort((a, b) => b.at.localeCompare(a.at))[0];
  const best = rows.find((r) => r.ok && r.level === 'restore') ?? rows.find((r) => r.ok) ?? rows[0];
  const pick = failed && best && failed.at > best.at ? failed : best;
  return pick ? { at: pick.at, level: pick.level, ok: pick.ok === 1, message: pick.message } : null;
}
