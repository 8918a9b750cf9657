import { type LexOptions, LexRefusal, lexSql, type Token } from '../../../platform/sql/lexer';
import { bytesToName, quoteIdentBytes, quoteStringBytes } from '../../../platform/sql/tokenCursor';
import type { CollationMap } from './collationMap';

/**
 * The one statement rewrite a cross-engine restore needs (MySQL ↔ MariaDB), applied on tokens of the SQL
 * toolkit's lexer — never by text search, so a name or string that merely contains a collation's name is
 * left alone, and an executable comment the target skips (`/*!80016 …`, `/*M!…` on MySQL) is skipped here
 * too. Used by the preflight's DDL rehearsal and by the loader (one call per statement), so what is
 * rehearsed is what is loaded.
 *
 * Statements are byte strings (latin1-decoded bytes, as the loader holds them).
 */

export interface RewritePlan {
  collations: CollationMap;
  /** table → generated columns to create as plain columns (the option "store as a plain column"). */
  plainColumns: ReadonlyMap<string, ReadonlySet<string>>;
}

interface Edit {
  start: number;
  end: number;
  text: string;
}

/** Variables whose value is a collation name (SET collation_connection = utf8mb4_0900_ai_ci). */
const COLLATION_VARIABLES = new Set(['collation_connection', 'collation_database', 'collation_server']);

/** Statement in, statement out: collations the target lacks mapped, chosen generated columns made plain. */
export function rewriteForTarget(sql: string, lex: LexOptions, plan: RewritePlan): string {
  if (isRowStatement(sql)) return sql;
  const hasCollation = /collat/i.test(sql);
  if (!hasCollation && plan.plainColumns.size === 0) return sql;
  let tokens: Token[];
  try {
    tokens = [...lexSql(sql, lex)];
  } catch (err) {
    if (err instanceof LexRefusal) return sql; // the classifier refuses it, with its reason
    throw err;
  }
  const edits = hasCollation ? collationEdits(tokens, plan.collations, lex.backslashEscapes ?? true) : [];
  if (plan.plainColumns.size > 0) {
    const table = createTableName(tokens);
    const chosen = table === null ? undefined : plan.plainColumns.get(table);
    if (chosen) for (const c of tableColumns(tokens, sql)) if (chosen.has(c.name) && c.generated) edits.push(...plainEdits(c));
  }
  return applyEdits(sql, edits);
}

/** INSERT / REPLACE rows carry no DDL: skipped without lexing (they are most of a dump's bytes). */
function isRowStatement(sql: string): boolean {
  const head = sql.slice(0, 16).trimStart().slice(0, 7).toUpperCase();
  return head.startsWith('INSERT') || head.startsWith('REPLACE');
}

function collationEdits(tokens: readonly Token[], map: CollationMap, lexEscapes: boolean): Edit[] {
  const edits: Edit[] = [];
  for (let k = 0; k < tokens.length; k++) {
    const t = tokens[k] as Token;
    const isCollate = t.kind === 'word' && t.value.toUpperCase() === 'COLLATE';
    const isVariable = (t.kind === 'word' || t.kind === 'sysvar') && COLLATION_VARIABLES.has(sysvarName(t.value));
    if (!isCollate && !isVariable) continue;
    let at = k + 1;
    const eq = tokens[at];
    if (eq?.kind === 'punct' && (eq.value === '=' || eq.value === ':=')) at++;
    else if (isVariable) continue;
    const v = tokens[at];
    if (!v || (v.kind !== 'word' && v.kind !== 'ident' && v.kind !== 'string')) continue;
    const to = map.map(v.value);
    if (to === null) continue;
    const text = v.kind === 'ident' ? quoteIdentBytes(to) : v.kind === 'string' ? quoteStringBytes(to, lexEscapes) : to;
    edits.push({ start: v.start, end: v.end, text });
  }
  return edits;
}

/** `@@SESSION.collation_connection` and `collation_connection` alike. */
function sysvarName(value: string): string {
  return value
    .toLowerCase()
    .replace(/^(session|local|global)\./, '')
    .replace(/^@@/, '');
}

/** The table a CREATE TABLE statement creates (a real UTF-8 name), or null for any other statement. */
export function createTableName(tokens: readonly Token[]): string | null {
  let k = 0;
  const word = (w: string) => tokens[k]?.kind === 'word' && (tokens[k] as Token).value.toUpperCase() === w;
  if (!word('CREATE')) return null;
  k++;
  if (word('OR')) k += 2;
  if (!word('TABLE')) return null;
  k++;
  if (word('IF')) k += 3;
  const first = tokens[k];
  if (!first || (first.kind !== 'ident' && first.kind !== 'word')) return null;
  const dotted = tokens[k + 1]?.kind === 'punct' && tokens[k + 1]?.value === '.';
  const name = dotted ? tokens[k + 2] : first;
  return name && (name.kind === 'ident' || name.kind === 'word') ? bytesToName(name.value) : null;
}

/** A column definition of a CREATE TABLE, as far as a cross-engine restore needs it. */
export interface ColumnDefinition {
  name: string;
  /** `GENERATED ALWAYS AS (expr) [VIRTUAL|STORED|PERSISTENT]` or `AS (expr) …`: its span and expression. */
  generated: { start: number; end: number; expression: string; stored: boolean } | null;
  /** `NOT NULL` spans: a plain column the dump carries no values for must accept NULL. */
  notNull: Array<{ start: number; end: number }>;
}

const NOT_COLUMNS = new Set([
  'PRIMARY',
  'KEY',
  'INDEX',
  'UNIQUE',
  'CONSTRAINT',
  'FOREIGN',
  'CHECK',
  'FULLTEXT',
  'SPATIAL',
  'PERIOD',
]);

/** The column definitions of a CREATE TABLE's element list (keys and constraints left out). */
export function tableColumns(tokens: readonly Token[], sql: string): ColumnDefinition[] {
  const open = tokens.findIndex((t) => t.kind === 'punct' && t.value === '(');
  if (open < 0) return [];
  const out: ColumnDefinition[] = [];
  let depth = 0;
  let part: Token[] = [];
  for (let k = open + 1; k < tokens.length; k++) {
    const t = tokens[k] as Token;
    if (t.kind === 'punct' && t.value === '(') depth++;
    if (t.kind === 'punct' && t.value === ')') {
      if (depth === 0) {
        pushColumn(out, part, sql);
        break;
      }
      depth--;
    }
    if (depth === 0 && t.kind === 'punct' && t.value === ',') {
      pushColumn(out, part, sql);
      part = [];
    } else part.push(t);
  }
  return out;
}

function pushColumn(out: ColumnDefinition[], part: readonly Token[], sql: string): void {
  const first = part[0];
  if (!first || (first.kind !== 'ident' && first.kind !== 'word')) return;
  if (first.kind === 'word' && NOT_COLUMNS.has(first.value.toUpperCase())) return;
  const column: ColumnDefinition = { name: bytesToName(first.value), generated: null, notNull: [] };
  let depth = 0;
  for (let k = 1; k < part.length; k++) {
    const t = part[k] as Token;
    if (t.kind === 'punct' && t.value === '(') depth++;
    if (t.kind === 'punct' && t.value === ')') depth--;
    if (depth !== 0 || t.kind !== 'word') continue;
    const w = t.value.toUpperCase();
    if (w === 'NOT' && part[k + 1]?.kind === 'word' && part[k + 1]?.value.toUpperCase() === 'NULL')
      column.notNull.push({ start: t.start, end: (part[k + 1] as Token).end });
    const startsClause =
      (w === 'GENERATED' && part[k + 1]?.value.toUpperCase() === 'ALWAYS' && part[k + 2]?.value.toUpperCase() === 'AS') ||
      (w === 'AS' && part[k + 1]?.kind === 'punct' && part[k + 1]?.value === '(');
    if (startsClause && column.generated === null) {
      const generated = generatedClause(part, k, sql);
      if (generated) {
        column.generated = generated.clause;
        k = generated.last;
      }
    }
  }
  out.push(column);
}

function generatedClause(
  part: readonly Token[],
  from: number,
  sql: string,
): { clause: NonNullable<ColumnDefinition['generated']>; last: number } | null {
  let k = from;
  while (k < part.length && !(part[k]?.kind === 'punct' && part[k]?.value === '(')) k++;
  const open = part[k];
  if (!open) return null;
  let depth = 0;
  for (; k < part.length; k++) {
    const t = part[k] as Token;
    if (t.kind === 'punct' && t.value === '(') depth++;
    if (t.kind === 'punct' && t.value === ')' && --depth === 0) break;
  }
  const close = part[k];
  if (!close) return null;
  const after = part[k + 1];
  const kind = after?.kind === 'word' ? after.value.toUpperCase() : '';
  const hasKind = kind === 'VIRTUAL' || kind === 'STORED' || kind === 'PERSISTENT';
  const last = hasKind ? k + 1 : k;
  return {
    clause: {
      start: (part[from] as Token).start,
      end: (part[last] as Token).end,
      expression: bytesToName(sql.slice(open.end, close.start).trim()),
      stored: kind === 'STORED' || kind === 'PERSISTENT',
    },
    last,
  };
}

/** Drop the generated clause and any NOT NULL: the column keeps its type and whatever values the file has. */
function plainEdits(c: ColumnDefinition): Edit[] {
  const g = c.generated;
  if (!g) return [];
  return [{ start: g.start, end: g.end, text: '' }, ...c.notNull.map((s) => ({ ...s, text: 'NULL' }))];
}

function applyEdits(sql: string, edits: Edit[]): string {
  if (!edits.length) return sql;
  const sorted = [...edits].sort((a, b) => a.start - b.start);
  let out = '';
  let last = 0;
  for (const e of sorted) {
    if (e.start < last) continue; // overlapping edits cannot happen on distinct tokens; guard anyway
    out += sql.slice(last, e.start) + e.text;
    last = e.end;
  }
  return out + sql.slice(last);
}
