import type { RowDataPacket } from 'mysql2/promise';
import { AppError } from '../../../core/AppError';
import type { ObjectType } from '../../../platform/sql/dumpObject';
import { bytesOf, type DbConnection, q, rows } from '../connect';
import type { CapturedObject } from './CapturedObject';

type Row = RowDataPacket & Record<string, unknown>;

const str = (v: unknown): string => (v === null || v === undefined ? '' : Buffer.isBuffer(v) ? v.toString('utf8') : String(v));

export interface ObjectNames {
  triggers: Array<{ name: string; table: string }>;
  views: string[];
  procedures: string[];
  functions: string[];
  events: string[];
}

/** What schema-level objects `db` has (information_schema; the account sees what it may use). */
export async function listObjects(conn: DbConnection, db: string): Promise<ObjectNames> {
  const names = (sql: string) => rows<Row>(conn, sql, [db]);
  const triggers = await names(
    'SELECT TRIGGER_NAME AS n, EVENT_OBJECT_TABLE AS t FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = ? ORDER BY EVENT_OBJECT_TABLE, ACTION_TIMING, EVENT_MANIPULATION, ACTION_ORDER',
  );
  const views = await names('SELECT TABLE_NAME AS n FROM information_schema.VIEWS WHERE TABLE_SCHEMA = ? ORDER BY TABLE_NAME');
  const routines = await names(
    "SELECT ROUTINE_NAME AS n, ROUTINE_TYPE AS t FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = ? AND ROUTINE_TYPE IN ('PROCEDURE', 'FUNCTION') ORDER BY ROUTINE_NAME",
  );
  const events = await names('SELECT EVENT_NAME AS n FROM information_schema.EVENTS WHERE EVENT_SCHEMA = ? ORDER BY EVENT_NAME');
  return {
    triggers: triggers.map((r) => ({ name: str(r.n), table: str(r.t) })),
    views: views.map((r) => str(r.n)),
    procedures: routines.filter((r) => str(r.t) === 'PROCEDURE').map((r) => str(r.n)),
    functions: routines.filter((r) => str(r.t) === 'FUNCTION').map((r) => str(r.n)),
    events: events.map((r) => str(r.n)),
  };
}

async function showCreate(conn: DbConnection, what: string, db: string, name: string): Promise<Row> {
  const r = await rows<Row>(conn, `SHOW CREATE ${what} ${q(db)}.${q(name)}`);
  if (!r[0]) throw new AppError('DB_QUERY_FAILED', `SHOW CREATE ${what} ${db}.${name} returned nothing.`);
  return r[0];
}

/**
 * Save every view, trigger, routine and event of `db` (their SHOW CREATE text and definition context), so
 * a rollback can put them back: they live in the schema, not in the tables, and cannot follow the tables
 * into `__prev`. Refuses when a definition is unreadable (a rollback could not restore it).
 */
export async function captureLiveObjects(conn: DbConnection, db: string): Promise<CapturedObject[]> {
  const names = await listObjects(conn, db);
  const out: CapturedObject[] = [];
  for (const fn of names.functions) out.push(await routine(conn, db, 'function', fn));
  for (const p of names.procedures) out.push(await routine(conn, db, 'procedure', p));
  for (const v of names.views) {
    const r = await showCreate(conn, 'VIEW', db, v);
    // SHOW CREATE VIEW reports no sql_mode and no database collation.
    const context = { ...contextOf(r, null), sqlMode: '', databaseCollation: null };
    out.push(captured('view', v, null, r['Create View'], context));
  }
  for (const t of names.triggers) {
    const r = await showCreate(conn, 'TRIGGER', db, t.name);
    out.push(captured('trigger', t.name, t.table, r['SQL Original Statement'], contextOf(r, null)));
  }
  for (const e of names.events) {
    const r = await showCreate(conn, 'EVENT', db, e);
    out.push(captured('event', e, null, r['Create Event'], contextOf(r, str(r.time_zone))));
  }
  return out;
}

async function routine(conn: DbConnection, db: string, type: 'function' | 'procedure', name: string): Promise<CapturedObject> {
  const r = await showCreate(conn, type.toUpperCase(), db, name);
  const create = r[type === 'function' ? 'Create Function' : 'Create Procedure'];
  if (create === null || create === undefined) {
    throw new AppError(
      'RESTORE_PREFLIGHT_FAILED',
      `Cannot read the definition of ${type} ${db}.${name} (the account needs SHOW CREATE ROUTINE or to be its definer); a rollback could not put it back.`,
    );
  }
  return captured(type, name, null, create, contextOf(r, null));
}

function captured(
  type: ObjectType,
  name: string,
  table: string | null,
  create: unknown,
  context: CapturedObject['context'],
): CapturedObject {
  return { type, name, table, sql: bytesOf(str(create)), context };
}

function contextOf(r: Row, timeZone: string | null): CapturedObject['context'] {
  return {
    sqlMode: str(r.sql_mode),
    characterSetClient: str(r.character_set_client),
    collationConnection: str(r.collation_connection),
    timeZone,
    databaseCollation: str(r['Database Collation']) || null,
  };
}

/** Drop objects of `db` by type (names from information_schema, so nothing unknown is left behind). */
export async function dropObjects(conn: DbConnection, db: string, types: readonly ObjectType[]): Promise<number> {
  const names = await listObjects(conn, db);
  let n = 0;
  const drop = async (sql: string) => {
    await conn.query(sql);
    n++;
  };
  if (types.includes('trigger')) for (const t of names.triggers) await drop(`DROP TRIGGER IF EXISTS ${q(db)}.${q(t.name)}`);
  if (types.includes('event')) for (const e of names.events) await drop(`DROP EVENT IF EXISTS ${q(db)}.${q(e)}`);
  if (types.includes('view')) for (const v of names.views) await drop(`DROP VIEW IF EXISTS ${q(db)}.${q(v)}`);
  if (types.includes('procedure')) for (const p of names.procedures) await drop(`DROP PROCEDURE IF EXISTS ${q(db)}.${q(p)}`);
  if (types.includes('function')) for (const f of names.functions) await drop(`DROP FUNCTION IF EXISTS ${q(db)}.${q(f)}`);
  return n;
}
