/**
 * Quoting for SQL we write ourselves — the one place identifiers and strings are quoted (restore, backups,
 * migrations). `…Bytes` forms are for byte-transparent connections (latin1 strings carrying UTF-8 bytes).
 */

/** A name as a backtick-quoted identifier (a text connection). */
export function quoteIdent(name: string): string {
  return `\`${name.replaceAll('`', '``')}\``;
}

/** A name back into a backtick-quoted byte string (names arrive as UTF-8 text). */
export function quoteIdentBytes(name: string): string {
  return `\`${Buffer.from(name.replace(/`/g, '``'), 'utf8').toString('latin1')}\``;
}

/** A byte-string identifier as its real (UTF-8) name. */
export function bytesToName(raw: string): string {
  return Buffer.from(raw, 'latin1').toString('utf8');
}

/** A byte-string value as a string literal the server reads back to the same bytes. */
export function quoteStringBytes(value: string, backslashEscapes: boolean): string {
  if (!backslashEscapes) return `'${value.replace(/'/g, "''")}'`;
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\0/g, '\\0')}'`;
}
