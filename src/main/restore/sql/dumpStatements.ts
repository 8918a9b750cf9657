/**
 * What a dump statement is, as far as a restore cares: data for a table, DDL of a table, session state,
 * an object (view, trigger, routine, event) to recreate after the swap, or something to refuse or skip.
 *
 * Statements arrive as "byte strings": latin1-decoded Buffers, one char per byte, so the text can be
 * matched with regexes and sent back byte for byte. Identifier names are turned into real (UTF-8) names
 * with `identName`.
 */

export type ObjectType = 'view' | 'trigger' | 'procedure' | 'function' | 'event';

export type DumpStatement =
  | {
      kind: 'insert';
      table: string;
      qualifier: string | null;
      verb: 'INSERT' | 'INSERT IGNORE' | 'REPLACE';
      hasColumnList: boolean;
      nameStart: number;
      nameEnd: number;
    }
  | { kind: 'create-table'; table: string; qualifier: string | null }
  | { kind: 'drop-table'; tables: string[]; qualifiers: string[] }
  | { kind: 'alter-table'; table: string; qualifier: string | null; keysOnly: boolean }
  /** `SELECT SETVAL(s, …)` / `DO SETVAL(s, …)` on an unqualified sequence: how dumps restore a sequence's state. */
  | { kind: 'sequence-state' }
  | { kind: 'session'; noBackslashEscapes: boolean | null }
  | { kind: 'global-set'; what: string }
  | { kind: 'lock' }
  | { kind: 'transaction' }
  | { kind: 'use'; database: string }
  | { kind: 'create-database'; database: string; charset: string | null; collation: string | null }
  | { kind: 'alter-database'; database: string | null; charset: string | null; collation: string | null }
  | { kind: 'object'; type: ObjectType; name: string; table: string | null; definer: string | null }
  | { kind: 'drop-object'; type: ObjectType }
  | { kind: 'account' }
  | { kind: 'other'; head: string };

/** The numeric server version used for executable comments: 10.11.19 → 101119, 8.0.36 → 80036. */
export function numericServerVersion(version: string): number {
  const m = /^(\d+)\.(\d+)\.(\d+)/.exec(version);
  if (!m) return 0;
  return Number(m[1]) * 10000 + Number(m[2]) * 100 + Number(m[3]);
}

/**
 * The statement as the server would read it: `/*!NNNNN ...*\/` unwrapped when NNNNN <= server version,
 * dropped otherwise; with `stripComments`, ordinary comments removed as well. Quotes are respected.
 */
export function unwrapExecutable(sql: string, serverVersion: number, stripComments: boolean): string {
  let out = '';
  let i = 0;
  const n = sql.length;
  let inExec = false;
  while (i < n) {
    const c = sql[i] as string;
    if (c === "'" || c === '"' || c === '`') {
      let j = i + 1;
      while (j < n) {
        const d = sql[j];
        if (d === '\\' && c !== '`') j += 2;
        else if (d === c) {
          if (sql[j + 1] === c) j += 2;
          else break;
        } else j++;
      }
      out += sql.slice(i, j + 1);
      i = j + 1;
      continue;
    }
    if (c === '/' && sql[i + 1] === '*') {
      const exec = sql[i + 2] === '!' ? 3 : sql[i + 2] === 'M' && sql[i + 3] === '!' ? 4 : 0;
      if (exec) {
        let j = i + exec;
        while (j < n && j < i + exec + 6 && sql.charCodeAt(j) >= 48 && sql.charCodeAt(j) <= 57) j++;
        const digits = sql.slice(i + exec, j);
        const version = digits ? Number(digits) : 0;
        if (version <= serverVersion) {
          inExec = true;
          out += ' ';
          i = j;
        } else {
          const end = sql.indexOf('*/', j);
          i = end < 0 ? n : end + 2;
          out += ' ';
        }
        continue;
      }
      const end = sql.indexOf('*/', i + 2);
      if (stripComments) out += ' ';
      else out += sql.slice(i, end < 0 ? n : end + 2);
      i = end < 0 ? n : end + 2;
      continue;
    }
    if (inExec && c === '*' && sql[i + 1] === '/') {
      inExec = false;
      out += ' ';
      i += 2;
      continue;
    }
    if (stripComments && (c === '#' || (c === '-' && sql[i + 1] === '-' && (sql.charCodeAt(i + 2) <= 32 || i + 2 >= n)))) {
      const end = sql.indexOf('\n', i);
      i = end < 0 ? n : end + 1;
      out += ' ';
      continue;
    }
    out += c;
    i++;
  }
  return out;
}

const IDENT = '(`(?:[^`]|``)+`|[A-Za-z0-9_$\\u0080-\\u00ff]+)';
const QUALIFIED = `${IDENT}(?:\\s*\\.\\s*${IDENT})?`;
const DEFINER_CLAUSE =
  /DEFINER\s*=\s*(?:CURRENT_USER(?:\s*\(\s*\))?|(?:`(?:[^`]|``)*`|'(?:[^'\\]|\\.|'')*'|"(?:[^"\\]|\\.)*"|[A-Za-z0-9_$.%-]+)(?:\s*@\s*(?:`(?:[^`]|``)*`|'(?:[^'\\]|\\.|'')*'|"(?:[^"\\]|\\.)*"|[A-Za-z0-9_$.%:-]+))?)/i;

/** A quoted or bare identifier as its real name (byte string → UTF-8). */
export function identName(raw: string): string {
  const bare = raw.startsWith('`') ? raw.slice(1, -1).replace(/``/g, '`') : raw;
  return Buffer.from(bare, 'latin1').toString('utf8');
}

/** A name back into a backtick-quoted byte string. */
export function quoteIdentBytes(name: string): string {
  return `\`${Buffer.from(name.replace(/`/g, '``'), 'utf8').toString('latin1')}\``;
}

function qualified(m: RegExpExecArray, first: number): { name: string; qualifier: string | null } {
  const a = m[first] as string;
  const b = m[first + 1];
  return b ? { qualifier: identName(a), name: identName(b) } : { qualifier: null, name: identName(a) };
}

const REPLICATION = /^(?:SLAVE|REPLICA|ALL\s+(?:SLAVES|REPLICAS))\b/i;
// The whole statement: SETVAL on an unqualified sequence with plain number arguments, nothing after it.
const SETVAL = new RegExp(`^SETVAL\\s*\\(\\s*${IDENT}\\s*(?:,\\s*-?\\d+\\s*){1,3}\\)\\s*$`, 'i');

const INSERT_RE = new RegExp(
  `^(INSERT|REPLACE)\\s+(?:(?:LOW_PRIORITY|DELAYED|HIGH_PRIORITY)\\s+)?(IGNORE\\s+)?(?:INTO\\s+)?(${IDENT}(?:\\s*\\.\\s*${IDENT})?)\\s*(\\()?`,
  'id',
);

/** Classify one statement (a byte string). Only the first few kilobytes are looked at. */
export function classifyDumpStatement(sql: string, serverVersion: number): DumpStatement {
  const ins = INSERT_RE.exec(sql);
  if (ins) {
    const { name, qualifier } = qualified(ins, 4);
    const verb = (ins[1] as string).toUpperCase() === 'REPLACE' ? 'REPLACE' : ins[2] ? 'INSERT IGNORE' : 'INSERT';
    const span = ins.indices?.[3] ?? [0, 0];
    return { kind: 'insert', table: name, qualifier, verb, hasColumnList: Boolean(ins[6]), nameStart: span[0], nameEnd: span[1] };
  }
  const head = unwrapExecutable(sql.length > 4096 ? sql.slice(0, 4096) : sql, serverVersion, true).trim();
  const word = /^[A-Za-z]+/.exec(head)?.[0]?.toUpperCase() ?? '';
  const rest = head.slice(word.length).trimStart();
  switch (word) {
    case 'SET':
      return classifySet(rest, head);
    case 'LOCK':
    case 'UNLOCK':
      return /^TABLES?\b/i.test(rest) ? { kind: 'lock' } : { kind: 'other', head: head.slice(0, 200) };
    case 'BEGIN':
    case 'COMMIT':
    case 'ROLLBACK':
    case 'START':
      if (word === 'START' && REPLICATION.test(rest)) return { kind: 'global-set', what: 'replication (START SLAVE …)' };
      return word === 'START' && !/^TRANSACTION\b/i.test(rest)
        ? { kind: 'other', head: head.slice(0, 200) }
        : { kind: 'transaction' };
    case 'CHANGE':
    case 'STOP':
    case 'RESET':
      return /^(?:MASTER|REPLICATION|SLAVE|REPLICA|ALL\s+(?:SLAVES|REPLICAS))\b/i.test(rest)
        ? { kind: 'global-set', what: 'replication (CHANGE MASTER …)' }
        : { kind: 'other', head: head.slice(0, 200) };
    case 'SELECT':
    case 'DO':
      return SETVAL.test(rest) ? { kind: 'sequence-state' } : { kind: 'other', head: head.slice(0, 200) };
    case 'USE': {
      const m = new RegExp(`^${IDENT}`).exec(rest);
      return m ? { kind: 'use', database: identName(m[1] as string) } : { kind: 'other', head: head.slice(0, 200) };
    }
    case 'GRANT':
    case 'REVOKE':
    case 'FLUSH':
      return word === 'FLUSH' && !/^PRIVILEGES\b/i.test(rest) ? { kind: 'other', head: head.slice(0, 200) } : { kind: 'account' };
    case 'CREATE':
      return classifyCreate(rest, head);
    case 'DROP':
      return classifyDrop(rest, head);
    case 'ALTER':
      return classifyAlter(rest, head);
    default:
      return { kind: 'other', head: head.slice(0, 200) };
  }
}

function classifySet(rest: string, head: string): DumpStatement {
  // SET STATEMENT … FOR <any statement> would run a statement we did not classify.
  if (/^STATEMENT\b/i.test(rest)) return { kind: 'other', head: head.slice(0, 200) };
  if (/^(?:PASSWORD|ROLE|DEFAULT\s+ROLE)\b/i.test(rest)) return { kind: 'account' };
  const globalMatch = /^(?:GLOBAL\s+|@@GLOBAL\s*\.\s*)([A-Za-z_]+)/i.exec(rest);
  if (globalMatch) return { kind: 'global-set', what: (globalMatch[1] as string).toUpperCase() };
  if (/^(?:SESSION\s+|@@SESSION\s*\.\s*|@@)?SQL_LOG_BIN\s*=/i.test(rest)) return { kind: 'global-set', what: 'SQL_LOG_BIN' };
  if (/^(?:SESSION\s+|@@SESSION\s*\.\s*|@@)?autocommit\s*=/i.test(rest)) return { kind: 'transaction' };
  let noBackslashEscapes: boolean | null = null;
  const mode = /\bSQL_MODE\s*=\s*'([^']*)'/i.exec(rest);
  if (mode) noBackslashEscapes = /NO_BACKSLASH_ESCAPES/i.test(mode[1] as string);
  return { kind: 'session', noBackslashEscapes };
}

const OBJECT_PREFIX =
  '^(?:OR\\s+REPLACE\\s+)?(?:ALGORITHM\\s*=\\s*\\w+\\s+)?(?:DEFINER\\s*=\\s*\\S+?\\s+)?(?:SQL\\s+SECURITY\\s+\\w+\\s+)?';

function classifyCreate(rest: string, head: string): DumpStatement {
  const db = new RegExp(`^(?:DATABASE|SCHEMA)\\s+(?:IF\\s+NOT\\s+EXISTS\\s+)?${IDENT}`, 'i').exec(rest);
  if (db) return { kind: 'create-database', database: identName(db[1] as string), ...charsetOf(rest) };
  const table = new RegExp(`^(?:OR\\s+REPLACE\\s+)?(?:TABLE|SEQUENCE)\\s+(?:IF\\s+NOT\\s+EXISTS\\s+)?${QUALIFIED}`, 'i').exec(
    rest,
  );
  if (table) {
    const { name, qualifier } = qualified(table, 1);
    return { kind: 'create-table', table: name, qualifier };
  }
  if (/^(?:OR\s+REPLACE\s+)?TEMPORARY\s+TABLE\b/i.test(rest)) return { kind: 'other', head: head.slice(0, 200) };
  if (/^(?:OR\s+REPLACE\s+)?(?:USER|ROLE)\b/i.test(rest)) return { kind: 'account' };
  const definer = DEFINER_CLAUSE.exec(rest)?.[0]?.replace(/^DEFINER\s*=\s*/i, '') ?? null;
  const noDefiner = rest.replace(DEFINER_CLAUSE, ' ').replace(/\s+/g, ' ').trim();
  const obj = new RegExp(
    `${OBJECT_PREFIX}(VIEW|TRIGGER|PROCEDURE|FUNCTION|EVENT|AGGREGATE\\s+FUNCTION)\\s+(?:IF\\s+NOT\\s+EXISTS\\s+)?${QUALIFIED}`,
    'i',
  ).exec(noDefiner);
  if (obj) {
    const kw = (obj[1] as string).toUpperCase();
    const type: ObjectType =
      kw === 'VIEW'
        ? 'view'
        : kw === 'TRIGGER'
          ? 'trigger'
          : kw === 'PROCEDURE'
            ? 'procedure'
            : kw === 'EVENT'
              ? 'event'
              : 'function';
    const { name } = qualified(obj, 2);
    let table: string | null = null;
    if (type === 'trigger') {
      const on = new RegExp(`\\b(?:BEFORE|AFTER)\\s+(?:INSERT|UPDATE|DELETE)\\s+ON\\s+${QUALIFIED}`, 'i').exec(noDefiner);
      if (on) table = qualified(on, 1).name;
    }
    return { kind: 'object', type, name, table, definer };
  }
  return { kind: 'other', head: head.slice(0, 200) };
}

function classifyDrop(rest: string, head: string): DumpStatement {
  const table = /^(?:TEMPORARY\s+)?(?:TABLE|TABLES|SEQUENCE)\s+(?:IF\s+EXISTS\s+)?(.*)$/is.exec(rest);
  if (table) {
    const found = [...(table[1] as string).matchAll(new RegExp(QUALIFIED, 'g'))];
    const names = found.map((m) => identName((m[2] ?? m[1]) as string));
    const qualifiers = [...new Set(found.filter((m) => m[2]).map((m) => identName(m[1] as string)))];
    return { kind: 'drop-table', tables: names.filter((n) => !/^(RESTRICT|CASCADE)$/i.test(n)), qualifiers };
  }
  const obj = /^(VIEW|TRIGGER|PROCEDURE|FUNCTION|EVENT)\b/i.exec(rest);
  if (obj) return { kind: 'drop-object', type: (obj[1] as string).toLowerCase() as ObjectType };
  if (/^(?:USER|ROLE)\b/i.test(rest)) return { kind: 'account' };
  return { kind: 'other', head: head.slice(0, 200) };
}

function classifyAlter(rest: string, head: string): DumpStatement {
  const db = new RegExp(`^(?:DATABASE|SCHEMA)(?:\\s+${IDENT})?`, 'i').exec(rest);
  if (db) {
    const name = db[1] && !/^(?:DEFAULT|CHARACTER|CHARSET|COLLATE)$/i.test(db[1]) ? identName(db[1]) : null;
    return { kind: 'alter-database', database: name, ...charsetOf(rest) };
  }
  const table = new RegExp(`^(?:ONLINE\\s+)?(?:IGNORE\\s+)?TABLE\\s+${QUALIFIED}\\s*(.*)$`, 'is').exec(rest);
  if (table) {
    const { name, qualifier } = qualified(table, 1);
    return {
      kind: 'alter-table',
      table: name,
      qualifier,
      keysOnly: /^(?:DISABLE|ENABLE)\s+KEYS\s*$/i.test((table[3] as string).trim()),
    };
  }
  if (/^(?:USER|ROLE)\b/i.test(rest)) return { kind: 'account' };
  return { kind: 'other', head: head.slice(0, 200) };
}

function charsetOf(text: string): { charset: string | null; collation: string | null } {
  const cs = /(?:CHARACTER\s+SET|CHARSET)\s*=?\s*'?(\w+)'?/i.exec(text);
  const co = /COLLATE\s*=?\s*'?(\w+)'?/i.exec(text);
  return { charset: cs ? (cs[1] as string) : null, collation: co ? (co[1] as string) : null };
}

/** Remove every `DEFINER=user@host` clause (also inside executable comments); the creator becomes the definer. */
export function stripDefiner(sql: string): string {
  return sql.replace(new RegExp(DEFINER_CLAUSE.source, 'gi'), ' ');
}

/**
 * Point qualified references to the source database at the target: `` `src`. `` → `` `dst`. ``. Only the
 * backtick-quoted form is rewritten (what SHOW CREATE and dump tools emit); returns how many were changed.
 */
export function rewriteDatabaseQualifier(sql: string, from: string, to: string): { sql: string; count: number } {
  if (from === to) return { sql, count: 0 };
  const pattern = new RegExp(`${escapeRegex(quoteIdentBytes(from))}(\\s*\\.)`, 'g');
  let count = 0;
  const out = sql.replace(pattern, (_m, dot: string) => {
    count++;
    return `${quoteIdentBytes(to)}${dot}`;
  });
  return { sql: out, count };
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** `CREATE [ALGORITHM..] VIEW` → `CREATE OR REPLACE [ALGORITHM..] VIEW` (works on MySQL and MariaDB). */
export function viewAsCreateOrReplace(sql: string): string {
  if (/^\s*(?:\/\*!\d*\s*)?CREATE\s+OR\s+REPLACE\b/i.test(sql)) return sql;
  return sql.replace(/^(\s*(?:\/\*!\d*\s*)?CREATE)\b/i, '$1 OR REPLACE');
}
