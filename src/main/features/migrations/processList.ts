import type { Connection, RowDataPacket } from 'mysql2/promise';

/** One server session as SHOW PROCESSLIST shows it (what this account may see). */
export interface ProcessRow {
  id: number;
  user: string | null;
  host: string | null;
  db: string | null;
  command: string | null;
  timeSeconds: number | null;
  state: string | null;
  /** The session's current statement, at most 100 characters (SHOW PROCESSLIST without FULL). */
  info: string | null;
}

/**
 * Sessions by id, through `SHOW PROCESSLIST` rather than information_schema.PROCESSLIST: on MySQL 8/9 the
 * latter is a utf8mb3 table built from every session before any WHERE applies, so the whole query fails
 * (3854 "Cannot convert string … from utf8mb4 to utf8mb3") whenever any other session runs a statement
 * with a 4-byte character, such as a restore loading emoji. Without FULL each Info is cut to 100
 * characters, so a busy loader's multi-megabyte INSERTs are never transferred.
 */
export async function processRows(conn: Connection, ids: readonly number[]): Promise<Map<number, ProcessRow>> {
  const wanted = new Set(ids);
  const map = new Map<number, ProcessRow>();
  if (wanted.size === 0) return map;
  const [rows] = await conn.query<RowDataPacket[]>('SHOW PROCESSLIST');
  const str = (v: unknown) => (v === null || v === undefined ? null : String(v));
  for (const r of rows) {
    const id = Number(r.Id);
    if (!wanted.has(id)) continue;
    map.set(id, {
      id,
      user: str(r.User),
      host: str(r.Host),
      db: str(r.db),
      command: str(r.Command),
      timeSeconds: r.Time === null || r.Time === undefined ? null : Number(r.Time),
      state: str(r.State),
      info: str(r.Info),
    });
  }
  return map;
}
