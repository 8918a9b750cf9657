import { dropLoadAccount } from '../confinement/loadAccount';
import { closeQuietly, type DbConnection } from '../connect';
import type { LoadedTable, LoadResult } from '../loader/DumpLoader';
import { rehearseObjects } from '../objects/rehearseObjects';
import type { ShadowMeasurements } from '../shadowMeasure';
import { expectedTables, measureJobs, type VerifyOutcome as ShadowCheck, shadowTablesOf, verifyShadow } from '../verifyShadow';
import type { PreflightOutcome } from './preflight';
import { RESTORE_PHASE } from './progressPlan';
import type { RestoreRun } from './RestoreRun';

export interface VerifyOutcome {
  verified: ShadowCheck;
  verifyMs: number;
}

/**
 * Phase 3's overlap with phase 4: every row is committed, only index builds still run, so one session
 * starts counting and checksumming the tables (read, not judged: verifyPhase judges). Best effort: if
 * this fails, the verify phase reads every table itself.
 */
export async function startEarlyVerify(
  run: RestoreRun,
  pre: PreflightOutcome,
  shadow: string,
  early: { measurer: DbConnection; measurements: ShadowMeasurements; tables: LoadedTable[] },
): Promise<void> {
  try {
    const { present, sequences } = await shadowTablesOf(run.control, shadow);
    const expected = expectedTables(pre.inventory, early.tables, run.scope).filter((t) => present.has(t));
    const jobs = measureJobs(pre.inventory, expected, sequences, run.options.verifyChecksums);
    early.measurements.startEarly(early.measurer, jobs, run.ctx.signal);
  } catch {
    // The verify phase measures every table on the loader sessions.
  }
}

/** Phase 4: row counts (and CHECKSUM TABLE when asked) of every loaded table against the file. */
export async function verifyPhase(
  run: RestoreRun,
  pre: PreflightOutcome,
  shadow: string,
  loaded: LoadResult,
  measurements?: ShadowMeasurements,
): Promise<VerifyOutcome> {
  const { ctx, log } = run;
  run.recorder.enter('verifying');
  const started = Date.now();
  const verified = await verifyShadow({
    control: run.control,
    workers: run.loaders,
    shadow,
    inventory: pre.inventory,
    loaded: loaded.tables,
    compareChecksums: run.options.verifyChecksums,
    targetServerVersion: pre.facts.serverVersion,
    signal: ctx.signal,
    only: run.scope,
    measurements,
    onTable: (done, total) =>
      ctx.progress({ phase: RESTORE_PHASE.verify, stage: `verifying (${done} of ${total} tables)`, done, total, unit: 'tables' }),
  });
  for (const w of verified.warnings) log('warn', w);
  const checksums = verified.checksumsCompared ? `, ${verified.checksumsCompared} CHECKSUM TABLE` : '';
  const early = verified.readDuringIndexBuilds ? `; ${verified.readDuringIndexBuilds} read while the indexes were built` : '';
  log('info', `Verified ${verified.tablesChecked} table(s) (row counts${checksums}${early}).`);
  return { verified, verifyMs: Date.now() - started };
}

/**
 * Phase 5 (objects rehearsal): every object is created once in the shadow schema by the load account
 * before anything live changes: the server checks what it may reach, and a statement that fails fails
 * here, not after the swap. The loader sessions and the temporary account are not needed after it.
 */
export async function rehearseObjectsPhase(run: RestoreRun, shadow: string, loaded: LoadResult): Promise<void> {
  await rehearseObjects(run.loaders[0] as DbConnection, loaded.objects, shadow, run.log);
  await Promise.all(run.loaders.splice(0).map(closeQuietly));
  if (run.loadAccount) {
    await dropLoadAccount(run.control, run.loadAccount);
    run.loadAccount = null;
  }
  run.ctx.throwIfCancelled();
}
