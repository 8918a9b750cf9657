import fs from 'node:fs/promises';
import path from 'node:path';
import { AppError } from '../../core/AppError';
import { checksumOf, normalizeMigrationText } from './checksum';

/** SysNDD's convention: three-digit zero-padded prefix, lowercase snake_case description, `.sql`. */
export const MIGRATION_NAME = /^(\d{3})_([a-z0-9]+(?:_[a-z0-9]+)*)\.sql$/;

export interface MigrationFile {
  filename: string;
  prefix: number;
  description: string;
  path: string;
}

export interface MigrationProblem {
  severity: 'error' | 'warning';
  code: 'MIGRATION_BAD_NAME' | 'DUPLICATE_PREFIX' | 'GAP' | 'EMPTY_FOLDER';
  filename: string | null;
  message: string;
}

export interface DiscoveredMigrations {
  dir: string;
  files: MigrationFile[];
  problems: MigrationProblem[];
}

/** Why a `.sql` name breaks the convention, in words, with the name it probably should have. */
export function explainBadName(filename: string): string {
  const base = filename.replace(/\.sql$/i, '');
  const suggestion = base
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
  const m = /^(\d+)_?(.*)$/.exec(suggestion);
  const suggested = m
    ? `${(m[1] as string).padStart(3, '0').slice(-3)}_${m[2] || 'description'}.sql`
    : `NNN_${suggestion || 'description'}.sql`;
  if (!/\.sql$/.test(filename)) return `"${filename}": the extension must be lower-case .sql (e.g. ${suggested}).`;
  if (!/^\d/.test(filename))
    return `"${filename}" has no numeric prefix; names look like NNN_snake_case.sql (e.g. ${suggested}).`;
  if (!/^\d{3}_/.test(filename)) {
    return `"${filename}": the prefix must be exactly three digits followed by "_" (SysNDD sorts names as text, so 4-digit or unpadded prefixes run out of order); e.g. ${suggested}.`;
  }
  return `"${filename}": the description must be lower-case letters, digits and single underscores (e.g. ${suggested}).`;
}

/**
 * List a migrations folder the way SysNDD does (every `*.sql` file, sorted by name), and check names:
 * bad names and duplicate prefixes are errors (the apply order would be ambiguous), gaps are warnings
 * (SysNDD's own history has them).
 */
export async function discoverMigrations(dir: string): Promise<DiscoveredMigrations> {
  const abs = path.resolve(dir);
  let entries: import('node:fs').Dirent[];
  try {
    entries = await fs.readdir(abs, { withFileTypes: true });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new AppError('NOT_FOUND', `Migrations folder not found: ${abs}`);
    if (code === 'ENOTDIR') throw new AppError('INVALID_ARGUMENT', `Not a folder: ${abs}`);
    throw new AppError('PRECONDITION_FAILED', `Cannot read migrations folder ${abs}: ${(err as Error).message}`);
  }
  const problems: MigrationProblem[] = [];
  const files: MigrationFile[] = [];
  const names = entries.filter((e) => e.isFile() && /\.sql$/i.test(e.name)).map((e) => e.name);
  names.sort();
  for (const filename of names) {
    const m = MIGRATION_NAME.exec(filename);
    if (!m) {
      problems.push({ severity: 'error', code: 'MIGRATION_BAD_NAME', filename, message: explainBadName(filename) });
      continue;
    }
    files.push({
      filename,
      prefix: Number(m[1]),
      description: (m[2] as string).replace(/_/g, ' '),
      path: path.join(abs, filename),
    });
  }
  files.sort((a, b) => a.prefix - b.prefix || (a.filename < b.filename ? -1 : 1));
  for (let i = 1; i < files.length; i++) {
    const prev = files[i - 1] as MigrationFile;
    const cur = files[i] as MigrationFile;
    if (cur.prefix === prev.prefix) {
      problems.push({
        severity: 'error',
        code: 'DUPLICATE_PREFIX',
        filename: cur.filename,
        message: `"${prev.filename}" and "${cur.filename}" share the prefix ${String(cur.prefix).padStart(3, '0')}; renumber one of them.`,
      });
    } else if (cur.prefix > prev.prefix + 1) {
      const missing = cur.prefix - prev.prefix - 1;
      const from = String(prev.prefix + 1).padStart(3, '0');
      const to = String(cur.prefix - 1).padStart(3, '0');
      problems.push({
        severity: 'warning',
        code: 'GAP',
        filename: cur.filename,
        message: `No file numbered ${missing === 1 ? from : `${from}–${to}`} between "${prev.filename}" and "${cur.filename}" (allowed; SysNDD has gaps too).`,
      });
    }
  }
  if (files.length === 0 && problems.length === 0) {
    problems.push({ severity: 'warning', code: 'EMPTY_FOLDER', filename: null, message: `No .sql files in ${abs}.` });
  }
  return { dir: abs, files, problems };
}

export interface MigrationSource {
  /** Text with BOM removed and CRLF turned into LF: what is split, checksummed and stored. */
  text: string;
  checksum: string;
  bytes: number;
}

export async function readMigration(file: MigrationFile): Promise<MigrationSource> {
  const data = await fs.readFile(file.path).catch((err: Error) => {
    throw new AppError('NOT_FOUND', `Cannot read ${file.filename}: ${err.message}`);
  });
  let raw: string;
  try {
    raw = new TextDecoder('utf-8', { fatal: true }).decode(data);
  } catch {
    throw new AppError('PRECONDITION_FAILED', `${file.filename} is not valid UTF-8 text; save it as UTF-8.`);
  }
  const text = normalizeMigrationText(raw);
  return { text, checksum: checksumOf(text), bytes: data.length };
}
