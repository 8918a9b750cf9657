import { type LexOptions, LexRefusal, lexSql, type Token } from '../../platform/sql/lexer';

/**
 * Secondary indexes built after a table's rows, as myloader does (issue 16): a CREATE TABLE from a dump is
 * split into the table with its PRIMARY KEY, UNIQUE keys, foreign keys and checks, and the secondary
 * indexes (KEY / INDEX, FULLTEXT, SPATIAL) added back by ALTER TABLE once its rows are in. InnoDB then
 * builds each index by sorting the loaded rows instead of inserting into it row by row.
 *
 * What is deferred, and why the rest is not (docs/restore.md, "Performance"):
 * - UNIQUE keys stay: INSERT IGNORE / REPLACE / ON DUPLICATE KEY UPDATE in a file mean what they mean only
 *   with the key present, and a duplicate is refused by the INSERT that brings it, as before.
 * - a key that backs a foreign key (its first columns are the foreign key's) stays: without it the CREATE
 *   would make its own index for the foreign key, and SHOW CREATE TABLE would differ.
 * - a key starting with an AUTO_INCREMENT column stays (the server requires one at CREATE).
 * - a functional key (MySQL's `((expr))` parts) stays: its hidden column, made by an ALTER, gives another
 *   CHECKSUM TABLE value than the dumped table's, and the verification compares those.
 * - keys are listed by the server in creation order within their kind, so only the keys after the last
 *   one kept are deferred: the restored table's SHOW CREATE TABLE equals the dumped one.
 * - only InnoDB tables (MyISAM/Aria rebuild the whole table on ALTER), never system-versioned ones (an
 *   ALTER there needs system_versioning_alter_history) nor CREATE … SELECT / LIKE.
 * Everything is read with the one SQL lexer; an element is copied byte for byte (its comments and
 * executable comments included), never re-written. Anything not understood: the CREATE runs unchanged.
 */
export interface DeferredSplit {
  /** The CREATE TABLE without the deferred indexes. */
  create: string;
  /** ALTER TABLE statements adding them back, in declaration order (FULLTEXT one per statement: InnoDB
   * builds one FULLTEXT index per ALTER). */
  addIndexes: string[];
  /** Tables the CREATE's foreign keys reference (their index builds must come first). */
  references: string[];
  /** How many indexes were deferred. */
  count: number;
}

interface Element {
  /** Raw text span of the element (between the separating commas / parens). */
  start: number;
  end: number;
  tokens: Token[];
}

type ElementKind = 'column' | 'keep' | 'foreign' | 'plain' | 'fulltext' | 'spatial';

const upper = (t: Token | undefined): string => (t && t.kind === 'word' ? t.value.toUpperCase() : '');
const isPunct = (t: Token | undefined, p: string): boolean => t !== undefined && t.kind === 'punct' && t.value === p;
const nameOf = (t: Token | undefined): string | null =>
  t && (t.kind === 'ident' || t.kind === 'word') ? t.value.toLowerCase() : null;

/** Splits a dump's CREATE TABLE; null when nothing is deferred (the statement then runs as it is). */
export function splitSecondaryIndexes(sql: string, lex: LexOptions): DeferredSplit | null {
  let tokens: Token[];
  try {
    tokens = [...lexSql(sql, lex)];
  } catch (err) {
    if (err instanceof LexRefusal) return null;
    throw err;
  }
  const head = tableHead(tokens);
  if (!head) return null;
  const close = matchingParen(tokens, head.open);
  if (close < 0) return null;
  const tail = tokens.slice(close + 1);
  if (!isPlainInnoDb(tail) || tokens.some((t) => upper(t) === 'VERSIONING')) return null;
  const elements = splitElements(sql, tokens, head.open, close, lex);
  if (!elements) return null;
  const kinds = elements.map(kindOf);
  const foreignColumns = elements.filter((_, i) => kinds[i] === 'foreign').map((e) => foreignKeyColumns(e.tokens));
  const autoColumns = elements
    .filter((_, i) => kinds[i] === 'column' && hasAutoIncrement(elements[i] as Element))
    .map(columnName);
  const mustKeep = (e: Element, kind: ElementKind) => {
    const cols = keyColumns(e.tokens);
    if (kind !== 'plain' || cols === null) return kind !== 'fulltext' && kind !== 'spatial';
    // A functional key part ((expr)) stays: added by ALTER, MySQL's hidden column for it changes CHECKSUM TABLE.
    if (cols.includes(null)) return true;
    if (autoColumns.includes(cols[0] ?? null)) return true;
    return foreignColumns.some((fk) => !!fk?.length && fk.every((c, k) => cols[k] === c));
  };
  // Defer only secondary keys declared after the last kept one, so their order in the table stays.
  let firstDeferred = elements.length;
  for (let i = elements.length - 1; i >= 0; i--) {
    const kind = kinds[i] as ElementKind;
    if (kind === 'column' || kind === 'keep' || kind === 'foreign') continue;
    if (mustKeep(elements[i] as Element, kind)) break;
    firstDeferred = i;
  }
  const deferred = elements.filter((_, i) => i >= firstDeferred && isSecondary(kinds[i] as ElementKind));
  if (!deferred.length) return null;
  const kept = elements.filter((e) => !deferred.includes(e));
  const create =
    sql.slice(0, (tokens[head.open] as Token).end) +
    kept.map((e) => sql.slice(e.start, e.end)).join(',') +
    sql.slice((tokens[close] as Token).start);
  const table = sql.slice(head.nameStart, head.nameEnd);
  return {
    create,
    addIndexes: alterStatements(
      table,
      deferred.map((e) => ({ text: sql.slice(e.start, e.end).trimStart(), fulltext: kindOf(e) === 'fulltext' })),
    ),
    references: referencedTables(elements.filter((_, i) => kinds[i] === 'foreign')),
    count: deferred.length,
  };
}

function isSecondary(kind: ElementKind): boolean {
  return kind === 'plain' || kind === 'fulltext' || kind === 'spatial';
}

/** `CREATE [OR REPLACE] TABLE [IF NOT EXISTS] name (`: the name's span and the body's opening paren. */
function tableHead(tokens: Token[]): { nameStart: number; nameEnd: number; open: number } | null {
  let k = 0;
  if (upper(tokens[k]) !== 'CREATE') return null;
  k++;
  if (upper(tokens[k]) === 'OR' && upper(tokens[k + 1]) === 'REPLACE') k += 2;
  if (upper(tokens[k]) !== 'TABLE') return null;
  k++;
  if (upper(tokens[k]) === 'IF' && upper(tokens[k + 1]) === 'NOT' && upper(tokens[k + 2]) === 'EXISTS') k += 3;
  const first = tokens[k];
  if (!first || nameOf(first) === null) return null;
  let last = first;
  k++;
  if (isPunct(tokens[k], '.')) {
    const second = tokens[k + 1];
    if (!second || nameOf(second) === null) return null;
    last = second;
    k += 2;
  }
  if (!isPunct(tokens[k], '(')) return null;
  return { nameStart: first.start, nameEnd: last.end, open: k };
}

function matchingParen(tokens: Token[], open: number): number {
  let depth = 0;
  for (let k = open; k < tokens.length; k++) {
    if (isPunct(tokens[k], '(')) depth++;
    else if (isPunct(tokens[k], ')') && --depth === 0) return k;
  }
  return -1;
}

/** The table options say InnoDB, and there is no SELECT after the body (CREATE … SELECT). */
function isPlainInnoDb(tail: Token[]): boolean {
  let innodb = false;
  for (let k = 0; k < tail.length; k++) {
    const w = upper(tail[k]);
    if (w === 'SELECT' || w === 'AS' || w === 'LIKE') return false;
    if (w === 'ENGINE') {
      const v = isPunct(tail[k + 1], '=') ? tail[k + 2] : tail[k + 1];
      innodb = v !== undefined && v.value.toUpperCase() === 'INNODB';
    }
  }
  return innodb;
}

/**
 * The body's elements between depth-1 commas, each with its raw span. Each span must lex alone to the same
 * tokens (a separator inside an executable comment would otherwise cut the comment): else null.
 */
function splitElements(sql: string, tokens: Token[], open: number, close: number, lex: LexOptions): Element[] | null {
  const out: Element[] = [];
  let depth = 0;
  let start = (tokens[open] as Token).end;
  let current: Token[] = [];
  for (let k = open + 1; k <= close; k++) {
    const t = tokens[k] as Token;
    if (isPunct(t, '(')) depth++;
    if (isPunct(t, ')')) depth--;
    if ((depth === 0 && isPunct(t, ',')) || k === close) {
      out.push({ start, end: t.start, tokens: current });
      start = t.end;
      current = [];
    } else current.push(t);
  }
  for (const e of out) {
    if (!e.tokens.length) return null;
    try {
      const alone = [...lexSql(sql.slice(e.start, e.end), lex)];
      if (alone.length !== e.tokens.length || alone.some((t, i) => t.value !== e.tokens[i]?.value)) return null;
    } catch (err) {
      if (err instanceof LexRefusal) return null;
      throw err;
    }
  }
  return out;
}

function kindOf(e: Element): ElementKind {
  const [a, b] = e.tokens;
  switch (upper(a)) {
    case 'KEY':
    case 'INDEX':
      return 'plain';
    case 'FULLTEXT':
      return 'fulltext';
    case 'SPATIAL':
      return 'spatial';
    case 'FOREIGN':
      return 'foreign';
    case 'PRIMARY':
    case 'UNIQUE':
    case 'CHECK':
    case 'PERIOD':
      return 'keep';
    case 'CONSTRAINT': {
      // CONSTRAINT [name] FOREIGN KEY / PRIMARY KEY / UNIQUE / CHECK
      const w = upper(b) === 'FOREIGN' || upper(e.tokens[2]) === 'FOREIGN';
      return w ? 'foreign' : 'keep';
    }
    default:
      return 'column';
  }
}

/** The column names of the element's first parenthesised list (a key's parts); null for expression parts. */
function keyColumns(tokens: Token[]): Array<string | null> | null {
  const open = tokens.findIndex((t) => isPunct(t, '('));
  if (open < 0) return null;
  const cols: Array<string | null> = [];
  let depth = 0;
  let atPartStart = true;
  for (let k = open; k < tokens.length; k++) {
    const t = tokens[k] as Token;
    if (isPunct(t, '(')) {
      depth++;
      if (depth === 1) continue;
      if (depth === 2 && atPartStart) cols.push(null); // ((expr)): a functional key part
      atPartStart = false;
      continue;
    }
    if (isPunct(t, ')')) {
      if (--depth === 0) break;
      continue;
    }
    if (depth === 1 && isPunct(t, ',')) {
      atPartStart = true;
      continue;
    }
    if (depth === 1 && atPartStart) cols.push(nameOf(t));
    atPartStart = false;
  }
  return cols;
}

function foreignKeyColumns(tokens: Token[]): Array<string | null> | null {
  const at = tokens.findIndex((t) => upper(t) === 'FOREIGN');
  return at < 0 ? null : keyColumns(tokens.slice(at));
}

function referencedTables(foreign: Element[]): string[] {
  const out: string[] = [];
  for (const e of foreign) {
    const at = e.tokens.findIndex((t) => upper(t) === 'REFERENCES');
    if (at < 0) continue;
    // `db`.`t` or `t`: the last name before the column list.
    const name = isPunct(e.tokens[at + 2], '.') ? e.tokens[at + 3] : e.tokens[at + 1];
    if (name && (name.kind === 'ident' || name.kind === 'word')) out.push(name.value);
  }
  return out;
}

function columnName(e: Element): string | null {
  return nameOf(e.tokens[0]);
}

function hasAutoIncrement(e: Element): boolean {
  return e.tokens.some((t) => upper(t) === 'AUTO_INCREMENT');
}

/** One ALTER per run of non-FULLTEXT keys, one per FULLTEXT key, in declaration order. */
function alterStatements(table: string, keys: Array<{ text: string; fulltext: boolean }>): string[] {
  const out: string[] = [];
  let run: string[] = [];
  const flush = () => {
    if (run.length) out.push(`ALTER TABLE ${table} ${run.map((k) => `ADD ${k}`).join(', ')}`);
    run = [];
  };
  for (const k of keys) {
    if (k.fulltext) {
      flush();
      run.push(k.text);
      flush();
    } else run.push(k.text);
  }
  flush();
  return out;
}
