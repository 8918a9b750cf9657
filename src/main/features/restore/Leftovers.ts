import type { RowDataPacket } from 'mysql2/promise';
import type { CleanupReport } from '../../../shared/contract/restore';
import { LOAD_ACCOUNT_PREFIX, loadAccountName } from './confinement/loadAccount';
import { closeQuietly, type DbConnection, openByteTransparent, openControl, q, rows } from './connect';
import { baseTables, schemaInfo, schemasLike } from './liveSchema';
import { parseLeftoverName, restoreLockName } from './names';
import { applyObjects } from './objects/applyObjects';
import { type JournalRow, type RestoreJournal, serverKeyOf, UNFINISHED } from './RestoreJournal';
import type { RestoreServiceDeps } from './RestoreServiceDeps';
import { rollbackToPrev } from './SchemaSwap';

type Row = RowDataPacket & Record<string, unknown>;

/**
 * Crash recovery. A run whose journal row is in an unfinished phase, with no job alive in this process and
 * nobody holding its restore lock on the server (session locks die with their connection), crashed. What
 * it left depends on how far it got:
 * - before the swap: the live database was never touched; drop the shadow schema;
 * - triggers dropped but no RENAME yet (the shadow still holds the tables): put the triggers back, drop
 *   the shadow and the empty previous-tables schema;
 * - RENAME done but objects not all created, or a rollback interrupted: roll back to the previous tables;
 * - everything done but the journal not updated: mark it completed.
 * Shadow schemas of finished runs that are still there are dropped too. Schemas that look like leftovers
 * but are not in this app's journal are only reported.
 */
export async function cleanupLeftovers(
  app: Pick<RestoreServiceDeps, 'connections' | 'profiles' | 'audit'>,
  journal: RestoreJournal,
  profileId: string,
  activeJobIds: ReadonlySet<string>,
): Promise<CleanupReport> {
  const report: CleanupReport = { cleaned: [], unknown: [] };
  const control = await openControl(app, profileId, null);
  try {
    const runs = journal.forServer(serverKeyOf(app.profiles.get(profileId)));
    for (const run of runs) {
      if (run.jobId && activeJobIds.has(run.jobId)) continue;
      const holder = (await rows<Row>(control, 'SELECT IS_USED_LOCK(?) AS h', [restoreLockName(run.targetDatabase)]))[0]?.h;
      if (holder !== null && holder !== undefined) continue;
      if (UNFINISHED.includes(run.phase)) {
        const action = await recover(app, journal, control, run, profileId);
        report.cleaned.push({ restoreId: run.id, schema: run.shadowSchema, action });
        app.audit.record({
          actor: 'system',
          action: 'restore.cleanup',
          profileId,
          target: run.targetDatabase,
          result: 'succeeded',
          details: { restoreId: run.id, action },
        });
      } else if ((await schemaInfo(control, run.shadowSchema)).exists) {
        await control.query(`DROP DATABASE IF EXISTS ${q(run.shadowSchema)}`);
        report.cleaned.push({ restoreId: run.id, schema: run.shadowSchema, action: 'dropped a leftover shadow schema' });
      }
    }
    await cleanupLoadAccounts(control, runs, activeJobIds, report);
    const known = new Set(runs.flatMap((r) => [r.shadowSchema, r.prevSchema]));
    for (const schema of [
      ...(await schemasLike(control, '%\\_\\_restore\\_%')),
      ...(await schemasLike(control, '%\\_\\_prev\\_%')),
    ]) {
      if (parseLeftoverName(schema) && !known.has(schema)) report.unknown.push(schema);
    }
    return report;
  } finally {
    await closeQuietly(control);
  }
}

/** `profileId` is the profile used now (the run's own may have been a transient `--url` one, long gone). */
async function recover(
  app: Pick<RestoreServiceDeps, 'connections' | 'profiles' | 'audit'>,
  journal: RestoreJournal,
  control: DbConnection,
  run: JournalRow,
  profileId: string,
): Promise<string> {
  const interrupted = {
    code: 'RESTORE_FAILED',
    message: 'The restore was interrupted (the app or its connection stopped); cleaned up on the next run.',
  };
  const shadowTables = (await schemaInfo(control, run.shadowSchema)).exists ? await baseTables(control, run.shadowSchema) : [];
  const openObjects = () => openByteTransparent(app, profileId, run.targetDatabase);
  const rollback = async (alreadyRenamed: boolean) => {
    journal.update(run.id, { phase: 'rolling-back' });
    await rollbackToPrev({
      control,
      openObjects,
      live: run.targetDatabase,
      prev: run.prevSchema as string,
      parking: run.shadowSchema,
      prevObjects: run.prevObjects,
      tables: run.tables ? new Set(run.tables) : null,
      prevCollation: run.prevCollation,
      alreadyRenamed,
      onRenamed: () => journal.update(run.id, { swapStep: 'rollback-renamed' }),
      log: () => undefined,
    });
  };

  if (run.phase === 'rolling-back') {
    await rollback(run.swapStep === 'rollback-renamed');
    // Only completed restores have stats: then this was a requested rollback; otherwise the automatic one of a failed swap.
    if (run.stats) journal.update(run.id, { phase: 'rolled-back' });
    else journal.update(run.id, { phase: 'failed', error: run.error ?? interrupted });
    return 'finished an interrupted rollback: the previous tables are back';
  }
  if (run.phase !== 'swapping' || run.swapStep === null || run.swapStep === 'objects-captured') {
    await control.query(`DROP DATABASE IF EXISTS ${q(run.shadowSchema)}`);
    if (run.prevSchema && (await isEmptySchema(control, run.prevSchema)))
      await control.query(`DROP DATABASE IF EXISTS ${q(run.prevSchema)}`);
    journal.update(run.id, { phase: 'failed', error: interrupted });
    return `dropped the shadow schema (interrupted while ${run.phase}); the live database was never changed`;
  }
  if (run.swapStep === 'triggers-dropped' && shadowTables.length > 0) {
    const triggers = run.prevObjects.filter((o) => o.type === 'trigger');
    if (triggers.length) {
      const conn = await openObjects();
      try {
        await applyObjects(conn, triggers, { definer: 'keep', database: run.targetDatabase, log: () => undefined });
      } finally {
        conn.destroy();
      }
    }
    await control.query(`DROP DATABASE IF EXISTS ${q(run.shadowSchema)}`);
    if (run.prevSchema && (await isEmptySchema(control, run.prevSchema)))
      await control.query(`DROP DATABASE IF EXISTS ${q(run.prevSchema)}`);
    journal.update(run.id, { phase: 'failed', error: interrupted });
    return `interrupted right before the RENAME: put ${triggers.length} trigger(s) back and dropped the shadow schema`;
  }
  if (run.swapStep === 'objects-applied') {
    await control.query(`DROP DATABASE IF EXISTS ${q(run.shadowSchema)}`);
    journal.update(run.id, { phase: 'completed', error: null });
    return 'the swap had finished; marked completed';
  }
  await rollback(false);
  journal.update(run.id, {
    phase: 'failed',
    error: {
      ...interrupted,
      message: `${interrupted.message} It stopped after the swap, so the previous tables were swapped back.`,
    },
  });
  return 'interrupted after the RENAME: swapped the previous tables back';
}

async function isEmptySchema(conn: DbConnection, schema: string): Promise<boolean> {
  if (!(await schemaInfo(conn, schema)).exists) return false;
  return (await baseTables(conn, schema)).length === 0;
}

/**
 * Temporary load accounts of this app's runs that are no longer running are dropped (a crash between
 * CREATE USER and the end of the load leaves one). Accounts of runs this app does not know (another
 * machine restoring to the same server) are only reported.
 */
async function cleanupLoadAccounts(
  control: DbConnection,
  runs: readonly JournalRow[],
  activeJobIds: ReadonlySet<string>,
  report: CleanupReport,
): Promise<void> {
  let accounts: Row[];
  try {
    accounts = await rows<Row>(control, 'SELECT User AS u, Host AS h FROM mysql.user WHERE User LIKE ?', [
      `${LOAD_ACCOUNT_PREFIX.replace(/_/g, '\\_')}%`,
    ]);
  } catch {
    return; // mysql.user not readable: the account's own restore drops it; nothing to find here.
  }
  const byName = new Map(runs.map((r) => [loadAccountName(r.id), r]));
  for (const a of accounts) {
    const user = String(a.u);
    const host = String(a.h);
    const run = byName.get(user);
    if (!run) {
      report.unknown.push(`account ${user}@${host}`);
      continue;
    }
    if (run.jobId && activeJobIds.has(run.jobId)) continue;
    const holder = (await rows<Row>(control, 'SELECT IS_USED_LOCK(?) AS h', [restoreLockName(run.targetDatabase)]))[0]?.h;
    if (holder !== null && holder !== undefined) continue; // still running in another process
    await control.query('DROP USER IF EXISTS ?@?', [user, host]);
    report.cleaned.push({
      restoreId: run.id,
      schema: run.shadowSchema,
      action: `dropped the temporary load account ${user}@${host}`,
    });
  }
}
