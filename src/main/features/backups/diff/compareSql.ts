import type { RowDataPacket } from 'mysql2/promise';
import type { DiffCounts, DiffKind } from '../../../../shared/contract/backupDiff';
import { AppError } from '../../../core/AppError';
import { type DbConnection, q, rows } from '../../restore/connect';

/**
 * The SQL of a diff: everything is compared by the server (the client holds one page at most). `b` is the
 * backup's copy in the scratch schema, `l` the live table; rows are matched by the live table's primary
 * key and compared column by column, byte for byte (`CAST(… AS BINARY) <=>`, so NULLs and case count).
 */

type Row = RowDataPacket & Record<string, unknown>;

export interface TableShape {
  live: string;
  scratch: string;
  table: string;
  primaryKey: string[];
  /** Columns both copies have, in the live table's order. */
  columns: string[];
  numeric: ReadonlySet<string>;
  /** BIT columns: written as numbers (their CAST AS CHAR would be raw bytes). */
  bits: ReadonlySet<string>;
  notCompared: string[];
}

const NUMERIC = new Set(['tinyint', 'smallint', 'mediumint', 'int', 'bigint', 'decimal', 'float', 'double', 'year', 'bit']);

async function columnsOf(conn: DbConnection, db: string, table: string): Promise<Array<{ name: string; type: string }>> {
  const r = await rows<Row>(
    conn,
    'SELECT COLUMN_NAME AS n, DATA_TYPE AS t FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION',
    [db, table],
  );
  return r.map((x) => ({ name: String(x.n), type: String(x.t).toLowerCase() }));
}

/** Primary key and common columns of the live table and its backup copy; a table without a primary key is refused. */
export async function tableShape(conn: DbConnection, live: string, scratch: string, table: string): Promise<TableShape> {
  const liveCols = await columnsOf(conn, live, table);
  if (!liveCols.length) throw new AppError('NOT_FOUND', `The live database ${live} has no table ${table}.`);
  const backupCols = new Set((await columnsOf(conn, scratch, table)).map((c) => c.name));
  const pk = (
    await rows<Row>(
      conn,
      "SELECT COLUMN_NAME AS n FROM information_schema.KEY_COLUMN_USAGE WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? AND CONSTRAINT_NAME = 'PRIMARY' ORDER BY ORDINAL_POSITION",
      [live, table],
    )
  ).map((x) => String(x.n));
  if (!pk.length) throw new AppError('PRECONDITION_FAILED', `${live}.${table} has no primary key: rows cannot be matched.`);
  const missing = pk.filter((c) => !backupCols.has(c));
  if (missing.length)
    throw new AppError('PRECONDITION_FAILED', `The backup's ${table} lacks the primary-key column(s) ${missing.join(', ')}.`);
  const columns = liveCols.filter((c) => backupCols.has(c.name));
  const liveNames = new Set(liveCols.map((c) => c.name));
  return {
    live,
    scratch,
    table,
    primaryKey: pk,
    columns: columns.map((c) => c.name),
    numeric: new Set(columns.filter((c) => NUMERIC.has(c.type)).map((c) => c.name)),
    bits: new Set(columns.filter((c) => c.type === 'bit').map((c) => c.name)),
    notCompared: [
      ...liveCols.filter((c) => !backupCols.has(c.name)).map((c) => `${c.name} (live only)`),
      ...[...backupCols].filter((c) => !liveNames.has(c)).map((c) => `${c} (backup only)`),
    ],
  };
}

const col = (alias: string, c: string) => `${alias}.${q(c)}`;
const from = (s: TableShape, side: 'b' | 'l') => `${q(side === 'b' ? s.scratch : s.live)}.${q(s.table)} ${side}`;
const joinOn = (s: TableShape) => s.primaryKey.map((c) => `${col('l', c)} = ${col('b', c)}`).join(' AND ');
/** True when a matched pair differs in any compared column. */
const differs = (s: TableShape) =>
  `NOT (${s.columns.map((c) => (s.numeric.has(c) ? `${col('l', c)} <=> ${col('b', c)}` : `CAST(${col('l', c)} AS BINARY) <=> CAST(${col('b', c)} AS BINARY)`)).join(' AND ')})`;

/** Rows of one kind: `side` is the copy the rows come from. */
export function kindWhere(s: TableShape, kind: DiffKind): { side: 'b' | 'l'; where: string; join: boolean } {
  if (kind === 'removed')
    return { side: 'b', where: `NOT EXISTS (SELECT 1 FROM ${from(s, 'l')} WHERE ${joinOn(s)})`, join: false };
  if (kind === 'added') return { side: 'l', where: `NOT EXISTS (SELECT 1 FROM ${from(s, 'b')} WHERE ${joinOn(s)})`, join: false };
  return { side: 'b', where: differs(s), join: true };
}

/** Backup rows of the chosen kinds (removed and/or changed), for an export or a put-back. */
export function selectionWhere(s: TableShape, kinds: readonly ('removed' | 'changed')[]): string {
  const removed = kinds.includes('removed');
  const changed = kinds.includes('changed');
  if (removed && changed) return `NOT EXISTS (SELECT 1 FROM ${from(s, 'l')} WHERE ${joinOn(s)} AND NOT ${differs(s)})`;
  if (removed) return kindWhere(s, 'removed').where;
  return `EXISTS (SELECT 1 FROM ${from(s, 'l')} WHERE ${joinOn(s)} AND ${differs(s)})`;
}

/** `AND (b.k1, b.k2) IN ((?, ?), …)` for an explicit list of keys. */
export function keysWhere(
  s: TableShape,
  alias: 'b' | 'l',
  keys: readonly (readonly (string | null)[])[],
): { sql: string; params: unknown[] } {
  const tuple = `(${s.primaryKey.map(() => '?').join(', ')})`;
  return {
    sql: ` AND (${s.primaryKey.map((c) => col(alias, c)).join(', ')}) IN (${keys.map(() => tuple).join(', ')})`,
    params: keys.flatMap((k) => s.primaryKey.map((_, i) => k[i] ?? null)),
  };
}

async function count(conn: DbConnection, sql: string): Promise<number> {
  return Number((await rows<Row>(conn, sql))[0]?.n ?? 0);
}

/** Counts first: three queries by primary key, all in the server. */
export async function diffCounts(conn: DbConnection, s: TableShape): Promise<DiffCounts> {
  const backupRows = await count(conn, `SELECT COUNT(*) AS n FROM ${from(s, 'b')}`);
  const liveRows = await count(conn, `SELECT COUNT(*) AS n FROM ${from(s, 'l')}`);
  const removed = await count(conn, `SELECT COUNT(*) AS n FROM ${from(s, 'b')} WHERE ${kindWhere(s, 'removed').where}`);
  const changed = await count(
    conn,
    `SELECT COUNT(*) AS n FROM ${from(s, 'b')} JOIN ${from(s, 'l')} ON ${joinOn(s)} WHERE ${differs(s)}`,
  );
  return { backupRows, liveRows, removed, changed, added: liveRows - (backupRows - removed) };
}

/** One page of rows of a kind, in primary-key order after `after`: both sides' columns for a changed row. */
export async function diffPage(
  conn: DbConnection,
  s: TableShape,
  kind: DiffKind,
  after: readonly (string | null)[] | undefined,
  limit: number,
): Promise<Array<{ backup: Row | null; live: Row | null }>> {
  const k = kindWhere(s, kind);
  const pick = (alias: 'b' | 'l') => s.columns.map((c, i) => `${col(alias, c)} AS ${q(`${alias}${i}`)}`).join(', ');
  const select = k.join ? `${pick('b')}, ${pick('l')}` : pick(k.side);
  const source = k.join ? `${from(s, 'b')} JOIN ${from(s, 'l')} ON ${joinOn(s)}` : from(s, k.side);
  const keyCols = s.primaryKey.map((c) => col(k.side, c)).join(', ');
  const cursor = after ? ` AND (${keyCols}) > (${s.primaryKey.map(() => '?').join(', ')})` : '';
  const r = await rows<Row>(
    conn,
    `SELECT ${select} FROM ${source} WHERE ${k.where}${cursor} ORDER BY ${keyCols} LIMIT ${Number(limit)}`,
    after ? [...after] : [],
  );
  const side = (row: Row, alias: 'b' | 'l'): Row => Object.fromEntries(s.columns.map((c, i) => [c, row[`${alias}${i}`]])) as Row;
  return r.map((row) => ({
    backup: k.join || k.side === 'b' ? side(row, 'b') : null,
    live: k.join || k.side === 'l' ? side(row, 'l') : null,
  }));
}

/**
 * Up to `limit` selected backup rows after the key `after`, each as one SQL tuple `(…)` written by the server
 * (numbers as they are, the rest as X'hex'), with its key columns (`k0`…) for the next page.
 */
export function tupleSelect(s: TableShape, where: string, withCursor: boolean, limit: number): string {
  const lit = (c: string) =>
    `IF(${col('b', c)} IS NULL, 'NULL', ${s.bits.has(c) ? `CAST(CAST(${col('b', c)} AS UNSIGNED) AS CHAR)` : s.numeric.has(c) ? `CAST(${col('b', c)} AS CHAR)` : `CONCAT('X''', HEX(${col('b', c)}), '''')`})`;
  const keyCols = s.primaryKey.map((c) => col('b', c)).join(', ');
  const keys = s.primaryKey.map((c, i) => `${col('b', c)} AS ${q(`k${i}`)}`).join(', ');
  const cursor = withCursor ? ` AND (${keyCols}) > (${s.primaryKey.map(() => '?').join(', ')})` : '';
  return `SELECT CONCAT('(', ${s.columns.map(lit).join(", ',', ")}, ')') AS t, ${keys} FROM ${from(s, 'b')} WHERE ${where}${cursor} ORDER BY ${keyCols} LIMIT ${Number(limit)}`;
}

/** `INSERT INTO t (…) VALUES` and its `ON DUPLICATE KEY UPDATE …` tail, around the tuples. */
export function upsertParts(s: TableShape, database: string | null): { head: string; tail: string } {
  const names = s.columns.map((c) => q(c)).join(', ');
  const target = database ? `${q(database)}.${q(s.table)}` : q(s.table);
  const updates = s.columns.filter((c) => !s.primaryKey.includes(c)).map((c) => `${q(c)} = VALUES(${q(c)})`);
  const tail = updates.length
    ? ` ON DUPLICATE KEY UPDATE ${updates.join(', ')}`
    : ` ON DUPLICATE KEY UPDATE ${q(s.primaryKey[0] as string)} = ${q(s.primaryKey[0] as string)}`;
  return { head: `INSERT INTO ${target} (${names}) VALUES`, tail };
}

/** The put-back, all in the server: the selected backup rows into the live table. */
export function putBackSql(s: TableShape, where: string): string {
  const { tail } = upsertParts(s, s.live);
  const names = s.columns.map((c) => q(c)).join(', ');
  return `INSERT INTO ${q(s.live)}.${q(s.table)} (${names}) SELECT ${s.columns.map((c) => col('b', c)).join(', ')} FROM ${from(s, 'b')} WHERE ${where}${tail}`;
}
