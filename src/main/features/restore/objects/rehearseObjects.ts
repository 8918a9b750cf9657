import { AppError, toFailure } from '../../../core/AppError';
import { type DbConnection, q } from '../connect';
import { applyObjects } from './applyObjects';
import type { DumpedObject } from './CapturedObject';

/** Access-denied errors: the load account was refused something outside the shadow schema. */
const DENIED = new Set([1044, 1142, 1143, 1227, 1370, 1410]);

/**
 * Create every object of the file in the shadow schema on a load connection (the temporary account, no
 * DEFINER), then drop them again: the server checks what a view reads and where each object lands with
 * the load account's rights, and any statement that fails fails before the swap. Triggers must go before
 * the RENAME in any case (a table with triggers cannot move to another schema).
 */
export async function rehearseObjects(
  conn: DbConnection,
  objects: readonly DumpedObject[],
  shadow: string,
  log: (level: 'info' | 'warn', message: string) => void,
): Promise<void> {
  if (!objects.length) return;
  const rehearsals = objects.map((o) => ({ ...o, sql: o.rehearsal, sqlWithoutDefiner: o.rehearsal }));
  try {
    await applyObjects(conn, rehearsals, { definer: 'strip', database: shadow, log });
  } catch (err) {
    const f = toFailure(err);
    const errno = Number((f.details as { errno?: number } | undefined)?.errno ?? 0);
    if (DENIED.has(errno))
      throw new AppError(
        'RESTORE_STATEMENT_REFUSED',
        `${f.message.replace(/\.$/, '')} — it reaches beyond the database being restored. Nothing was swapped.`,
        f.details,
      );
    throw new AppError('RESTORE_FAILED', `${f.message} (found before the swap; nothing was changed).`, f.details);
  } finally {
    await dropRehearsed(conn, objects).catch(() => undefined);
  }
  log('info', `Rehearsed ${objects.length} object(s) in ${shadow} as the load account.`);
}

async function dropRehearsed(conn: DbConnection, objects: readonly DumpedObject[]): Promise<void> {
  for (const o of objects) {
    const kind = o.type === 'function' ? 'FUNCTION' : o.type.toUpperCase();
    await conn.query(`DROP ${kind} IF EXISTS ${q(Buffer.from(o.name, 'utf8').toString('latin1'))}`);
  }
}
