import type {
  MigrationAttempt,
  MigrationFileState,
  MigrationFileStatus,
  MigrationLockHolder,
  MigrationProblem,
} from '../../../shared/contract/migrations';
import { CHECKSUM_ALGORITHM } from './checksum';
import type { JournalRow, SchemaVersionRow, StatementRow } from './HistoryStore';

/** "1–3, 5" from [1, 2, 3, 5]. */
export function ranges(indices: number[]): string {
  const sorted = [...new Set(indices)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; i++) {
    const start = sorted[i] as number;
    let end = start;
    while (sorted[i + 1] === end + 1) end = sorted[++i] as number;
    parts.push(end === start ? `${start}` : `${start}–${end}`);
  }
  return parts.join(', ');
}

export interface ServerSession {
  connectionId: number;
  timeSeconds: number | null;
  info: string | null;
}

const REPAIR_WORDS: Record<string, string> = {
  baseline: 'baselined (recorded as applied without running)',
  adopt: 'adopted (checksum recorded for a file applied by another runner)',
  'mark-applied': 'marked applied without running',
  'accept-checksum': 'new checksum accepted',
};

/** Turn a journal row and its statement rows into what a person needs: what is committed, what failed, where to resume. */
export function summarizeAttempt(
  row: JournalRow,
  statements: StatementRow[],
  sessions: ReadonlyMap<number, ServerSession> = new Map(),
): MigrationAttempt {
  const mine = statements.filter((s) => s.journalId === row.id).sort((a, b) => a.index - b.index);
  const committed = mine.filter((s) => s.state === 'committed').map((s) => s.index);
  const failed = mine.find((s) => s.state === 'failed');
  const unknown = mine.find((s) => s.state === 'started' || s.state === 'unknown');
  const rolledBack = mine.filter((s) => s.state === 'rolled-back').map((s) => s.index);
  const total = row.statementTotal;
  let contiguous = row.firstStatement - 1;
  while (committed.includes(contiguous + 1)) contiguous++;
  const resumeFrom = Math.min(contiguous + 1, total + 1);
  const session = row.connectionId !== null && unknown ? (sessions.get(row.connectionId) ?? null) : null;

  let summary: string;
  if (row.action in REPAIR_WORDS) {
    summary = `${REPAIR_WORDS[row.action]} by ${row.appliedBy}${row.note ? `: ${row.note}` : ''}`;
  } else if (total === 0) {
    summary = row.state === 'succeeded' ? 'empty file: nothing to run' : `no statements (${row.state})`;
  } else {
    const parts: string[] = [];
    const of = ` of ${total}`;
    if (row.state === 'succeeded') {
      parts.push(
        row.firstStatement > 1
          ? `statements ${ranges(committed)}${of} committed (resumed from ${row.firstStatement})`
          : `all ${total} statement${total === 1 ? '' : 's'} committed`,
      );
    } else {
      parts.push(
        committed.length
          ? `statement${committed.length === 1 ? '' : 's'} ${ranges(committed)}${of} committed`
          : `no statement${of} committed`,
      );
      if (rolledBack.length) parts.push(`${ranges(rolledBack)} rolled back`);
      if (failed)
        parts.push(
          `statement ${failed.index} (line ${failed.startLine}) failed: ${failed.errorCode ? `${failed.errorCode} ` : ''}${failed.errorMessage ?? ''}`.trim(),
        );
      if (unknown) {
        parts.push(
          session
            ? `statement ${unknown.index} (line ${unknown.startLine}) is still running on the server (connection ${session.connectionId}${session.timeSeconds !== null ? `, ${session.timeSeconds} s` : ''})`
            : `statement ${unknown.index} (line ${unknown.startLine}) started but its outcome is unknown (the client stopped; check whether it took effect)`,
        );
      }
      if (row.state === 'cancelled' && !failed && !unknown) parts.push(`cancelled before statement ${resumeFrom}`);
      if (row.state === 'running' && !unknown && !failed) {
        parts.push(
          resumeFrom > total
            ? 'all statements ran but the file was never recorded as applied'
            : `stopped before statement ${resumeFrom}`,
        );
      }
    }
    summary = parts.join('; ');
  }
  return {
    journalId: row.id,
    runId: row.runId,
    filename: row.filename,
    action: row.action,
    state: row.state,
    checksum: row.checksum,
    startedAt: row.startedAt,
    finishedAt: row.finishedAt,
    appliedBy: row.appliedBy,
    clientHost: row.clientHost,
    tool: row.tool,
    executionMs: row.executionMs,
    statementTotal: total,
    firstStatement: row.firstStatement,
    committed,
    failedStatement: failed?.index ?? null,
    unknownStatement: unknown?.index ?? null,
    summary,
    errorCode: row.errorCode,
    errorMessage: row.errorMessage,
    note: row.note,
    stillRunningOnServer: session,
    resumeFrom,
    statements: mine.map((s) => ({
      index: s.index,
      total: s.total,
      state: s.state,
      behaviour: s.behaviour,
      startLine: s.startLine,
      preview: s.preview,
      startedAt: s.startedAt,
      finishedAt: s.finishedAt,
      durationMs: s.durationMs,
      affectedRows: s.affectedRows,
      errorCode: s.errorCode,
      errorMessage: s.errorMessage,
    })),
  };
}

export interface StatusInput {
  /** Every `.sql` file in the folder, in SysNDD's order, with its prefix (null for a bad name) and checksum. */
  files: Array<{ filename: string; prefix: number | null; checksum: string }>;
  schemaVersion: SchemaVersionRow[];
  journal: JournalRow[];
  /** Statement rows of the attempts that matter (latest attempt of every file not applied). */
  statements: StatementRow[];
  lockHolder: MigrationLockHolder | null;
  /** Our own lock connection while we hold the lock: attempts of other dead runners are then interrupted, not running. */
  ownLockConnectionId?: number | null;
  sessions?: ReadonlyMap<number, ServerSession>;
}

export interface ComputedStatus {
  files: MigrationFileStatus[];
  problems: MigrationProblem[];
}

const ATTEMPT_ACTIONS = new Set(['apply', 'resume']);

/** Journal rows grouped per file: the latest attempt (apply/resume) and the latest row that recorded a checksum. */
export function indexJournal(journal: JournalRow[]): Map<string, { attempt: JournalRow | null; knowledge: JournalRow | null }> {
  const byFile = new Map<string, { attempt: JournalRow | null; knowledge: JournalRow | null }>();
  for (const row of journal) {
    const entry = byFile.get(row.filename) ?? { attempt: null, knowledge: null };
    if (ATTEMPT_ACTIONS.has(row.action) && (!entry.attempt || row.id > entry.attempt.id)) entry.attempt = row;
    if (row.state === 'succeeded' && row.checksum && (!entry.knowledge || row.id > entry.knowledge.id)) entry.knowledge = row;
    byFile.set(row.filename, entry);
  }
  return byFile;
}

/** The one history model every command reads: SysNDD's table decides applied/pending; our journal adds the rest. */
export function computeStatus(input: StatusInput): ComputedStatus {
  const sv = new Map(input.schemaVersion.map((r) => [r.filename, r]));
  const journal = indexJournal(input.journal);
  const problems: MigrationProblem[] = [];
  const onDisk = new Set(input.files.map((f) => f.filename));
  let maxAppliedPrefix = -1;
  for (const f of input.files)
    if (f.prefix !== null && sv.get(f.filename)?.applied) maxAppliedPrefix = Math.max(maxAppliedPrefix, f.prefix);

  const out: MigrationFileStatus[] = [];
  for (const f of input.files) {
    const row = sv.get(f.filename);
    const j = journal.get(f.filename) ?? { attempt: null, knowledge: null };
    const knowledge = j.knowledge && j.knowledge.checksumAlgorithm === CHECKSUM_ALGORITHM ? j.knowledge : null;
    let state: MigrationFileState;
    let lastAttempt: MigrationAttempt | null = null;
    if (row?.applied) {
      if (!knowledge) state = 'applied-no-checksum';
      else state = knowledge.checksum === f.checksum ? 'applied' : 'drifted';
    } else {
      state = 'pending';
      if (row && !row.applied) {
        problems.push({
          severity: 'warning',
          code: 'SUCCESS_FALSE_ROW',
          filename: f.filename,
          message: `schema_version has success = FALSE for ${f.filename} (neither SysNDD nor this tool writes such rows); it counts as pending.`,
        });
      }
      const a = j.attempt;
      if (a && a.state !== 'succeeded') {
        lastAttempt = summarizeAttempt(a, input.statements, input.sessions);
        if (a.state === 'failed') state = 'failed';
        else if (a.state === 'cancelled') state = 'interrupted';
        else {
          const holder = input.lockHolder?.connectionId ?? null;
          const alive = holder !== null && holder === a.lockConnectionId && holder !== (input.ownLockConnectionId ?? null);
          state = alive ? 'running' : 'interrupted';
        }
      }
    }
    out.push({
      filename: f.filename,
      prefix: f.prefix,
      state,
      appliedAt: row?.applied ? row.appliedAt : null,
      checksum: f.checksum,
      appliedChecksum: row?.applied ? (knowledge?.checksum ?? null) : null,
      appliedVia: row?.applied ? (knowledge?.action ?? null) : null,
      appliedBy: row?.applied ? (knowledge?.appliedBy ?? null) : null,
      tool: row?.applied ? (knowledge?.tool ?? null) : null,
      executionMs: row?.applied ? (knowledge?.executionMs ?? null) : null,
      outOfOrder: !row?.applied && f.prefix !== null && f.prefix < maxAppliedPrefix,
      lastAttempt,
    });
  }
  for (const r of input.schemaVersion) {
    if (!r.applied || onDisk.has(r.filename)) continue;
    const knowledge = journal.get(r.filename)?.knowledge ?? null;
    out.push({
      filename: r.filename,
      prefix: /^\d{3}_/.test(r.filename) ? Number(r.filename.slice(0, 3)) : null,
      state: 'missing',
      appliedAt: r.appliedAt,
      checksum: null,
      appliedChecksum: knowledge?.checksum ?? null,
      appliedVia: knowledge?.action ?? null,
      appliedBy: knowledge?.appliedBy ?? null,
      tool: knowledge?.tool ?? null,
      executionMs: knowledge?.executionMs ?? null,
      outOfOrder: false,
      lastAttempt: null,
    });
  }
  out.sort((a, b) => (a.filename < b.filename ? -1 : a.filename > b.filename ? 1 : 0));
  return { files: out, problems };
}

/** Files that a run would apply (what SysNDD calls pending), in apply order. */
export function wouldRun(files: MigrationFileStatus[]): MigrationFileStatus[] {
  return files.filter((f) => f.state === 'pending' || f.state === 'failed' || f.state === 'interrupted' || f.state === 'running');
}
