import { dropLoadAccount } from '../confinement/loadAccount';
import { closeQuietly, type DbConnection } from '../connect';
import type { LoadResult } from '../loader/DumpLoader';
import { rehearseObjects } from '../objects/rehearseObjects';
import { type VerifyOutcome as ShadowCheck, verifyShadow } from '../verifyShadow';
import type { PreflightOutcome } from './preflight';
import { RESTORE_PHASE } from './progressPlan';
import type { RestoreRun } from './RestoreRun';

export interface VerifyOutcome {
  verified: ShadowCheck;
  verifyMs: number;
}

/** Phase 4: row counts (and CHECKSUM TABLE when asked) of every loaded table against the file. */
export async function verifyPhase(
  run: RestoreRun,
  pre: PreflightOutcome,
  shadow: string,
  loaded: LoadResult,
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
    onTable: (done, total) =>
      ctx.progress({ phase: RESTORE_PHASE.verify, stage: `verifying (${done} of ${total} tables)`, done, total, unit: 'tables' }),
  });
  for (const w of verified.warnings) log('warn', w);
  const checksums = verified.checksumsCompared ? `, ${verified.checksumsCompared} CHECKSUM TABLE` : '';
  log('info', `Verified ${verified.tablesChecked} table(s) (row counts${checksums}).`);
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
