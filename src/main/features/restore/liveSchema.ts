import type { RowDataPacket } from 'mysql2/promise';
import { type DbConnection, q, rows } from './connect';

export interface SchemaInfo {
  exists: boolean;
  charset: string | null;
  collation: string | null;
}

export interface LiveTable {
  name: string;
  /** information_schema estimate (InnoDB) until replaced by an exact COUNT(*). */
  rows: number;
  exact: boolean;
  bytes: number;
  engine: string | null;
  sequence: boolean;
}

type Row = RowDataPacket & Record<string, unknown>;

export async function schemaInfo(conn: DbConnection, db: string): Promise<SchemaInfo> {
  const r = await rows<Row>(
    conn,
    'SELECT DEFAULT_CHARACTER_SET_NAME AS cs, DEFAULT_COLLATION_NAME AS co FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?',
    [db],
  );
  if (!r[0]) return { exists: false, charset: null, collation: null };
  return { exists: true, charset: String(r[0].cs), collation: String(r[0].co) };
}

/** Base tables (and MariaDB sequences): what a swap moves. Views are not tables here. */
export async function baseTables(conn: DbConnection, db: string): Promise<LiveTable[]> {
  const r = await rows<Row>(
    conn,
    "SELECT TABLE_NAME AS n, TABLE_ROWS AS r, DATA_LENGTH + INDEX_LENGTH AS b, ENGINE AS e, TABLE_TYPE AS k FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_TYPE IN ('BASE TABLE', 'SEQUENCE') ORDER BY TABLE_NAME",
    [db],
  );
  return r.map((x) => ({
    name: String(x.n),
    rows: Number(x.r ?? 0),
    exact: false,
    bytes: Number(x.b ?? 0),
    engine: x.e === null ? null : String(x.e),
    sequence: x.k === 'SEQUENCE',
  }));
}

/** Exact COUNT(*) for tables small enough to count quickly; bigger ones keep their estimate. */
export async function countRows(conn: DbConnection, db: string, tables: LiveTable[], estimateLimit = 2_000_000): Promise<void> {
  for (const t of tables) {
    if (t.rows > estimateLimit) continue;
    const r = await rows<Row>(conn, `SELECT COUNT(*) AS c FROM ${q(db)}.${q(t.name)}`);
    t.rows = Number(r[0]?.c ?? 0);
    t.exact = true;
  }
}

export async function schemasLike(conn: DbConnection, pattern: string): Promise<string[]> {
  const r = await rows<Row>(
    conn,
    'SELECT SCHEMA_NAME AS n FROM information_schema.SCHEMATA WHERE SCHEMA_NAME LIKE ? ORDER BY SCHEMA_NAME',
    [pattern],
  );
  return r.map((x) => String(x.n));
}

/** LIKE-escape a literal (for `db\_\_restore\_%` patterns). */
export function likeLiteral(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}
