/**
 * Token checks the dump classifier applies inside a statement it already recognised: table options that
 * reach outside the database, rows that must be literals, a column list to skip, the charset of a database.
 */

import { type LexOptions, lexSql, type Token } from './lexer';
import { StatementRefusal, type TokenCursor } from './tokenCursor';

/** Storage engines a restored table may use: none of them reads another table, server or file. */
const ENGINES = new Set(['INNODB', 'MYISAM', 'ARIA', 'MEMORY', 'HEAP', 'ARCHIVE', 'BLACKHOLE', 'CSV', 'ROCKSDB', 'SEQUENCE']);

/** Table options that reach outside the database's own files (or into other tables). */
const TABLE_HAZARDS: string[][] = [['DATA', 'DIRECTORY'], ['INDEX', 'DIRECTORY'], ['UNION'], ['CONNECTION'], ['TABLESPACE']];

export function checkTableOptions(tokens: readonly Token[]): void {
  for (let k = 0; k < tokens.length; k++) {
    const t = tokens[k] as Token;
    if (t.kind !== 'word') continue;
    const w = t.value.toUpperCase();
    for (const seq of TABLE_HAZARDS)
      if (seq.every((s, j) => tokens[k + j]?.kind === 'word' && tokens[k + j]?.value.toUpperCase() === s))
        throw new StatementRefusal(
          `the table option ${seq.join(' ')} reaches outside the database`,
          seq[0] === 'UNION' || seq[0] === 'CONNECTION' ? 'RESTORE_UNSUPPORTED_ENGINE' : null,
        );
    if (w === 'SELECT') throw new StatementRefusal('CREATE TABLE … SELECT reads other data');
    if (w === 'ENGINE' || w === 'TYPE') {
      let e = tokens[k + 1];
      if (e?.kind === 'punct' && e.value === '=') e = tokens[k + 2];
      if (e && (e.kind === 'word' || e.kind === 'ident' || e.kind === 'string') && !ENGINES.has(e.value.toUpperCase()))
        throw new StatementRefusal(
          `the storage engine ${e.value} is not one a restore creates (it can reach other tables, servers or files)`,
          'RESTORE_UNSUPPORTED_ENGINE',
        );
    }
  }
}

/** Parser-only confinement: the rows are literals and nothing else. */
export function checkLiteralRows(cur: TokenCursor): void {
  let prev: Token | null = null;
  for (let t = cur.next(); t; t = cur.next()) {
    const ok =
      t.kind === 'string' ||
      t.kind === 'number' ||
      (t.kind === 'punct' && ['(', ')', ',', '-', '+', '.'].includes(t.value)) ||
      (t.kind === 'word' && /^(NULL|TRUE|FALSE|DEFAULT|_[A-Za-z0-9]+|X|B|N)$/i.test(t.value));
    if (!ok) throw new StatementRefusal(`its rows hold "${t.value.slice(0, 40)}", not only literal values`);
    prev = t;
  }
  void prev;
}

export function hasSemicolon(sql: string, lex: LexOptions): boolean {
  for (const t of lexSql(sql, lex)) if (t.kind === 'punct' && t.value === ';') return true;
  return false;
}

export function skipParens(cur: TokenCursor): void {
  let depth = 0;
  for (let t = cur.next(); t; t = cur.next()) {
    if (t.kind === 'punct' && t.value === '(') depth++;
    if (t.kind === 'punct' && t.value === ')' && --depth === 0) return;
  }
  throw new StatementRefusal('an unclosed parenthesis');
}

export function charsetOf(tokens: readonly Token[]): { charset: string | null; collation: string | null } {
  let charset: string | null = null;
  let collation: string | null = null;
  for (let k = 0; k < tokens.length; k++) {
    const w = tokens[k]?.kind === 'word' ? (tokens[k] as Token).value.toUpperCase() : '';
    let at = -1;
    if (w === 'CHARSET') at = k + 1;
    else if (w === 'CHARACTER' && tokens[k + 1]?.value.toUpperCase() === 'SET') at = k + 2;
    else if (w === 'COLLATE') at = k + 1;
    if (at < 0) continue;
    if (tokens[at]?.value === '=') at++;
    const v = tokens[at];
    if (!v || !/^\w+$/.test(v.value)) continue;
    if (w === 'COLLATE') collation = v.value;
    else charset = v.value;
  }
  return { charset, collation };
}
