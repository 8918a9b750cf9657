import type { BackupEntry, BackupManifest, SealState } from '../../../../shared/contract/backups';
import { serverEngineOf } from '../../../../shared/serverEngine';
import { AppError } from '../../../core/AppError';
import { readManifestDetailed } from '../format/BackupFileReader';
import type { ByteSource } from '../format/byteSource';
import { scanForeignFrom } from '../format/foreignDump';
import type { SealInfo } from '../format/seal';
import type { CachedFile, VerificationLookup } from './CatalogCache';

/** What a listing knows of a file before reading it: where it is, its size and mtime, and its version. */
export type FileFacts = Pick<CachedFile, 'profileId' | 'location' | 'name' | 'path' | 'size' | 'mtimeMs' | 'version'>;

/**
 * What a backup file is: our format (manifest → tables, rows, schema version) or a foreign dump (tables
 * counted by streaming it), and whether it is complete. `scanForeign` is false for remote foreign dumps in a
 * plain listing: counting their tables means downloading them (SysNDD leaves that column empty for this
 * reason); the catalog then shows "unknown" until the file is downloaded or scanned on request.
 */
export async function describeFile(facts: FileFacts, open: () => Promise<ByteSource>, scanForeign: boolean): Promise<CachedFile> {
  const base = {
    ...facts,
    createdAt: new Date(facts.mtimeMs).toISOString(),
    database: null,
    serverVersion: null,
    schemaVersion: null,
    rowCount: null,
    tableCount: null,
    manifest: null,
  };
  if (facts.name.endsWith('.age')) {
    // Encrypted (age): nothing inside is readable without its key; shown as an encrypted copy of ours.
    return {
      ...base,
      fingerprint: `stat:${facts.name}:${facts.size}:${Math.round(facts.mtimeMs)}`,
      format: 'sysndd-admin',
      status: 'unknown',
    };
  }
  const src = await open();
  try {
    try {
      const { manifest, jsonSha256, seal } = await readManifestDetailed(src);
      return { ...base, ...describedByManifest(manifest, jsonSha256, seal) };
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      if (err.code === 'BACKUP_CORRUPT') return { ...base, fingerprint: null, format: 'sysndd-admin', status: 'corrupt' };
      if (err.code !== 'BACKUP_INCOMPLETE') throw err;
      if ((err.details as { looksLikeOurs?: boolean } | undefined)?.looksLikeOurs) {
        return { ...base, fingerprint: null, format: 'sysndd-admin', status: 'incomplete' };
      }
    }
    const fingerprint = `stat:${facts.name}:${facts.size}:${Math.round(facts.mtimeMs)}`;
    if (!scanForeign) return { ...base, fingerprint, format: 'foreign', status: 'unknown' };
    const s = await scanForeignFrom(src);
    return {
      ...base,
      fingerprint,
      format: 'foreign',
      status: s.truncated || !s.completed ? 'incomplete' : 'complete',
      tableCount: s.tableCount,
      database: s.database,
      serverVersion: s.serverVersion,
    };
  } finally {
    await src.close().catch(() => undefined);
  }
}

/** What a complete backup's manifest says about it: the same for a file read back and one just written. */
export function describedByManifest(manifest: BackupManifest, jsonSha256: string, seal: SealInfo | null) {
  return {
    fingerprint: `manifest:${jsonSha256}`,
    format: 'sysndd-admin' as const,
    status: 'complete' as const,
    createdAt: manifest.createdAt,
    tableCount: manifest.counts.tables,
    rowCount: manifest.tables.filter((t) => t.type !== 'sequence').reduce((a, t) => a + t.rows, 0),
    schemaVersion: manifest.schemaVersionHead,
    database: manifest.source.database,
    serverVersion: manifest.source.serverVersion,
    manifest,
    seal,
    serverEngine: manifest.source.engine ?? null,
  };
}

/**
 * Reuse the cached description while the file is the same version (and it was fully read). Size and mtime
 * alone are not enough: an edit of the same size with its mtime put back would keep the old description —
 * and the old manifest's badge.
 */
export function reusable(cached: CachedFile | null, facts: FileFacts, scanForeign: boolean): cached is CachedFile {
  if (!cached?.version || cached.version !== facts.version) return false;
  return cached.status !== 'unknown' || !scanForeign;
}

/** A same-named file on both sides is one backup only when the content matches (size, and manifest when ours). */
export function sameContent(a: CachedFile, b: CachedFile): boolean {
  if (a.size !== b.size) return false;
  const ours = a.fingerprint?.startsWith('manifest:') || b.fingerprint?.startsWith('manifest:');
  return ours ? a.fingerprint === b.fingerprint || a.status === 'unknown' || b.status === 'unknown' : true;
}

/**
 * The badge of an entry: the verification of the file as it is now. For a file on both sides the local copy
 * speaks (a restore reads it): it shares a remote copy's badge only once proven the same content (a
 * download checks every member), and a local copy changed since shows none.
 */
function verifiedNow(file: CachedFile, copy: CachedFile | null, cache: VerificationLookup): BackupEntry['verified'] {
  const local = file.location === 'local' ? file : copy;
  return cache.verificationOfFile(copy && local ? local : file);
}

/** One catalog row: `file`, merged with `copy` (the same backup in the other location) when there is one. */
export function toEntry(
  file: CachedFile,
  copy: CachedFile | null,
  cache: VerificationLookup,
  judge?: (seal: SealInfo | null) => SealState,
): BackupEntry {
  const local = file.location === 'local' ? file : copy;
  const remote = file.location === 'remote' ? file : copy;
  // The better-described side speaks for both (a remote foreign dump is only scanned once downloaded).
  const main = copy && file.status === 'unknown' ? copy : file;
  return {
    name: file.name,
    location: copy ? 'both' : file.location,
    localPath: local?.path ?? null,
    remotePath: remote?.path ?? null,
    size: file.size,
    createdAt: main.createdAt,
    format: main.format,
    compressed: file.name.endsWith('.gz'),
    status: main.status,
    tableCount: main.tableCount,
    rowCount: main.rowCount,
    schemaVersionHead: main.schemaVersion,
    database: main.database,
    serverVersion: main.serverVersion,
    serverEngine:
      main.serverEngine ?? main.manifest?.source.engine ?? (main.serverVersion ? serverEngineOf(main.serverVersion) : null),
    verified: verifiedNow(file, copy, cache),
    encrypted: file.name.endsWith('.age'),
    seal: judge && main.format === 'sysndd-admin' && main.status === 'complete' ? judge(main.seal ?? null) : null,
  };
}
