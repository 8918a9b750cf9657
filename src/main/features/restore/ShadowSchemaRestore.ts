import type { Profile } from '../../../shared/contract/profiles';
import type { RestoreOptions, RestoreStats } from '../../../shared/contract/restore';
import type { JobContext } from '../../platform/jobs/JobRunner';
import { openControl } from './connect';
import { finishPhase, recordFailure, releaseRun } from './phases/finish';
import { beginRun, loadPhase } from './phases/load';
import { preBackupPhase } from './phases/preBackup';
import { type FindScanned, preflightPhase } from './phases/preflight';
import { planRestoreProgress } from './phases/progressPlan';
import type { RestoreRun } from './phases/RestoreRun';
import { swapPhase } from './phases/swap';
import { rehearseObjectsPhase, verifyPhase } from './phases/verify';
import { type RestoreJournal, RunRecorder } from './RestoreJournal';
import type { RestoreServiceDeps } from './RestoreServiceDeps';
import { scopeOf } from './tableScope';

export interface RestoreRunInput {
  app: RestoreServiceDeps;
  journal: RestoreJournal;
  ctx: JobContext;
  actor: string;
  profile: Profile;
  file: string;
  targetDatabase: string;
  options: RestoreOptions;
  /** A source whose statements a `restore.preflight` already read (same file unchanged, same server version). */
  findScanned?: FindScanned;
}

export interface RestoreRunResult {
  restoreId: string;
  targetDatabase: string;
  prevSchema: string | null;
  preRestoreBackup: string | null;
  stats: RestoreStats;
  /** Who sealed the file, in words (the preflight's seal check): kept in the job result and its audit row. */
  origin: string | null;
}

/**
 * One restore, end to end (docs/restore.md), as named phases: preflight (file check, locks, checks) →
 * load into the shadow schema → verify → objects rehearsal → pre-restore backup → swap (tables, then
 * objects) → finish. The journal records each phase before it starts (RunRecorder), so a crash at any
 * point is recognised and cleaned up (Leftovers.ts). Before the swap, any failure or cancel leaves the
 * live database untouched and drops the shadow schema; after the RENAME, a failure swaps the previous
 * tables back automatically.
 */
export async function runShadowSchemaRestore(i: RestoreRunInput): Promise<RestoreRunResult> {
  const { ctx } = i;
  const run: RestoreRun = {
    app: i.app,
    ctx,
    recorder: new RunRecorder(i.journal),
    actor: i.actor,
    profile: i.profile,
    file: i.file,
    db: i.targetDatabase,
    options: i.options,
    scope: scopeOf(i.options.tables),
    startedAt: Date.now(),
    control: await openControl(i.app, i.profile.id, null),
    log: (level, message) => ctx.log(level, message),
    loaders: [],
    loadAccount: null,
  };
  try {
    await planRestoreProgress(run);
    const pre = await preflightPhase(run, i.findScanned);
    const names = await beginRun(run, pre);
    const load = await loadPhase(run, pre, names.shadow);
    const verify = await verifyPhase(run, pre, names.shadow, load.loaded, load.measurements);
    await rehearseObjectsPhase(run, names.shadow, load.loaded);
    const preBackup = await preBackupPhase(run, pre);
    const swapMs = await swapPhase(run, pre, names, load);
    const stats = await finishPhase(run, names.shadow, load, verify, swapMs);
    const origin = pre.report.checks.find((c) => c.id === 'seal')?.message ?? null;
    return { restoreId: ctx.id, targetDatabase: run.db, prevSchema: names.prev, preRestoreBackup: preBackup, stats, origin };
  } catch (err) {
    await recordFailure(run, err);
    throw err;
  } finally {
    await releaseRun(run);
  }
}
