import fs from 'node:fs';
import path from 'node:path';
import { AppError } from '../../../core/AppError';

/**
 * Backup file names come from people (CLI, UI) and from remote directory listings; none is trusted as a
 * path. A name is one plain file name ending in .sql or .sql.gz, and it resolves inside its folder.
 */

const SAFE_NAME = /^[A-Za-z0-9][A-Za-z0-9._+-]{0,199}\.sql(\.gz)?(\.age)?$/;

export function isBackupFileName(name: string): boolean {
  return SAFE_NAME.test(name) && !name.includes('..') && !/^latest\./i.test(name);
}

/** Throws UNSAFE_FILENAME unless `name` is a plain backup file name; returns the path inside `dir`. */
export function resolveBackupPath(dir: string, name: string): string {
  if (!SAFE_NAME.test(name) || name.includes('..') || name.includes('/') || name.includes('\\') || name.includes('\0')) {
    throw new AppError(
      'UNSAFE_FILENAME',
      `"${name.slice(0, 80)}" is not a backup file name (letters, digits, . _ + -; ending in .sql, .sql.gz or .sql.gz.age; no folders).`,
    );
  }
  const root = path.resolve(dir);
  const full = path.resolve(root, name);
  if (path.dirname(full) !== root)
    throw new AppError('UNSAFE_FILENAME', `"${name.slice(0, 80)}" points outside the backup folder.`);
  return full;
}

/** Same rule for names in a POSIX remote folder (SFTP paths always use `/`). */
export function resolveRemotePath(dir: string, name: string): string {
  resolveBackupPath('/x', name);
  return `${dir.replace(/\/+$/, '')}/${name}`;
}

/** A database or profile name reduced to characters that are safe in any file system. */
export function fileSafe(text: string, fallback = 'db'): string {
  const s = text
    .normalize('NFKD')
    .replace(/[^A-Za-z0-9_-]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, 60);
  return s || fallback;
}

/** `20260131T235959Z` */
export function timestampForName(d: Date): string {
  return d
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
}

/**
 * `<database>_<YYYYMMDDTHHMMSSZ>[_<label>].sql.gz`, made unique in `dir` (neither the name nor its `.partial`
 * exists); `_2`, `_3`... are added when two backups start in the same second.
 */
export function newBackupName(dir: string, database: string, when: Date, label?: string, ext = '.sql.gz'): string {
  const base = `${fileSafe(database)}_${timestampForName(when)}${label ? `_${fileSafe(label, 'label')}` : ''}`;
  for (let i = 1; i < 1000; i++) {
    const name = `${base}${i === 1 ? '' : `_${i}`}${ext}`;
    const full = path.join(dir, name);
    if (!fs.existsSync(full) && !fs.existsSync(`${full}.partial`)) return name;
  }
  throw new AppError('CONFLICT', `Could not find a free file name for ${base} in ${dir}.`);
}
