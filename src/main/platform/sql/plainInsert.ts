import type { InsertStatement } from './dumpClassifier';
import { bytesToName } from './tokenCursor';

const PLAIN_INSERT_HEAD = Buffer.from('INSERT INTO `', 'latin1');
const VALUES = Buffer.from(' VALUES', 'latin1');

/**
 * `INSERT INTO \`t\` [(\`a\`,…)] VALUES (` read on bytes: the shape dump tools (and our backups, with
 * their column list) write millions of times. null for any other shape — the text path reads those. The
 * caller (DumpClassifier.classifyPlainInsert) has already decided the rows may be judged on bytes.
 */
export function plainInsertOf(sql: Buffer): InsertStatement | null {
  const head = PLAIN_INSERT_HEAD.length;
  if (sql.length < head + 10 || sql.compare(PLAIN_INSERT_HEAD, 0, head, 0, head) !== 0) return null;
  const close = sql.indexOf(0x60, head);
  if (close <= head) return null;
  const columns = sql[close + 1] === 0x20 && sql[close + 2] === 0x28 ? columnListEnd(sql, close + 3) : close + 1;
  if (columns < 0 || columns + VALUES.length + 2 > sql.length) return null;
  if (sql.compare(VALUES, 0, VALUES.length, columns, columns + VALUES.length) !== 0) return null;
  const paren = columns + VALUES.length;
  const gap = sql[paren] === 0x20 || sql[paren] === 0x0a ? 1 : 0;
  if (sql[paren + gap] !== 0x28) return null;
  return {
    kind: 'insert',
    table: bytesToName(sql.toString('latin1', head, close)),
    qualifier: null,
    verb: 'INSERT',
    hasColumnList: columns !== close + 1,
    nameStart: head - 1,
    nameEnd: close + 1,
  };
}

/**
 * Past the `)` of a column list of quoted names at `from` (`` `a`,`b`) ``, as our backups write it), or -1
 * for anything else (spaces, a doubled backtick, …).
 */
function columnListEnd(sql: Buffer, from: number): number {
  let at = from;
  for (;;) {
    if (sql[at] !== 0x60) return -1;
    const end = sql.indexOf(0x60, at + 1);
    if (end <= at + 1 || sql[end + 1] === 0x60) return -1;
    const next = sql[end + 1];
    if (next === 0x29) return end + 2;
    if (next !== 0x2c) return -1;
    at = end + 2;
  }
}
