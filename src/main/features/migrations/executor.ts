import type { Connection, ResultSetHeader } from 'mysql2/promise';
import { AppError } from '../../core/AppError';
import type { JournalAction, StatementState } from './HistoryStore';
import type { MigrationSession, Reporter } from './MigrationSession';
import type { MigrationPlan, PlannedStatement } from './plan';
import { summarizeAttempt } from './status';

export interface FileRun {
  filename: string;
  text: string;
  checksum: string;
  plan: MigrationPlan;
  /** 1-based; statements before it are not run (resume). */
  fromStatement: number;
  action: Extract<JournalAction, 'apply' | 'resume'>;
  note?: string | null;
}

interface MysqlError {
  code?: string;
  errno?: number;
  sqlMessage?: string;
  message?: string;
  fatal?: boolean;
}

function errorCodeOf(err: MysqlError): string {
  if (err.code && err.errno) return `${err.code} (${err.errno})`;
  return err.code ?? 'ERROR';
}

function isConnectionLoss(err: MysqlError): boolean {
  return Boolean(err.fatal) || ['PROTOCOL_CONNECTION_LOST', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT'].includes(err.code ?? '');
}

/**
 * Tracks whether the migration's session has an open transaction, from the statements' classification, so
 * the journal can tell "committed" from "executed inside a transaction that may still roll back".
 */
class TransactionTracker {
  private explicit = false;
  private autocommitOff = false;

  get open(): boolean {
    return this.explicit || this.autocommitOff;
  }

  /** Returns the new statement's state and whether earlier 'executed' statements became committed. */
  after(st: PlannedStatement): { state: StatementState; settle: 'committed' | 'rolled-back' | null } {
    const c = st.class;
    if (c.verb === 'START TRANSACTION' || c.verb === 'BEGIN') {
      const settle = this.open ? 'committed' : null;
      this.explicit = true;
      return { state: 'committed', settle };
    }
    if (c.verb === 'SET autocommit = 0') {
      this.autocommitOff = true;
      return { state: 'committed', settle: null };
    }
    if (c.verb === 'COMMIT' || c.verb === 'ROLLBACK') {
      this.explicit = false;
      return { state: 'committed', settle: c.verb === 'COMMIT' ? 'committed' : 'rolled-back' };
    }
    if (c.behaviour === 'implicit-commit') {
      if (c.verb === 'SET autocommit = 1') this.autocommitOff = false;
      this.explicit = false;
      return { state: 'committed', settle: 'committed' };
    }
    return { state: this.open ? 'executed' : 'committed', settle: null };
  }
}

/**
 * Run one file's statements (from `fromStatement`) on a fresh work connection, writing the statement
 * journal before and after each one on the bookkeeping connection, then record the file as applied the
 * way SysNDD does. A failure leaves an exact account: which statements are committed, which one failed.
 */
export async function executeFile(
  session: MigrationSession,
  run: FileRun,
  reporter: Reporter,
  onStatement: (st: PlannedStatement, total: number) => void,
): Promise<{ executionMs: number; statements: number }> {
  const { history } = session;
  if (run.plan.error) throw new AppError('MIGRATION_FAILED', `${run.filename}: ${run.plan.error}. Nothing was run.`);
  const total = run.plan.statements.length;
  const toRun = run.plan.statements.filter((s) => s.index >= run.fromStatement);
  const started = Date.now();
  let work: Connection | null = null;
  let journalId: number | null = null;
  if (reporter.signal?.aborted) throw new AppError('CANCELLED', `Cancelled before ${run.filename} started; nothing of it ran.`);
  try {
    work = await session.openWorkConnection();
    work.on('error', () => {});
    journalId = await history.insertJournal({
      actor: session.actor,
      filename: run.filename,
      action: run.action,
      state: 'running',
      text: run.text,
      checksum: run.checksum,
      statementTotal: total,
      firstStatement: run.fromStatement,
      connectionId: work.threadId,
      lockConnectionId: session.lockConnectionId,
      note: run.note ?? null,
    });
    const tx = new TransactionTracker();
    for (const st of toRun) {
      if (reporter.signal?.aborted) {
        await history.settleExecuted(journalId, 'rolled-back');
        await history.finishJournal(journalId, 'cancelled', {
          executionMs: Date.now() - started,
          errorCode: 'CANCELLED',
          errorMessage: 'Cancelled by request.',
        });
        throw await failure(session, journalId, run.filename, 'CANCELLED', 'cancelled');
      }
      onStatement(st, total);
      await history.statementStarted(journalId, run.filename, total, st);
      const t0 = Date.now();
      let affected: number | null = null;
      try {
        const [res] = await work.query(st.text);
        affected = Array.isArray(res) ? null : ((res as ResultSetHeader).affectedRows ?? null);
      } catch (raw) {
        const err = raw as MysqlError;
        const lost = isConnectionLoss(err);
        const code = lost ? 'CONNECTION_LOST' : errorCodeOf(err);
        const message = err.sqlMessage ?? err.message ?? String(raw);
        await history.settleExecuted(journalId, 'rolled-back');
        await history.statementFinished(journalId, st.index, lost ? 'unknown' : 'failed', {
          durationMs: Date.now() - t0,
          errorCode: code,
          errorMessage: message,
        });
        await history.finishJournal(journalId, 'failed', {
          executionMs: Date.now() - started,
          errorCode: code,
          errorMessage: message,
        });
        reporter.log(
          'error',
          `${run.filename} statement ${st.index} of ${total} (line ${st.startLine}) failed: ${code} ${message}`,
        );
        throw await failure(session, journalId, run.filename, 'MIGRATION_FAILED', 'failed');
      }
      const { state, settle } = tx.after(st);
      if (settle) await history.settleExecuted(journalId, settle);
      await history.statementFinished(journalId, st.index, state, { durationMs: Date.now() - t0, affectedRows: affected });
    }
    // A file that opened a transaction and never closed it: commit (as the next DDL statement would).
    // Closing the session instead would roll the rows back while we record the file as applied.
    await work.query('COMMIT');
    await history.settleExecuted(journalId, 'committed');
    await history.recordApplied(run.filename, journalId);
    const executionMs = Date.now() - started;
    reporter.log(
      'info',
      `${run.filename}: ${toRun.length} statement${toRun.length === 1 ? '' : 's'} applied in ${executionMs} ms.`,
    );
    return { executionMs, statements: toRun.length };
  } finally {
    if (work) {
      // end() is polite; on a broken or cancelled session destroy() is the only option.
      await work.end().catch(() => work?.destroy());
    }
  }
}

async function failure(
  session: MigrationSession,
  journalId: number,
  filename: string,
  code: 'MIGRATION_FAILED' | 'CANCELLED',
  what: string,
): Promise<AppError> {
  const rows = await session.history.readJournal(filename);
  const row = rows.find((r) => r.id === journalId);
  const statements = await session.history.readStatements([journalId]);
  if (!row) return new AppError(code, `${filename} ${what}.`);
  const attempt = summarizeAttempt(row, statements);
  const next =
    code === 'CANCELLED'
      ? `Resume later with: sysndd-admin migrate repair resume ${filename} --from ${attempt.resumeFrom} --confirm`
      : `Fix the file (or the database), then resume: sysndd-admin migrate repair resume ${filename} --from ${attempt.resumeFrom} --confirm (or re-run it from statement 1 with migrate up --retry-failed if it is idempotent).`;
  return new AppError(code, `${filename}: ${attempt.summary}. ${next}`, { filename, attempt });
}
