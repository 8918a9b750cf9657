import { AppError } from '../../core/AppError';

/**
 * A restore target's name, checked before anything connects. MySQL and MariaDB refuse a name that ends
 * with a space (the server's "Incorrect database name" came back as INTERNAL from inside a running job),
 * and names with `/`, `\` or `.` are either refused (MySQL) or stored under an encoded folder name and
 * easily mistaken for a qualified `db.table` (MariaDB); NUL and characters beyond the Basic Multilingual
 * Plane are not allowed in identifiers at all; 64 characters is the identifier limit.
 */
export function databaseNameProblem(name: string): string | null {
  if (name.length === 0) return 'it is empty';
  if ([...name].length > 64) return `it is ${[...name].length} characters long (at most 64)`;
  if (/\s$/.test(name)) return 'it ends with a space (MySQL and MariaDB do not allow that)';
  if (name.includes('\0')) return 'it contains a NUL character';
  const bad = ['/', '\\', '.'].filter((c) => name.includes(c));
  if (bad.length) return `it contains ${bad.map((c) => `"${c}"`).join(', ')}`;
  if ([...name].some((c) => (c.codePointAt(0) ?? 0) > 0xffff)) return 'it contains a character outside the BMP (an emoji?)';
  return null;
}

/** Throws INVALID_DATABASE_NAME naming what is wrong (the name shown in JSON quotes, so a trailing space shows). */
export function checkDatabaseName(name: string, what = 'Target database'): void {
  const problem = databaseNameProblem(name);
  if (problem)
    throw new AppError('INVALID_DATABASE_NAME', `${what} ${JSON.stringify(name.slice(0, 80))} is not a valid name: ${problem}.`);
}
