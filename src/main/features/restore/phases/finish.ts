import type { RestoreStats } from '../../../../shared/contract/restore';
import { toFailure } from '../../../core/AppError';
import { killSessions, threadIdOf } from '../../connections/mysql/killSessions';
import { dropLoadAccount } from '../confinement/loadAccount';
import { closeQuietly, type DbConnection, openControl, q } from '../connect';
import type { LoadOutcome } from './load';
import { RESTORE_PHASE } from './progressPlan';
import type { RestoreRun } from './RestoreRun';
import type { VerifyOutcome } from './verify';

/** Phase 8: drop the now empty shadow schema, record the run's figures, report done. */
export async function finishPhase(
  run: RestoreRun,
  shadow: string,
  load: LoadOutcome,
  verify: VerifyOutcome,
  swapMs: number,
): Promise<RestoreStats> {
  await run.control
    .query(`DROP DATABASE IF EXISTS ${q(shadow)}`)
    .catch((e: Error) => run.log('warn', `Could not drop the empty ${shadow}: ${e.message}`));
  const { loaded } = load;
  const stats: RestoreStats = {
    tables: loaded.tables.length,
    rows: loaded.tables.reduce((a, t) => a + t.affectedRows, 0),
    bytes: loaded.bytes,
    loadMs: load.loadMs,
    verifyMs: verify.verifyMs,
    swapMs,
    totalMs: Date.now() - run.startedAt,
    warnings: [...loaded.warnings, ...verify.verified.warnings],
  };
  run.recorder.complete(stats);
  run.ctx.progress({
    phase: RESTORE_PHASE.swap,
    stage: 'done',
    done: 1,
    total: 1,
    unit: 'steps',
    rows: stats.rows,
    bytes: stats.bytes,
  });
  return stats;
}

/**
 * A failed or cancelled run: before the swap the shadow schema is dropped (the live database was never
 * touched); the journal records the outcome. The action's audit row is settled by dispatch from the job's
 * outcome (succeeded, failed, cancelled, refused for a failed preflight): one row per restore.
 */
export async function recordFailure(run: RestoreRun, err: unknown): Promise<void> {
  const { recorder } = run;
  if (!recorder.started) return;
  const f = toFailure(err);
  if (!recorder.movedIntoLive()) await abandonShadow(run, recorder.row().shadowSchema);
  recorder.fail(f.code, f.message);
}

/** Whatever the outcome: loader sessions closed, the temporary account dropped, the locks released. */
export async function releaseRun(run: RestoreRun): Promise<void> {
  await Promise.all(run.loaders.map(closeQuietly));
  if (run.loadAccount)
    await dropLoadAccount(run.control, run.loadAccount).catch(() =>
      run.log('warn', 'Could not drop the temporary load account; the next restore or cleanup removes it.'),
    );
  await run.control.query('SELECT RELEASE_ALL_LOCKS()').catch(() => undefined);
  await closeQuietly(run.control);
}

/** Kill our loader sessions (a running INSERT would hold its table) and drop the shadow schema. */
async function abandonShadow(run: RestoreRun, shadow: string): Promise<void> {
  const ids = run.loaders.map(threadIdOf);
  for (const l of run.loaders) l.destroy();
  await killSessions(run.control, ids);
  let conn: DbConnection | null = run.control;
  try {
    await conn.query('SET SESSION lock_wait_timeout = 30');
    await conn.query(`DROP DATABASE IF EXISTS ${q(shadow)}`);
  } catch {
    // The control connection may be the one that died: try once more on a fresh one.
    conn = await openControl(run.app, run.profile.id, null).catch(() => null);
    if (conn)
      await conn
        .query(`DROP DATABASE IF EXISTS ${q(shadow)}`)
        .catch(() => run.log('warn', `Could not drop ${shadow}; the next restore or cleanup removes it.`));
    await closeQuietly(conn);
  }
}
