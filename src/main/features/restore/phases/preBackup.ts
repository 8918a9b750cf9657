import { AppError, toFailure } from '../../../core/AppError';
import { preRestoreBackup } from '../preRestoreBackup';
import type { PreflightOutcome } from './preflight';
import { RESTORE_PHASE } from './progressPlan';
import type { RestoreRun } from './RestoreRun';

/**
 * Phase 6: the pre-restore backup, taken once the file has been loaded and verified, right before the
 * swap: every refusal (including what a quick-checked dump only reveals while loading) comes first, so a
 * refused or failed load leaves no backup behind, and the backup holds the live state closest to what is
 * replaced. Null when the target is missing or empty.
 */
export async function preBackupPhase(run: RestoreRun, pre: PreflightOutcome): Promise<string | null> {
  const { facts, report } = pre;
  const { db, log } = run;
  const liveHasSomething = facts.liveTables.length > 0 || Object.values(report.replace.liveObjects).some((n) => n > 0);
  if (!facts.targetExists || !liveHasSomething) {
    log('info', `${db} ${facts.targetExists ? 'is empty' : 'does not exist yet'}: no pre-restore backup needed.`);
    return null;
  }
  run.recorder.enter('pre-backup');
  run.ctx.progress({ phase: RESTORE_PHASE.preBackup, stage: 'pre-restore backup', done: 0, total: null, unit: 'rows' });
  let path: string;
  try {
    path = await preRestoreBackup(run.app, run.profile, db, run.ctx);
  } catch (err) {
    const f = toFailure(err);
    if (f.code === 'CANCELLED') throw err;
    const code = f.code === 'DISK_FULL' ? 'DISK_FULL' : 'RESTORE_FAILED'; // a full disk keeps its own code
    throw new AppError(code, `The pre-restore backup of ${db} failed, so nothing was restored: ${f.message}`);
  }
  run.recorder.write({ preRestoreBackup: path });
  log('info', `Pre-restore backup${run.scope ? ` (the whole database ${db}, not only the chosen tables)` : ''}: ${path}`);
  return path;
}
