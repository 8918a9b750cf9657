import type { PreflightReport } from '../../../../shared/contract/restore';
import { AppError, toFailure } from '../../../core/AppError';
import type { StatementLimit } from '../../../core/statementLimit';
import { threadIdOf } from '../../connections/mysql/killSessions';
import { takeRestoreLocks } from '../locks';
import { refusalCode } from '../preflight/crossEngineCheck';
import { type PreflightFacts, runPreflight, serverFacts } from '../preflight/RestorePreflight';
import type { RestoreSource } from '../sources/ForeignDumpSource';
import type { SourceInventory } from '../sources/inventory';
import { openSource } from '../sources/openSource';
import { RESTORE_PHASE } from './progressPlan';
import type { RestoreRun } from './RestoreRun';

export interface PreflightOutcome {
  source: RestoreSource;
  inventory: SourceInventory;
  report: PreflightReport;
  facts: PreflightFacts;
  numericVersion: number;
}

/** A source whose statements a `restore.preflight` already read (same file unchanged, same server version). */
export type FindScanned = (numericVersion: number) => Promise<RestoreSource | null>;

/**
 * Phase 1: read the file, take the locks, run every preflight check. A refusal here changes nothing on
 * the server (no journal row exists yet).
 */
export async function preflightPhase(run: RestoreRun, findScanned?: FindScanned): Promise<PreflightOutcome> {
  const { ctx, control } = run;
  ctx.progress({ phase: RESTORE_PHASE.scan, stage: 'preflight: reading the file', done: 0, total: null, unit: 'bytes' });
  const { numericVersion, limit } = await serverFacts(control);
  const { source, inventory } = await readSource(run, numericVersion, limit, findScanned);
  await takeRestoreLocks(control, run.db, run.options.lockTimeoutSeconds, ctx.signal, (m) => {
    ctx.log('info', m);
    ctx.progress({ stage: 'preflight: waiting for the migration lock', done: 0, total: null, unit: 'steps' });
  });
  const { report, facts } = await runPreflight({
    app: run.app,
    journal: run.recorder.journal,
    profile: run.profile,
    control,
    targetDatabase: run.db,
    inventory,
    options: run.options,
    backupDir: run.app.backups.localDir(run.profile),
    lockedBy: threadIdOf(control),
    source,
  });
  for (const c of report.checks)
    ctx.log(c.status === 'fail' ? 'error' : c.status === 'warn' ? 'warn' : 'info', `[${c.id}] ${c.message}`);
  if (!report.ok) {
    const fails = report.checks.filter((c) => c.status === 'fail').map((c) => c.message);
    throw new AppError(refusalCode(report), `Preflight failed, nothing was changed: ${fails.join(' ')}`, { report });
  }
  return { source, inventory, report, facts, numericVersion };
}

/**
 * A foreign dump is only quick-checked here unless a preflight already read it: reading every statement
 * twice would double the CPU this process spends on a big dump (see sources/quickCheck.ts).
 */
async function readSource(
  run: RestoreRun,
  numericVersion: number,
  limit: StatementLimit,
  findScanned?: FindScanned,
): Promise<{ source: RestoreSource; inventory: SourceInventory }> {
  const { ctx } = run;
  try {
    const source = (await findScanned?.(numericVersion)) ?? (await openSource(run.file, numericVersion, limit));
    const inventory = await source.inventory(
      ctx.signal,
      (done, total) =>
        ctx.progress({ phase: RESTORE_PHASE.scan, stage: 'preflight: reading the file', done, total, unit: 'bytes' }),
      'quick',
    );
    return { source, inventory };
  } catch (err) {
    // An empty or unreadable file is a refusal like any other file check: nothing was written.
    const f = toFailure(err);
    if (f.code !== 'BACKUP_INCOMPLETE' && f.code !== 'BACKUP_CORRUPT') throw err;
    ctx.log('error', `[file] ${f.message}`);
    throw new AppError('RESTORE_PREFLIGHT_FAILED', `Preflight failed, nothing was changed: ${f.message}`);
  }
}
