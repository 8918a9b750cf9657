import { createHash } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';

/**
 * Checksum policy: SHA-256 over the file's UTF-8 text after removing a leading BOM and turning CRLF into LF.
 * The algorithm id is stored next to every hash, so a future change of policy can be recognised instead of
 * reported as drift (the Flyway/Liquibase upgrade trap). Line-ending and BOM changes made by editors or
 * git's autocrlf never count as edits; any other byte does.
 */
export const CHECKSUM_ALGORITHM = 'sha256-lf-nobom-v1';

export function normalizeMigrationText(raw: string): string {
  return (raw.charCodeAt(0) === 0xfeff ? raw.slice(1) : raw).replace(/\r\n/g, '\n');
}

export function checksumOf(normalized: string): string {
  return createHash('sha256').update(normalized, 'utf8').digest('hex');
}

export function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** The applied text is kept gzip-compressed in our journal so drift can be shown as a diff later. */
export function compressText(text: string): Buffer {
  return gzipSync(Buffer.from(text, 'utf8'), { level: 9 });
}

export function decompressText(data: Buffer | Uint8Array | null): string | null {
  if (!data || data.length === 0) return null;
  return gunzipSync(data).toString('utf8');
}
