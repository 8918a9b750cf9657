/**
 * What the restoring account may do, from SHOW GRANTS. Global (`*.*`) and database-level (`db`.* with
 * LIKE wildcards) grants are merged per database; table, column and routine grants do not matter for a
 * whole-database restore. Roles are not expanded (their grants are listed by SHOW GRANTS only when active).
 */

export interface ParsedGrant {
  privileges: string[];
  /** null = global (`*.*`); otherwise the database pattern (LIKE syntax, backslash escapes). */
  database: string | null;
}

const ALL = [
  'SELECT',
  'INSERT',
  'UPDATE',
  'DELETE',
  'CREATE',
  'DROP',
  'ALTER',
  'INDEX',
  'CREATE VIEW',
  'SHOW VIEW',
  'TRIGGER',
  'CREATE ROUTINE',
  'ALTER ROUTINE',
  'EVENT',
  'LOCK TABLES',
  'REFERENCES',
  'EXECUTE',
  'CREATE TEMPORARY TABLES',
];

function unquote(s: string): string {
  const t = s.trim();
  if (
    (t.startsWith('`') && t.endsWith('`')) ||
    (t.startsWith("'") && t.endsWith("'")) ||
    (t.startsWith('"') && t.endsWith('"'))
  ) {
    return t.slice(1, -1).replace(/``/g, '`');
  }
  return t;
}

/** Split at commas outside parentheses (`SELECT (a, b), INSERT`). */
function splitPrivileges(list: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of list) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out
    .map((p) =>
      p
        .replace(/\(.*\)/, '')
        .trim()
        .toUpperCase(),
    )
    .filter(Boolean);
}

export function parseGrants(lines: readonly string[]): ParsedGrant[] {
  const out: ParsedGrant[] = [];
  for (const line of lines) {
    const m = /^GRANT\s+(.+?)\s+ON\s+(?:TABLE\s+)?(\S+?)\s+TO\s/i.exec(line);
    if (!m) continue;
    const scope = m[2] as string;
    if (/^(?:PROCEDURE|FUNCTION|PACKAGE)\b/i.test(scope)) continue;
    const dot = /^(.+?)\.(.+)$/.exec(scope);
    if (!dot) continue;
    const db = dot[1] as string;
    const table = dot[2] as string;
    if (table !== '*') continue;
    let privileges = splitPrivileges(m[1] as string);
    if (/\bWITH\s+GRANT\s+OPTION\b/i.test(line)) privileges.push('GRANT OPTION');
    if (privileges.some((p) => p === 'ALL' || p === 'ALL PRIVILEGES'))
      privileges = [...ALL, 'ALL PRIVILEGES', ...privileges.filter((p) => !p.startsWith('ALL'))];
    // MySQL 8 lists dynamic privileges and GRANT OPTION by name; MariaDB says WITH GRANT OPTION.
    out.push({ privileges, database: db === '*' ? null : unquote(db) });
  }
  return out;
}

/** MySQL LIKE pattern of a database grant → RegExp (`_` any char, `%` any run, `\_` a literal underscore). */
export function grantPatternToRegExp(pattern: string): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] as string;
    if (c === '\\' && i + 1 < pattern.length) {
      re += (pattern[++i] as string).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    } else if (c === '%') re += '.*';
    else if (c === '_') re += '.';
    else re += c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`, 'i');
}

export class Grants {
  constructor(private readonly grants: readonly ParsedGrant[]) {}

  static fromShowGrants(lines: readonly string[]): Grants {
    return new Grants(parseGrants(lines));
  }

  global(): Set<string> {
    return new Set(this.grants.filter((g) => g.database === null).flatMap((g) => g.privileges));
  }

  on(database: string): Set<string> {
    const set = this.global();
    for (const g of this.grants) {
      if (g.database !== null && grantPatternToRegExp(g.database).test(database)) for (const p of g.privileges) set.add(p);
    }
    return set;
  }

  /** The privileges of `needed` missing on `database`. */
  missing(database: string, needed: readonly string[]): string[] {
    const have = this.on(database);
    return needed.filter((p) => !have.has(p));
  }

  /** May this account create objects with another account as DEFINER? */
  canSetAnyDefiner(): boolean {
    const g = this.global();
    return g.has('SUPER') || g.has('SET USER') || g.has('SET_USER_ID') || g.has('SET_ANY_DEFINER') || g.has('ALL PRIVILEGES');
  }
}
