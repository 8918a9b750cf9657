import { stat } from 'node:fs/promises';
import type { RowDataPacket } from 'mysql2/promise';
import type { PhaseWeight } from '../../../platform/jobs/ProgressTracker';
import { rows } from '../connect';
import type { RestoreRun } from './RestoreRun';

/** The phases a restore reports progress in, in order (JobContext.plan). */
export const RESTORE_PHASE = {
  scan: 'scan',
  load: 'load',
  /** Secondary indexes built after the rows (restore/deferredIndexes.ts), the wait once the file is read. */
  indexes: 'indexes',
  verify: 'verify',
  preBackup: 'pre-backup',
  swap: 'swap',
} as const;

/**
 * Each phase's work in "file bytes loaded" equivalents, from where the time of a restore goes (issue 16's
 * profile of a 2M-row restore: the load is most of it, verification about a tenth, CHECKSUM TABLE
 * reading every row again, the quick scan a fast read of the file, the swap a few RENAMEs). The
 * pre-restore backup is weighed by the live database's data, which it reads and writes again.
 */
const PER_FILE_BYTE = { scan: 0.1, indexes: 0.1, verify: 0.05, verifyChecksums: 0.15, swap: 0.02 } as const;
const PER_LIVE_BYTE = { preBackup: 0.5 } as const;

interface SizeRow extends RowDataPacket {
  bytes: string | number | null;
}

/** Declares the restore's weighted phases on its job, so its bar moves once from 0 to 100 % (issue 15). */
export async function planRestoreProgress(run: RestoreRun): Promise<void> {
  const fileBytes = Math.max(1, (await stat(run.file).catch(() => null))?.size ?? 1);
  const live = await rows<SizeRow>(
    run.control,
    'SELECT SUM(DATA_LENGTH) AS bytes FROM information_schema.TABLES WHERE TABLE_SCHEMA = ?',
    [run.db],
  ).catch(() => []);
  const liveBytes = Number(live[0]?.bytes ?? 0) || 0;
  const verify = run.options.verifyChecksums ? PER_FILE_BYTE.verifyChecksums : PER_FILE_BYTE.verify;
  const phases: PhaseWeight[] = [
    { phase: RESTORE_PHASE.scan, weight: fileBytes * PER_FILE_BYTE.scan },
    { phase: RESTORE_PHASE.load, weight: fileBytes },
    { phase: RESTORE_PHASE.indexes, weight: fileBytes * PER_FILE_BYTE.indexes },
    { phase: RESTORE_PHASE.verify, weight: fileBytes * verify },
    { phase: RESTORE_PHASE.preBackup, weight: liveBytes * PER_LIVE_BYTE.preBackup },
    // A floor: an empty file still renames and creates objects.
    { phase: RESTORE_PHASE.swap, weight: Math.max(fileBytes * PER_FILE_BYTE.swap, 1024) },
  ];
  run.ctx.plan(phases);
}
