import type { MigrateResult, MigrationFileStatus } from '../../../../shared/contract/migrations';
import { AppError } from '../../../core/AppError';
import { executeFile } from '../executor';
import type { MigrationSession, Reporter } from '../MigrationSession';
import { wouldRun } from '../status';

export interface MigrateOptions {
  lockTimeoutSeconds: number;
  retryFailed: boolean;
  /** Stop after this file: a filename or its three-digit prefix. */
  target?: string;
}

/** Resolve "003" or "003_fix_x.sql" to a prefix number. */
export function prefixOf(session: MigrationSession, target: string): number {
  const t = target.trim();
  if (/^\d{1,3}$/.test(t)) return Number(t);
  const file = session.discovered.files.find((f) => f.filename === t || f.filename === `${t}.sql`);
  if (!file)
    throw new AppError(
      'NOT_FOUND',
      `No migration "${target}" in ${session.discovered.dir} (give a file name or its three-digit prefix).`,
    );
  return file.prefix;
}

function selectRunnable(session: MigrationSession, files: MigrationFileStatus[], opts: MigrateOptions): MigrationFileStatus[] {
  let runnable = wouldRun(files);
  if (opts.target !== undefined) {
    const limit = prefixOf(session, opts.target);
    runnable = runnable.filter((f) => f.prefix !== null && f.prefix <= limit);
  }
  if (!opts.retryFailed) {
    const broken = runnable.filter((f) => f.state === 'failed' || f.state === 'interrupted');
    if (broken.length) {
      const f = broken[0] as MigrationFileStatus;
      const a = f.lastAttempt;
      throw new AppError(
        'PRECONDITION_FAILED',
        `${f.filename} is half-applied from an earlier attempt (${a?.summary ?? f.state}). Choose one: resume it (sysndd-admin migrate repair resume ${f.filename} --from ${a?.resumeFrom ?? 1} --confirm), re-run it from statement 1 (migrate up --retry-failed, only if the file is idempotent), or mark it applied after fixing the database by hand.`,
        { filename: f.filename, attempt: a },
      );
    }
  }
  return runnable;
}

/**
 * `migrate`: SysNDD's protocol — lock-free fast path, then GET_LOCK on the bookkeeping connection, pending
 * re-checked under the lock (another runner may have finished meanwhile), every file parsed before the
 * first statement runs, then file by file with the statement journal.
 */
export async function migrateCommand(
  session: MigrationSession,
  opts: MigrateOptions,
  reporter: Reporter,
): Promise<MigrateResult> {
  session.assertNamesOk();
  const warnings: string[] = [];
  reporter.progress({ stage: 'checking pending migrations' });
  const first = await session.load();
  if (selectRunnable(session, first.files, opts).length === 0) {
    reporter.log('info', 'No pending migrations: the database is up to date (fast path, no lock taken).');
    return { fastPath: true, lockWaitMs: null, applied: [], upToDate: true, warnings };
  }
  reporter.progress({ stage: 'waiting for the migration lock' });
  const { value, waitedMs } = await session.withLock(opts.lockTimeoutSeconds, reporter, async () => {
    const loaded = await session.load();
    const runnable = selectRunnable(session, loaded.files, opts);
    if (runnable.length === 0) {
      reporter.log('info', 'Another runner applied the pending migrations while we waited for the lock; nothing left to do.');
      return [];
    }
    for (const f of loaded.files.filter((x) => x.state === 'drifted')) {
      warnings.push(`${f.filename} was edited after it was applied (drift); run validate to see the diff.`);
    }
    for (const f of runnable.filter((x) => x.outOfOrder)) {
      warnings.push(`${f.filename} is numbered below an already-applied migration; it runs now (out of order).`);
    }
    for (const w of warnings) reporter.log('warn', w);
    const planned = [];
    for (const f of runnable) {
      const file = session.allFiles().find((x) => x.filename === f.filename);
      if (!file) continue;
      const source = await session.source(file);
      const plan = await session.plan(file);
      if (plan.error)
        throw new AppError('MIGRATION_FAILED', `${f.filename}: ${plan.error}. Nothing was run.`, { filename: f.filename });
      planned.push({ status: f, source, plan });
    }
    const total = planned.reduce((n, p) => n + p.plan.statements.length, 0);
    let done = 0;
    reporter.progress({
      stage: `applying ${planned.length} migration${planned.length === 1 ? '' : 's'}`,
      done,
      total,
      unit: 'statements',
    });
    const applied: MigrateResult['applied'] = [];
    for (const p of planned) {
      if (reporter.signal?.aborted) {
        throw new AppError(
          'CANCELLED',
          `Cancelled between files: ${applied.length} applied, ${planned.length - applied.length} still pending (nothing half-applied).`,
        );
      }
      const r = await executeFile(
        session,
        {
          filename: p.status.filename,
          text: p.source.text,
          checksum: p.source.checksum,
          plan: p.plan,
          fromStatement: 1,
          action: 'apply',
        },
        reporter,
        (st, n) =>
          reporter.progress({
            stage: `${p.status.filename} statement ${st.index} of ${n}`,
            done: done++,
            total,
            unit: 'statements',
          }),
      );
      reporter.progress({ stage: `${p.status.filename} applied`, done, total, unit: 'statements' });
      applied.push({ filename: p.status.filename, statements: r.statements, executionMs: r.executionMs });
    }
    return applied;
  });
  return { fastPath: false, lockWaitMs: waitedMs, applied: value, upToDate: true, warnings };
}
