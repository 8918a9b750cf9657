/**
 * Helpers for object statements read back from a live server (SHOW CREATE …, trusted text): the restore
 * keeps them to put the previous objects back on rollback. A dump's statements are judged and rewritten by
 * the SQL toolkit instead (src/main/platform/sql/dumpClassifier.ts, dumpObject.ts).
 */
export type { ObjectType } from '../../../platform/sql/dumpObject';
export { numericServerVersion } from '../../../platform/sql/lexer';
export { bytesToName as identName, quoteIdentBytes } from '../../../platform/sql/tokenCursor';

const DEFINER_CLAUSE =
  /DEFINER\s*=\s*(?:CURRENT_USER(?:\s*\(\s*\))?|(?:`(?:[^`]|``)*`|'(?:[^'\\]|\\.|'')*'|"(?:[^"\\]|\\.)*"|[A-Za-z0-9_$.%-]+)(?:\s*@\s*(?:`(?:[^`]|``)*`|'(?:[^'\\]|\\.|'')*'|"(?:[^"\\]|\\.)*"|[A-Za-z0-9_$.%:-]+))?)/i;

/** Remove every `DEFINER=user@host` clause (also inside executable comments); the creator becomes the definer. */
export function stripDefiner(sql: string): string {
  return sql.replace(new RegExp(DEFINER_CLAUSE.source, 'gi'), ' ');
}

/** `CREATE [ALGORITHM..] VIEW` → `CREATE OR REPLACE [ALGORITHM..] VIEW` (works on MySQL and MariaDB). */
export function viewAsCreateOrReplace(sql: string): string {
  if (/^\s*(?:\/\*!\d*\s*)?CREATE\s+OR\s+REPLACE\b/i.test(sql)) return sql;
  return sql.replace(/^(\s*(?:\/\*!\d*\s*)?CREATE)\b/i, '$1 OR REPLACE');
}
