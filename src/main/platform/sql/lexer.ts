/**
 * The SQL lexer every statement check goes through (restore classification, object bodies, SET
 * assignments). It reads text the way the server does, so the restore's allowlist judges the statement
 * the server will run, not a look-alike:
 * - `/*!NNNNN …*\/` is code when NNNNN ≤ the server version (no digits: always), skipped otherwise;
 *   `/*M!NNNNNN …*\/` likewise on MariaDB and a plain comment on MySQL;
 * - `'…'` strings with `''` and (unless NO_BACKSLASH_ESCAPES) backslash escapes; `"…"` is a string, or an
 *   identifier under ANSI_QUOTES; backtick identifiers with doubled backticks;
 * - `--␠`, `#` and `/* … *\/` comments.
 * Where the server's reading is version-dependent or surprising (a comment opened inside an executable
 * comment, an executable comment whose version has neither 5 nor 6 digits, an unterminated quote), the
 * lexer refuses instead of guessing: a dump never needs those forms, an attacker might.
 *
 * Input is a "byte string" (latin1-decoded bytes, one char per byte) or ordinary text; positions are
 * indexes into it.
 */

export type TokenKind = 'word' | 'ident' | 'string' | 'number' | 'variable' | 'sysvar' | 'punct';

export interface Token {
  kind: TokenKind;
  /** word/number/punct: the text; ident/string/variable: the unquoted value; sysvar: the name after `@@`. */
  value: string;
  /** Index of the token's first char and one past its last, in the lexed text. */
  start: number;
  end: number;
  /** Whitespace or a comment separates it from the previous token. */
  spaceBefore: boolean;
}

export interface LexOptions {
  /** Numeric server version for executable comments: 10.11.19 → 101119, 8.0.36 → 80036. */
  serverVersion: number;
  mariadb: boolean;
  backslashEscapes?: boolean;
  ansiQuotes?: boolean;
}

export class LexRefusal extends Error {}

const NUMBER = /0x[0-9a-fA-F]+|0b[01]+|(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?/y;

const MULTI_PUNCT = [':=', '<=>', '<=', '>=', '<>', '!=', '||', '&&', '<<', '>>', '->>', '->'];

function isWordChar(code: number): boolean {
  return (
    (code >= 48 && code <= 57) ||
    (code >= 65 && code <= 90) ||
    (code >= 97 && code <= 122) ||
    code === 95 ||
    code === 36 ||
    code >= 0x80
  );
}

function isSpaceChar(code: number): boolean {
  return code === 32 || code === 9 || code === 10 || code === 13 || code === 11 || code === 12;
}

/** The numeric server version used for executable comments. */
export function numericServerVersion(version: string): number {
  const m = /^(\d+)\.(\d+)\.(\d+)/.exec(version);
  if (!m) return 0;
  return Number(m[1]) * 10000 + Number(m[2]) * 100 + Number(m[3]);
}

/**
 * Does the server run an executable comment of this version? MariaDB skips MySQL 5.7–9.x versions
 * (50700–99999: MySQL-only syntax such as `/*!80016 DEFAULT ENCRYPTION`), checked against MariaDB 10.11.
 */
export function executes(version: number, o: Pick<LexOptions, 'serverVersion' | 'mariadb'>): boolean {
  if (o.mariadb && version >= 50700 && version <= 99999) return false;
  return version <= o.serverVersion;
}

export function isMariaDbVersion(version: string): boolean {
  return /mariadb/i.test(version);
}

/**
 * Tokens of `sql`, lazily (a caller that has seen enough stops early: an INSERT is judged on its head).
 * Throws LexRefusal for forms whose reading is ambiguous.
 */
export function* lexSql(sql: string, o: LexOptions): Generator<Token, void, undefined> {
  const n = sql.length;
  const esc = o.backslashEscapes ?? true;
  let i = 0;
  let inExec = false;
  let space = false;
  while (i < n) {
    const c = sql.charCodeAt(i);
    if (isSpaceChar(c)) {
      i++;
      space = true;
      continue;
    }
    const comment = commentAt(sql, i, o, inExec);
    if (comment) {
      if (comment.kind === 'block') {
        if (comment.close < 0) throw new LexRefusal('an unterminated comment');
        i = comment.close + 2;
      } else if (comment.kind === 'executable') {
        if (comment.version === null) throw new LexRefusal(UNCLEAR_VERSION);
        if (comment.mysqlReadsDifferently) throw new LexRefusal('a six-digit version comment MySQL reads differently');
        if (executes(comment.version, o)) {
          inExec = true;
          i = comment.codeStart;
        } else {
          if (comment.close < 0) throw new LexRefusal('an unterminated executable comment');
          i = comment.close + 2;
        }
      } else {
        if (comment.kind === 'executable-end') inExec = false;
        i = comment.end;
      }
      space = true;
      continue;
    }
    const start = i;
    const spaceBefore = space;
    space = false;
    if (c === 0x27 || c === 0x22 || c === 0x60) {
      const { value, end } = readQuoted(sql, i, c, c !== 0x60 && esc);
      const kind: TokenKind = c === 0x60 || (c === 0x22 && o.ansiQuotes) ? 'ident' : 'string';
      i = end;
      yield { kind, value, start, end, spaceBefore };
      continue;
    }
    if (c === 0x40) {
      // @user_var, @'quoted', @@system_var
      if (sql.charCodeAt(i + 1) === 0x40) {
        let j = i + 2;
        while (j < n && isWordChar(sql.charCodeAt(j))) j++;
        i = j;
        yield { kind: 'sysvar', value: sql.slice(start + 2, j), start, end: j, spaceBefore };
        continue;
      }
      const q = sql.charCodeAt(i + 1);
      if (q === 0x27 || q === 0x22 || q === 0x60) {
        const { value, end } = readQuoted(sql, i + 1, q, q !== 0x60 && esc);
        i = end;
        yield { kind: 'variable', value, start, end, spaceBefore };
        continue;
      }
      let j = i + 1;
      while (j < n && (isWordChar(sql.charCodeAt(j)) || sql.charCodeAt(j) === 0x2e)) j++;
      i = j;
      yield { kind: 'variable', value: sql.slice(start + 1, j), start, end: j, spaceBefore };
      continue;
    }
    if (isWordChar(c) || (c === 0x2e && /\d/.test(sql[i + 1] ?? ''))) {
      // A number (1, 1.5, .5, 1e10, 1.5e-38, 0x1F, 0b101) when nothing word-like follows it; else a word
      // (1abc is an identifier in MySQL).
      NUMBER.lastIndex = i;
      const num = c >= 48 && c <= 57 ? NUMBER.exec(sql) : c === 0x2e ? NUMBER.exec(sql) : null;
      if (num && !isWordChar(sql.charCodeAt(i + num[0].length))) {
        i += num[0].length;
        yield { kind: 'number', value: num[0], start, end: i, spaceBefore };
        continue;
      }
      if (c === 0x2e) {
        i++;
        yield { kind: 'punct', value: '.', start, end: i, spaceBefore };
        continue;
      }
      let j = i;
      while (j < n && isWordChar(sql.charCodeAt(j))) j++;
      i = j;
      yield { kind: 'word', value: sql.slice(start, j), start, end: j, spaceBefore };
      continue;
    }
    const multi = MULTI_PUNCT.find((p) => sql.startsWith(p, i));
    const text = multi ?? (sql[i] as string);
    i += text.length;
    yield { kind: 'punct', value: text, start, end: i, spaceBefore };
  }
  if (inExec) throw new LexRefusal('an unterminated executable comment');
}

/**
 * Past the end of the line when a line comment starts at `i`: `#`, or `--` followed by whitespace, a control
 * character or the end of the text (MySQL's rule); -1 when none starts there.
 */
function lineCommentEnd(sql: string, i: number): number {
  const c = sql.charCodeAt(i);
  const n = sql.length;
  if (c !== 0x23 && !(c === 0x2d && sql.charCodeAt(i + 1) === 0x2d && (i + 2 >= n || sql.charCodeAt(i + 2) <= 32))) return -1;
  const eol = sql.indexOf('\n', i);
  return eol < 0 ? n : eol + 1;
}

const UNCLEAR_VERSION = 'an executable comment with an unclear version';

/**
 * A comment starting at `i`, read by the rules both walkers share: a `/*` block the server skips (`/*M!` on
 * MySQL too: `mariadbOnly`), an executable comment (`/*!NNNNN`, `/*M!NNNNNN` on MariaDB: its version, null
 * when it has neither 5 nor 6 digits nor none, and where its code starts), the `*\/` that ends the executable
 * comment being read, or a line comment. `close` is where the block's `*\/` stands, -1 when it never comes.
 * Null when no comment starts at `i`; refuses a comment opened inside an executable one.
 */
function commentAt(sql: string, i: number, o: LexOptions, inExec: boolean): CommentMark | null {
  const c = sql.charCodeAt(i);
  if (c === 0x2f && sql.charCodeAt(i + 1) === 0x2a) {
    if (inExec) throw new LexRefusal('a comment opened inside an executable comment');
    const bang = sql.charCodeAt(i + 2) === 0x21 ? 3 : sql[i + 2] === 'M' && sql.charCodeAt(i + 3) === 0x21 ? 4 : 0;
    const close = sql.indexOf('*/', i + 2);
    if (bang === 0 || (bang === 4 && !o.mariadb)) return { kind: 'block', close, mariadbOnly: bang === 4 };
    let j = i + bang;
    while (j < sql.length && sql.charCodeAt(j) >= 48 && sql.charCodeAt(j) <= 57) j++;
    const digits = j - (i + bang);
    const version = digits === 0 ? 0 : digits === 5 || digits === 6 ? Number(sql.slice(i + bang, j)) : null;
    const mysqlReadsDifferently = digits === 6 && bang === 3 && !o.mariadb;
    return { kind: 'executable', close, version, codeStart: j, mysqlReadsDifferently };
  }
  if (inExec && c === 0x2a && sql.charCodeAt(i + 1) === 0x2f) return { kind: 'executable-end', end: i + 2 };
  const end = lineCommentEnd(sql, i);
  return end >= 0 ? { kind: 'line', end } : null;
}

type CommentMark =
  | { kind: 'block'; close: number; mariadbOnly: boolean }
  | { kind: 'executable'; close: number; version: number | null; codeStart: number; mysqlReadsDifferently: boolean }
  | { kind: 'executable-end'; end: number }
  | { kind: 'line'; end: number };

function readQuoted(sql: string, at: number, quote: number, backslash: boolean): { value: string; end: number } {
  const n = sql.length;
  let value = '';
  let j = at + 1;
  let from = j;
  for (;;) {
    if (j >= n) throw new LexRefusal('an unterminated quoted string or name');
    const d = sql.charCodeAt(j);
    if (d === 0x5c && backslash) {
      value += sql.slice(from, j) + escapedChar(sql[j + 1] ?? '');
      j += 2;
      from = j;
      continue;
    }
    if (d === quote) {
      if (sql.charCodeAt(j + 1) === quote) {
        value += sql.slice(from, j + 1);
        j += 2;
        from = j;
        continue;
      }
      value += sql.slice(from, j);
      return { value, end: j + 1 };
    }
    j++;
  }
}

function escapedChar(ch: string): string {
  switch (ch) {
    case '0':
      return '\0';
    case 'n':
      return '\n';
    case 'r':
      return '\r';
    case 't':
      return '\t';
    case 'b':
      return '\b';
    case 'Z':
      return '\x1a';
    case '%':
    case '_':
      return `\\${ch}`;
    default:
      return ch;
  }
}

/** All tokens of a (short) statement. */
export function tokenize(sql: string, o: LexOptions): Token[] {
  return [...lexSql(sql, o)];
}

/**
 * The statement as the server reads it: executable comments whose version applies unwrapped (their markers
 * become spaces), the others and MariaDB-only ones on MySQL removed; ordinary comments kept (a routine's
 * body keeps its comments). Positions of the returned text are what object rewriting works on.
 */
export function effectiveText(sql: string, o: LexOptions): string {
  let out = '';
  let last = 0;
  let inExec = false;
  const n = sql.length;
  let i = 0;
  // Walk with the lexer's rules; only comment boundaries matter here, strings are skipped whole.
  while (i < n) {
    const c = sql.charCodeAt(i);
    if (c === 0x27 || c === 0x22 || c === 0x60) {
      i = readQuoted(sql, i, c, c !== 0x60 && (o.backslashEscapes ?? true)).end;
      continue;
    }
    const comment = commentAt(sql, i, o, inExec);
    if (!comment) {
      i++;
      continue;
    }
    if (comment.kind === 'line') {
      i = comment.end;
      continue;
    }
    if (comment.kind !== 'executable-end' && comment.close < 0) throw new LexRefusal('an unterminated comment');
    if (comment.kind === 'block') {
      // Plain comments stay (a routine body keeps them); MariaDB-only code on MySQL goes.
      if (comment.mariadbOnly) {
        out += `${sql.slice(last, i)} `;
        last = comment.close + 2;
      }
      i = comment.close + 2;
      continue;
    }
    // An executable comment's markers become a space; its code stays when the server runs it.
    out += `${sql.slice(last, i)} `;
    if (comment.kind === 'executable-end') {
      inExec = false;
      i = comment.end;
    } else {
      if (comment.version === null) throw new LexRefusal(UNCLEAR_VERSION);
      inExec = executes(comment.version, o);
      i = inExec ? comment.codeStart : comment.close + 2;
    }
    last = i;
  }
  if (inExec) throw new LexRefusal('an unterminated executable comment');
  return out + sql.slice(last);
}
