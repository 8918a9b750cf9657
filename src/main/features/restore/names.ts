import { createHash } from 'node:crypto';

/**
 * Names of the schemas a restore creates next to the live one. They carry a UTC stamp so leftovers can be
 * recognised (and dated) by name alone; a long database name is shortened with a hash to stay within
 * MySQL's 64-character identifier limit.
 */

const LEFTOVER = /^(.*)__(restore|prev)_(\d{8}_\d{6})(?:_(\d+))?$/;

export function restoreStamp(d = new Date()): string {
  return d.toISOString().replace(/[-:]/g, '').replace('T', '_').slice(0, 15);
}

function base(db: string, suffixLength: number): string {
  if (db.length + suffixLength <= 64) return db;
  const hash = createHash('sha1').update(db).digest('hex').slice(0, 8);
  return `${db.slice(0, 64 - suffixLength - 9)}_${hash}`;
}

export function shadowSchemaName(db: string, stamp: string, n = 1): string {
  const suffix = `__restore_${stamp}${n > 1 ? `_${n}` : ''}`;
  return base(db, suffix.length) + suffix;
}

export function prevSchemaName(db: string, stamp: string, n = 1): string {
  const suffix = `__prev_${stamp}${n > 1 ? `_${n}` : ''}`;
  return base(db, suffix.length) + suffix;
}

/** `x__restore_20260101_120000` → { base: 'x', kind: 'shadow' }; null for other names. */
export function parseLeftoverName(name: string): { base: string; kind: 'shadow' | 'prev'; stamp: string } | null {
  const m = LEFTOVER.exec(name);
  if (!m) return null;
  return { base: m[1] as string, kind: m[2] === 'restore' ? 'shadow' : 'prev', stamp: m[3] as string };
}

/** The session lock a restore of `db` holds from start to end: a second restore of the same database waits. */
export function restoreLockName(db: string): string {
  const name = `sysndd_restore:${db}`;
  return name.length <= 64 ? name : `sysndd_restore:${createHash('sha1').update(db).digest('hex')}`;
}
