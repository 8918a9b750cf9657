import type { RowDataPacket } from 'mysql2/promise';
import { AppError } from '../../../core/AppError';
import { type DbConnection, q } from '../connect';
import { quoteIdentBytes, stripDefiner, viewAsCreateOrReplace } from '../sql/dumpStatements';
import { type CapturedObject, CREATION_ORDER, type ObjectContext } from './CapturedObject';

export interface ApplyOptions {
  definer: 'keep' | 'strip';
  /** The live database (the connection's default database must be this one). */
  database: string;
  log: (level: 'info' | 'warn', message: string) => void;
}

/** MySQL errors that mean "something this object needs is not there yet" (view on view, function in a view). */
const NOT_YET = new Set([1146, 1356, 1305, 1449]);

function sqlString(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/**
 * Create objects in the live database on a byte-transparent connection whose default database is that
 * database: functions and procedures, then views (repeated passes, so views on views need no dependency
 * analysis), triggers, events. Each runs under its own sql_mode / character set / collation / time zone,
 * and under its database collation, as mysqldump replays them.
 */
export async function applyObjects(conn: DbConnection, objects: readonly CapturedObject[], o: ApplyOptions): Promise<number> {
  const [dbRow] = await conn.query<RowDataPacket[]>('SELECT @@collation_database AS c');
  const liveCollation = String(dbRow[0]?.c ?? '');
  let applied = 0;
  for (const type of CREATION_ORDER) {
    let pending = objects.filter((x) => x.type === type);
    while (pending.length > 0) {
      const failed: Array<{ obj: CapturedObject; err: unknown }> = [];
      for (const obj of pending) {
        try {
          await createOne(conn, obj, o, liveCollation);
          applied++;
        } catch (err) {
          if (type === 'view' && NOT_YET.has(errno(err))) failed.push({ obj, err });
          else throw objectError(obj, err);
        }
      }
      if (failed.length === pending.length)
        throw objectError((failed[0] as { obj: CapturedObject }).obj, (failed[0] as { err: unknown }).err);
      pending = failed.map((f) => f.obj);
    }
  }
  return applied;
}

async function createOne(conn: DbConnection, obj: CapturedObject, o: ApplyOptions, liveCollation: string): Promise<void> {
  await setContext(conn, obj.context);
  // A file's object carries the statement we wrote without its DEFINER; a live one (rollback) is stripped.
  const withoutDefiner = 'sqlWithoutDefiner' in obj ? String(obj.sqlWithoutDefiner) : stripDefiner(obj.sql);
  let sql = o.definer === 'strip' ? withoutDefiner : obj.sql;
  if (obj.type === 'view') sql = viewAsCreateOrReplace(sql);
  else {
    const kind = obj.type === 'function' ? 'FUNCTION' : obj.type.toUpperCase();
    await conn.query(`DROP ${kind} IF EXISTS ${quoteIdentBytes(obj.name)}`);
  }
  const switchCollation = obj.type !== 'view' && obj.context.databaseCollation && obj.context.databaseCollation !== liveCollation;
  if (switchCollation) await conn.query(`ALTER DATABASE ${quoteIdentBytes(o.database)} COLLATE ${obj.context.databaseCollation}`);
  try {
    await conn.query(sql);
  } finally {
    if (switchCollation) await conn.query(`ALTER DATABASE ${quoteIdentBytes(o.database)} COLLATE ${liveCollation}`);
  }
}

async function setContext(conn: DbConnection, c: ObjectContext): Promise<void> {
  const parts = [`sql_mode = ${sqlString(c.sqlMode)}`];
  if (c.characterSetClient) parts.push(`character_set_client = ${sqlString(c.characterSetClient)}`);
  if (c.collationConnection) parts.push(`collation_connection = ${sqlString(c.collationConnection)}`);
  if (c.timeZone) parts.push(`time_zone = ${sqlString(c.timeZone)}`);
  await conn.query(`SET SESSION ${parts.join(', ')}`);
}

function errno(err: unknown): number {
  return Number((err as { errno?: number })?.errno ?? 0);
}

function objectError(obj: CapturedObject, err: unknown): AppError {
  if (err instanceof AppError) return err;
  const e = err as { errno?: number; sqlMessage?: string; message?: string };
  const hint =
    e.errno === 1227
      ? ' Keeping another account as DEFINER needs SUPER (or SET USER); restore with definer "strip" to make the restoring account the definer.'
      : '';
  return new AppError(
    'RESTORE_FAILED',
    `Creating ${obj.type} ${q(obj.name)} failed: ${e.sqlMessage ?? e.message ?? String(err)}.${hint}`,
    {
      object: { type: obj.type, name: obj.name },
      errno: e.errno ?? null,
    },
  );
}
