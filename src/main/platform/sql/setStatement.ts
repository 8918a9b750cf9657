/**
 * `SET …` in a dump, judged assignment by assignment (`SET @a=1, GLOBAL init_connect='…'` is two
 * assignments, and the second one is server-wide). What may run is rewritten by us from the tokens, so
 * the server runs exactly the assignments that were checked: user variables, and session variables from
 * a short list of what dump tools set. sql_mode must have a value we can follow (a literal, or a variable
 * saved from @@sql_mode), because ANSI_QUOTES and NO_BACKSLASH_ESCAPES change how later statements read.
 */
import type { Token } from './lexer';
import { quoteStringBytes, StatementRefusal, TokenCursor } from './tokenCursor';

/** Session variables a dump may set (mysqldump, mariadb-dump, mydumper, our own backups). */
const SESSION_ALLOWED = new Set([
  'character_set_client',
  'character_set_results',
  'character_set_connection',
  'collation_connection',
  'sql_mode',
  'time_zone',
  'foreign_key_checks',
  'unique_checks',
  'sql_notes',
  'sql_warnings',
  'sql_quote_show_create',
  'sql_auto_is_null',
  'sql_safe_updates',
  'check_constraint_checks',
  'transaction_isolation',
  'tx_isolation',
  'innodb_strict_mode',
  'note_verbosity',
  'names',
  'character set',
]);

/** Settings that decide how the server reads the bytes of the next statements. */
const CLIENT_CHARSET = new Set(['names', 'character set', 'character_set_client']);
/**
 * Character sets where 0x5C (backslash) can be the second byte of a character: a splitter reading bytes and
 * the server reading characters would disagree on where a string ends (the classic GBK escape).
 */
const UNSAFE_CHARSETS = /^(?:big5|cp932|gbk|gb18030|sjis|eucjpms|ujis)$/i;

/** Server-wide state dump tools write for replicas: not part of a database restore, skipped with a warning. */
const GLOBAL_FURNITURE = new Set(['gtid_purged', 'gtid_slave_pos', 'gtid_binlog_state', 'gtid_domain_id']);

/** Functions a dump uses inside SET values (`SET SQL_MODE=IFNULL(@OLD_SQL_MODE,'')`). */
const VALUE_FUNCTIONS = new Set(['IFNULL', 'IF', 'COALESCE', 'CONCAT', 'CONCAT_WS', 'REPLACE', 'NULLIF']);
const VALUE_WORDS = /^[A-Za-z0-9_]+$/;

export interface SetSession {
  /** The session's sql_mode as far as the file's statements tell (starts as the server's). */
  sqlMode: string;
  vars: Map<string, string | null>;
  backslashEscapes: boolean;
}

export type SetOutcome =
  | { kind: 'session'; sql: string; sqlModeChanged: boolean }
  | { kind: 'global-set'; what: string }
  | { kind: 'transaction' }
  | { kind: 'account' };

interface Assignment {
  scope: 'user' | 'session' | 'global';
  name: string;
  value: Token[];
}

export function judgeSet(tokens: readonly Token[], session: SetSession): SetOutcome {
  const cur = TokenCursor.of(tokens);
  cur.expect('SET');
  if (cur.isWord('STATEMENT')) throw new StatementRefusal('SET STATEMENT … FOR runs a statement of its own');
  if (cur.isWord('PASSWORD') || cur.isWord('ROLE') || (cur.isWord('DEFAULT') && cur.isWord('ROLE', 1)))
    return { kind: 'account' };
  if (cur.isWord('TRANSACTION') || ((cur.isWord('SESSION') || cur.isWord('LOCAL')) && cur.isWord('TRANSACTION', 1)))
    return { kind: 'transaction' };
  const list = readAssignments(cur);
  const globals = list.filter((a) => a.scope === 'global');
  if (globals.length) {
    const a = globals[0] as Assignment;
    if (list.length === 1 && GLOBAL_FURNITURE.has(a.name)) return { kind: 'global-set', what: a.name.toUpperCase() };
    throw new StatementRefusal(`it changes the server-wide setting ${a.name}`);
  }
  const session_ = list.filter((a) => a.scope === 'session');
  if (session_.some((a) => a.name === 'sql_log_bin')) {
    if (list.length === 1) return { kind: 'global-set', what: 'SQL_LOG_BIN' };
    throw new StatementRefusal('it changes sql_log_bin together with other settings');
  }
  if (list.length === 1 && session_[0]?.name === 'autocommit') return { kind: 'transaction' };
  for (const a of session_) {
    if (!SESSION_ALLOWED.has(a.name) && a.name !== 'autocommit')
      throw new StatementRefusal(`it sets ${a.name}, which a dump does not need`);
    if (CLIENT_CHARSET.has(a.name) && a.value.some((t) => UNSAFE_CHARSETS.test(t.value)))
      throw new StatementRefusal(
        `it switches to a character set whose multi-byte characters can end in a backslash byte (${a.name})`,
      );
  }
  return writeSet(list, session);
}

function readAssignments(cur: TokenCursor): Assignment[] {
  const out: Assignment[] = [];
  for (;;) {
    out.push(readAssignment(cur));
    if (cur.atEnd()) return out;
    if (!cur.acceptPunct(',')) throw new StatementRefusal('could not read the SET list');
  }
}

function readAssignment(cur: TokenCursor): Assignment {
  const t = cur.next();
  if (!t) throw new StatementRefusal('an empty SET');
  let scope: Assignment['scope'] = 'session';
  let name: string;
  if (t.kind === 'variable') {
    return { scope: 'user', name: t.value, value: readValue(cur, true) };
  }
  if (t.kind === 'sysvar') {
    const head = t.value.toUpperCase();
    if (['GLOBAL', 'SESSION', 'LOCAL', 'PERSIST', 'PERSIST_ONLY'].includes(head) && cur.isPunct('.')) {
      cur.next();
      const v = cur.next();
      if (v?.kind !== 'word') throw new StatementRefusal('could not read the variable name');
      scope = head === 'SESSION' || head === 'LOCAL' ? 'session' : 'global';
      name = v.value;
    } else name = t.value;
  } else if (t.kind === 'word') {
    const w = t.value.toUpperCase();
    if (w === 'NAMES') return { scope: 'session', name: 'names', value: readValue(cur, false) };
    if (w === 'CHARSET' || (w === 'CHARACTER' && cur.accept('SET')))
      return { scope: 'session', name: 'character set', value: readValue(cur, false) };
    if (['GLOBAL', 'PERSIST', 'PERSIST_ONLY'].includes(w)) scope = 'global';
    if (['GLOBAL', 'SESSION', 'LOCAL', 'PERSIST', 'PERSIST_ONLY'].includes(w)) {
      const v = cur.next();
      if (v?.kind !== 'word') throw new StatementRefusal('could not read the variable name');
      name = v.value;
    } else name = t.value;
  } else if (t.kind === 'ident') {
    name = t.value;
  } else throw new StatementRefusal('could not read the SET list');
  return { scope, name: name.toLowerCase(), value: readValue(cur, true) };
}

/** The value tokens up to the next top-level comma; `=`/`:=` first when `assign`. */
function readValue(cur: TokenCursor, assign: boolean): Token[] {
  if (assign && !cur.acceptPunct('=') && !cur.acceptPunct(':=')) throw new StatementRefusal('could not read the SET list');
  const out: Token[] = [];
  let depth = 0;
  for (let t = cur.peek(); t; t = cur.peek()) {
    if (t.kind === 'punct' && t.value === ',' && depth === 0) break;
    if (t.kind === 'punct' && t.value === '(') depth++;
    if (t.kind === 'punct' && t.value === ')') depth--;
    out.push(t);
    cur.next();
  }
  if (!out.length) throw new StatementRefusal('a SET without a value');
  for (let k = 0; k < out.length; k++) checkValueToken(out, k);
  return out;
}

function checkValueToken(value: readonly Token[], k: number): void {
  const t = value[k] as Token;
  switch (t.kind) {
    case 'string':
    case 'number':
    case 'variable':
      return;
    case 'sysvar':
      // Reading a setting is harmless; `@@GLOBAL.x` reads the global value.
      return;
    case 'punct':
      if (['(', ')', ',', '-', '+', '.'].includes(t.value)) return;
      break;
    case 'word': {
      const w = t.value.toUpperCase();
      if (w === 'SELECT' || w === 'FROM') break;
      if (value[k - 1]?.value === '.' && value[k - 2]?.kind === 'sysvar') return; // @@SESSION.sql_mode
      if (VALUE_FUNCTIONS.has(w) && value[k + 1]?.kind === 'punct' && value[k + 1]?.value === '(') return;
      if (value.length === 1 && VALUE_WORDS.test(t.value)) return; // SET NAMES utf8mb4, SET x = OFF
      if (['NULL', 'ON', 'OFF', 'TRUE', 'FALSE', 'COLLATE'].includes(w)) return;
      if (VALUE_WORDS.test(t.value) && value[k - 1]?.kind === 'word' && value[k - 1]?.value.toUpperCase() === 'COLLATE') return;
      if (/^_[A-Za-z0-9]+$/.test(t.value) && value[k + 1]?.kind === 'string') return; // _utf8mb4'…'
      if (VALUE_WORDS.test(t.value) && k === 0 && value[1]?.kind === 'word' && value[1]?.value.toUpperCase() === 'COLLATE')
        return;
      break;
    }
    default:
      break;
  }
  throw new StatementRefusal(`its value has "${t.value}", which a dump's SET does not use`);
}

function writeSet(list: readonly Assignment[], session: SetSession): SetOutcome {
  let sqlModeChanged = false;
  const parts: string[] = [];
  for (const a of list) {
    if (a.scope === 'user') {
      session.vars.set(a.name.toLowerCase(), knownValue(a.value, session));
      parts.push(`@\`${a.name.replace(/`/g, '``')}\` = ${writeValue(a.value, session.backslashEscapes)}`);
    } else if (a.name === 'sql_mode') {
      const mode = knownValue(a.value, session);
      if (mode === null) throw new StatementRefusal('it sets sql_mode from an expression the restore cannot follow');
      session.sqlMode = mode;
      sqlModeChanged = true;
      // NO_DIR_IN_CREATE: a file's DATA/INDEX DIRECTORY is ignored by the server, whatever sql_mode it sets.
      const withGuard = mode ? `${mode},NO_DIR_IN_CREATE` : 'NO_DIR_IN_CREATE';
      parts.push(`SESSION sql_mode = ${quoteStringBytes(withGuard, session.backslashEscapes)}`);
    } else if (a.name === 'names' || a.name === 'character set') {
      parts.push(`${a.name === 'names' ? 'NAMES' : 'CHARACTER SET'} ${writeValue(a.value, session.backslashEscapes)}`);
    } else {
      parts.push(`SESSION ${a.name} = ${writeValue(a.value, session.backslashEscapes)}`);
    }
  }
  // The new mode decides how the next statement is read; this one was written under the old one.
  if (sqlModeChanged) session.backslashEscapes = !/NO_BACKSLASH_ESCAPES/i.test(session.sqlMode);
  return { kind: 'session', sql: `SET ${parts.join(', ')}`, sqlModeChanged };
}

/** The value as a string when we can tell it without a server: a literal, a known variable, IFNULL of those. */
function knownValue(value: readonly Token[], session: SetSession): string | null {
  const single = value.length === 1 ? (value[0] as Token) : null;
  if (single?.kind === 'string') return single.value;
  if (single?.kind === 'word' && VALUE_WORDS.test(single.value)) return single.value;
  if (single?.kind === 'variable') return session.vars.get(single.value.toLowerCase()) ?? null;
  if (single?.kind === 'sysvar' && /^sql_mode$/i.test(single.value)) return session.sqlMode;
  if (
    value.length === 3 &&
    value[0]?.kind === 'sysvar' &&
    /^session$/i.test(value[0].value) &&
    /^sql_mode$/i.test(value[2]?.value ?? '')
  )
    return session.sqlMode;
  // IFNULL(@x, 'lit') / COALESCE(@x, 'lit')
  const [f, open, v, comma, lit, close] = value;
  if (
    value.length === 6 &&
    f?.kind === 'word' &&
    /^(IFNULL|COALESCE)$/i.test(f.value) &&
    open?.value === '(' &&
    v?.kind === 'variable' &&
    comma?.value === ',' &&
    lit?.kind === 'string' &&
    close?.value === ')'
  )
    return session.vars.get(v.value.toLowerCase()) ?? lit.value;
  return null;
}

/** Re-serialise checked value tokens: quotes are ours, so the server reads exactly these tokens. */
function writeValue(value: readonly Token[], backslashEscapes: boolean): string {
  let out = '';
  let prev: Token | null = null;
  for (const t of value) {
    const glue = prev !== null && (t.spaceBefore || (prev.kind === 'string' && t.kind === 'string'));
    if (glue) out += ' ';
    switch (t.kind) {
      case 'string':
        out += quoteStringBytes(t.value, backslashEscapes);
        break;
      case 'variable':
        out += `@\`${t.value.replace(/`/g, '``')}\``;
        break;
      case 'sysvar':
        out += `@@${t.value}`;
        break;
      default:
        out += t.value;
    }
    prev = t;
  }
  return out;
}
