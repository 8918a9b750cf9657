import { AppError, toFailure } from '../../../core/AppError';
import { openByteTransparent, q } from '../connect';
import { faultPoint } from '../faults';
import type { CapturedObject } from '../objects/CapturedObject';
import { captureLiveObjects } from '../objects/liveObjects';
import { rollbackToPrev, swapShadowIntoLive } from '../SchemaSwap';
import { triggersOn } from '../tableScope';
import type { LoadOutcome, ShadowNames } from './load';
import type { PreflightOutcome } from './preflight';
import { RESTORE_PHASE } from './progressPlan';
import type { RestoreRun } from './RestoreRun';

/**
 * Phase 7: the live tables move to the previous-tables schema and the shadow's take their place, then the
 * file's views, triggers, routines and events are created in the live database (SchemaSwap.ts). A failure
 * after the RENAME swaps the previous tables back. Returns the swap's duration in milliseconds.
 */
export async function swapPhase(run: RestoreRun, pre: PreflightOutcome, names: ShadowNames, load: LoadOutcome): Promise<number> {
  const { control, db, recorder } = run;
  run.ctx.throwIfCancelled();
  await faultPoint('restore:before-swap');
  run.ctx.progress({ phase: RESTORE_PHASE.swap, stage: 'swapping', done: 0, total: 1, unit: 'steps' });
  const liveObjects = pre.facts.targetExists ? await captureLiveObjects(control, db) : [];
  const prevObjects = run.scope ? triggersOn(liveObjects, run.scope) : liveObjects;
  recorder.enter('swapping', { prevObjects });
  const { loaded, charset, collation } = load;
  if (!pre.facts.targetExists)
    await control.query(
      `CREATE DATABASE IF NOT EXISTS ${q(db)} CHARACTER SET ${charset}${collation ? ` COLLATE ${collation}` : ''}`,
    );
  const started = Date.now();
  try {
    await swapShadowIntoLive({
      recorder,
      control,
      openObjects: () => openByteTransparent(run.app, run.profile.id, db),
      live: db,
      shadow: names.shadow,
      prev: names.prev,
      objects: loaded.objects,
      prevObjects,
      definer: run.options.definer,
      collation: load.sourceCollation,
      log: run.log,
      tables: run.scope,
    });
  } catch (err) {
    if (recorder.row().swapStep !== 'renamed') throw err;
    await rollBackAfterSwap(run, names, prevObjects, toFailure(err).message);
  }
  return Date.now() - started;
}

/** The RENAME happened but a later step failed: the previous tables go back; always throws. */
async function rollBackAfterSwap(
  run: RestoreRun,
  names: ShadowNames,
  prevObjects: CapturedObject[],
  cause: string,
): Promise<never> {
  const { recorder, log } = run;
  log('warn', `Failure after the swap (${cause}); swapping the previous tables back.`);
  recorder.enter('rolling-back');
  try {
    await rollbackToPrev({
      control: run.control,
      openObjects: () => openByteTransparent(run.app, run.profile.id, run.db),
      live: run.db,
      prev: names.prev,
      parking: names.shadow,
      prevObjects,
      prevCollation: recorder.row().prevCollation,
      alreadyRenamed: false,
      onRenamed: () => recorder.write({ swapStep: 'rollback-renamed' }),
      log,
      tables: run.scope,
    });
  } catch (rollbackErr) {
    // The journal stays in 'rolling-back': cleanupLeftovers (or the next restore) finishes the rollback.
    throw new AppError(
      'RESTORE_FAILED',
      `${cause} Swapping the previous tables back did not finish either (${toFailure(rollbackErr).message}); run "sysndd-admin restore cleanup" to complete the rollback.`,
    );
  }
  throw new AppError('RESTORE_FAILED', `${cause} The previous tables were swapped back; ${run.db} is as before.`);
}
