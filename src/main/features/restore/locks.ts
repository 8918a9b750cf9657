import { AppError } from '../../core/AppError';
import { acquireMigrationLock, describeHolder, LOCK_NAME as MIGRATION_LOCK } from '../migrations/MigrationLock';
import { type DbConnection, rows } from './connect';
import { restoreLockName } from './names';

/**
 * The two session locks a restore holds on its control connection from before the preflight to the end:
 * its own per-database lock (a second restore of the same database is refused at once) and SysNDD's
 * server-wide migration lock, so no migration (a SysNDD API replica starting up, another console) changes
 * the live database while it is being replaced, and none starts on a half-restored one. The migration lock
 * is waited for up to `timeoutSeconds` (like `migrate --lock-timeout`): another restore or a short migration
 * on the same server holds it briefly. Taking both before the preflight means the preflight sees this
 * restore as their holder and nothing can slip in between the check and the load.
 */
export async function takeRestoreLocks(
  control: DbConnection,
  db: string,
  timeoutSeconds: number,
  signal: AbortSignal,
  onWait: (message: string) => void,
): Promise<void> {
  const got = await rows(control, 'SELECT GET_LOCK(?, 0) AS r', [restoreLockName(db)]);
  if (Number(got[0]?.r) !== 1) throw new AppError('CONFLICT', `Another restore of ${db} is running; wait for it.`);
  let announced = false;
  try {
    await acquireMigrationLock(control, {
      timeoutSeconds,
      signal,
      onWait: (holder) => {
        const who = holder ? describeHolder(holder) : 'another session';
        if (!announced) onWait(`Waiting up to ${timeoutSeconds} s for the migration lock ${MIGRATION_LOCK}, held by ${who}.`);
        announced = true;
      },
    });
  } catch (err) {
    if (err instanceof AppError && err.code === 'MIGRATION_LOCK_BUSY') {
      throw new AppError('RESTORE_PREFLIGHT_FAILED', `Preflight failed, nothing was changed: ${err.message}`, err.details);
    }
    throw err;
  }
}
