import type { MigrationFileStatus, MigrationRepairResult } from '../../../../shared/contract/migrations';
import { AppError } from '../../../core/AppError';
import { executeFile } from '../executor';
import type { JournalAction } from '../HistoryStore';
import type { LoadedState, MigrationSession, Reporter } from '../MigrationSession';

export function fileStatus(loaded: LoadedState, filename: string): MigrationFileStatus {
  const f = loaded.files.find((x) => x.filename === filename);
  if (!f) throw new AppError('NOT_FOUND', `No migration "${filename}" in the folder or in schema_version.`);
  return f;
}

export interface ResumePlan {
  filename: string;
  fromStatement: number;
  total: number;
  warnings: string[];
  description: string;
}

/** What a resume would do, checked against the last attempt: refuses files that are not half-applied. */
export async function planResume(
  session: MigrationSession,
  loaded: LoadedState,
  filename: string,
  fromStatement?: number,
): Promise<ResumePlan> {
  const status = fileStatus(loaded, filename);
  if (status.state !== 'failed' && status.state !== 'interrupted') {
    throw new AppError(
      'PRECONDITION_FAILED',
      status.state === 'running'
        ? `${filename} is being applied by another runner right now.`
        : `${filename} is ${status.state}; only a failed or interrupted file can be resumed${status.state === 'pending' ? ' (use migrate to apply it)' : ''}.`,
    );
  }
  const file = session.fileByName(filename);
  const plan = await session.plan(file);
  if (plan.error) throw new AppError('MIGRATION_FAILED', `${filename}: ${plan.error}.`);
  const attempt = status.lastAttempt;
  const total = plan.statements.length;
  const from = fromStatement ?? attempt?.resumeFrom ?? 1;
  if (from < 1 || from > total + 1) {
    throw new AppError(
      'INVALID_ARGUMENT',
      `--from must be between 1 and ${total + 1} (${filename} has ${total} statements; ${total + 1} = run nothing, only record it).`,
    );
  }
  const warnings: string[] = [];
  if (attempt && attempt.statementTotal !== total) {
    warnings.push(`the file now has ${total} statements; the failed attempt had ${attempt.statementTotal}`);
  }
  const committedBefore = new Map(attempt?.statements.filter((s) => s.state === 'committed').map((s) => [s.index, s]) ?? []);
  const journalStatements = await session.history.readStatements(attempt ? [attempt.journalId] : []);
  for (const st of plan.statements.filter((s) => s.index < from)) {
    const old = journalStatements.find((j) => j.index === st.index);
    if (old && old.sha256 !== st.sha256 && committedBefore.has(st.index)) {
      warnings.push(`statement ${st.index} changed since it was committed; the database has the old version`);
    }
    if (!committedBefore.has(st.index))
      warnings.push(`statement ${st.index} is skipped although the last attempt did not commit it`);
  }
  const runs = from > total ? 'runs nothing and records the file as applied' : `runs statements ${from}–${total} of ${total}`;
  return { filename, fromStatement: from, total, warnings, description: `Resuming ${filename} from statement ${from} ${runs}.` };
}

/** Checks a resume before a job is started: bad names, wrong state, --from out of range (the confirmation is
 * the contract's rule, checked by dispatch before this runs). */
export async function previewResume(
  session: MigrationSession,
  opts: { filename: string; fromStatement?: number },
): Promise<ResumePlan> {
  session.assertNamesOk();
  const preview = await planResume(session, await session.load(), opts.filename, opts.fromStatement);
  return preview;
}

export async function resumeCommand(
  session: MigrationSession,
  opts: { filename: string; fromStatement?: number; reason?: string; lockTimeoutSeconds: number },
  reporter: Reporter,
): Promise<{ plan: ResumePlan; executionMs: number }> {
  await previewResume(session, opts);
  const { value } = await session.withLock(opts.lockTimeoutSeconds, reporter, async () => {
    const plan = await planResume(session, await session.load(), opts.filename, opts.fromStatement);
    for (const w of plan.warnings) reporter.log('warn', w);
    const file = session.fileByName(opts.filename);
    const source = await session.source(file);
    const migrationPlan = await session.plan(file);
    const remaining = plan.total - plan.fromStatement + 1;
    let done = 0;
    reporter.progress({ stage: plan.description, done: 0, total: Math.max(remaining, 0), unit: 'statements' });
    const r = await executeFile(
      session,
      {
        filename: opts.filename,
        text: source.text,
        checksum: source.checksum,
        plan: migrationPlan,
        fromStatement: plan.fromStatement,
        action: 'resume',
        note: opts.reason ?? null,
      },
      reporter,
      (st, n) =>
        reporter.progress({
          stage: `${opts.filename} statement ${st.index} of ${n}`,
          done: done++,
          total: remaining,
          unit: 'statements',
        }),
    );
    reporter.progress({ stage: `${opts.filename} applied`, done: remaining, total: remaining, unit: 'statements' });
    return { plan, executionMs: r.executionMs };
  });
  return value;
}

export async function repairRow(
  session: MigrationSession,
  filename: string,
  action: JournalAction,
  note: string | null,
  markApplied: boolean,
): Promise<void> {
  const file = session.allFiles().find((f) => f.filename === filename);
  if (!file) throw new AppError('NOT_FOUND', `No migration file "${filename}" in ${session.discovered.dir}.`);
  const source = await session.source(file);
  const plan = await session.plan(file);
  await session.history.recordRepair(
    {
      actor: session.actor,
      filename,
      action,
      state: 'succeeded',
      text: source.text,
      checksum: source.checksum,
      statementTotal: plan.statements.length,
      lockConnectionId: session.lockConnectionId,
      note,
    },
    markApplied,
  );
}

export async function markAppliedCommand(
  session: MigrationSession,
  opts: { filename: string; reason: string; lockTimeoutSeconds: number },
  reporter: Reporter,
): Promise<MigrationRepairResult> {
  const check = (loaded: LoadedState) => {
    const s = fileStatus(loaded, opts.filename);
    if (s.state !== 'pending' && s.state !== 'failed' && s.state !== 'interrupted') {
      throw new AppError(
        'PRECONDITION_FAILED',
        `${opts.filename} is ${s.state}; only a file that is not applied can be marked applied.`,
      );
    }
    session.fileByName(opts.filename);
    return s;
  };
  check(await session.load());
  await session.withLock(opts.lockTimeoutSeconds, reporter, async () => {
    check(await session.load());
    await repairRow(session, opts.filename, 'mark-applied', opts.reason, true);
  });
  return {
    action: 'mark-applied',
    changed: [opts.filename],
    skipped: [],
    message: `${opts.filename} recorded as applied (not run).`,
  };
}

export async function acceptChecksumCommand(
  session: MigrationSession,
  opts: { filename: string; reason?: string; lockTimeoutSeconds: number },
  reporter: Reporter,
): Promise<MigrationRepairResult> {
  const check = (loaded: LoadedState) => {
    const s = fileStatus(loaded, opts.filename);
    if (s.state !== 'drifted')
      throw new AppError(
        'PRECONDITION_FAILED',
        `${opts.filename} is ${s.state}, not drifted; there is no changed checksum to accept.`,
      );
    return s;
  };
  check(await session.load());
  await session.withLock(opts.lockTimeoutSeconds, reporter, async () => {
    check(await session.load());
    await repairRow(session, opts.filename, 'accept-checksum', opts.reason ?? null, false);
  });
  return {
    action: 'accept-checksum',
    changed: [opts.filename],
    skipped: [],
    message: `New checksum of ${opts.filename} accepted.`,
  };
}

export async function adoptCommand(
  session: MigrationSession,
  opts: { filenames?: string[]; lockTimeoutSeconds: number },
  reporter: Reporter,
): Promise<MigrationRepairResult> {
  const select = (loaded: LoadedState) => {
    const candidates = loaded.files.filter((f) => f.state === 'applied-no-checksum');
    if (!opts.filenames?.length) return { changed: candidates.map((f) => f.filename), skipped: [] };
    const skipped: MigrationRepairResult['skipped'] = [];
    const adopt: string[] = [];
    for (const name of opts.filenames) {
      const f = loaded.files.find((x) => x.filename === name);
      if (!f) skipped.push({ filename: name, reason: 'no such migration' });
      else if (f.state !== 'applied-no-checksum') skipped.push({ filename: name, reason: `it is ${f.state}` });
      else adopt.push(name);
    }
    return { changed: adopt, skipped };
  };
  return repairSelection(session, reporter, {
    action: 'adopt',
    lockTimeoutSeconds: opts.lockTimeoutSeconds,
    select,
    writeRow: (name) => repairRow(session, name, 'adopt', null, false),
    nothing: 'Nothing to adopt: no applied file lacks a checksum.',
    done: (n) => `Adopted ${n} file(s).`,
  });
}

/**
 * A repair of the files `select` picks (`changed`): previewed without the lock, so nothing to do takes no
 * lock; picked again under it (another runner may have moved on meanwhile), then one row written for each.
 */
export async function repairSelection(
  session: MigrationSession,
  reporter: Reporter,
  r: {
    action: JournalAction;
    lockTimeoutSeconds: number;
    select: (loaded: LoadedState) => Pick<MigrationRepairResult, 'changed' | 'skipped'>;
    writeRow: (filename: string) => Promise<void>;
    /** The message when there is nothing to do, and when `n` files were repaired. */
    nothing: string;
    done: (n: number) => string;
  },
): Promise<MigrationRepairResult> {
  const preview = r.select(await session.load());
  if (preview.changed.length === 0) return { action: r.action, changed: [], skipped: preview.skipped, message: r.nothing };
  const { value } = await session.withLock(r.lockTimeoutSeconds, reporter, async () => {
    const sel = r.select(await session.load());
    for (const name of sel.changed) await r.writeRow(name);
    return sel;
  });
  return { action: r.action, changed: value.changed, skipped: value.skipped, message: r.done(value.changed.length) };
}
