import { describe, expect, it } from 'vitest';
import { CHECKSUM_ALGORITHM } from '../../../src/main/features/migrations/checksum';
import type { JournalRow, StatementRow } from '../../../src/main/features/migrations/HistoryStore';
import { computeStatus, ranges, summarizeAttempt } from '../../../src/main/features/migrations/status';

let nextId = 1;
function row(partial: Partial<JournalRow> & Pick<JournalRow, 'filename' | 'action' | 'state'>): JournalRow {
  return {
    id: nextId++,
    runId: 'run',
    checksum: 'a'.repeat(64),
    checksumAlgorithm: CHECKSUM_ALGORITHM,
    statementTotal: 5,
    firstStatement: 1,
    executionMs: 10,
    appliedBy: 'admin@host',
    clientHost: 'laptop',
    tool: 'sysndd-admin 0.1.0',
    connectionId: 40,
    lockConnectionId: 41,
    startedAt: '2026-01-01T00:00:00.000Z',
    finishedAt: null,
    errorCode: null,
    errorMessage: null,
    note: null,
    ...partial,
  };
}
function st(journalId: number, index: number, state: StatementRow['state'], extra: Partial<StatementRow> = {}): StatementRow {
  return {
    journalId,
    index,
    total: 5,
    filename: 'f',
    state,
    behaviour: 'implicit-commit',
    sha256: 's',
    startLine: index * 2,
    preview: 'x',
    startedAt: '2026-01-01T00:00:00.000Z',
    finishedAt: null,
    durationMs: null,
    affectedRows: null,
    errorCode: null,
    errorMessage: null,
    ...extra,
  };
}

describe('ranges', () => {
  it('compresses runs', () => {
    expect(ranges([1, 2, 3, 5, 7, 8])).toBe('1–3, 5, 7–8');
    expect(ranges([])).toBe('');
  });
});

describe('summarizeAttempt', () => {
  it('says what is committed and what failed', () => {
    const r = row({ filename: '003_x.sql', action: 'apply', state: 'failed' });
    const a = summarizeAttempt(r, [
      st(r.id, 1, 'committed'),
      st(r.id, 2, 'committed'),
      st(r.id, 3, 'failed', { errorCode: 'ER_X (1)', errorMessage: 'boom' }),
    ]);
    expect(a.summary).toBe('statements 1–2 of 5 committed; statement 3 (line 6) failed: ER_X (1) boom');
    expect(a.resumeFrom).toBe(3);
  });

  it('reports a statement whose outcome is unknown, and one still running on the server', () => {
    const r = row({ filename: '003_x.sql', action: 'apply', state: 'running' });
    const statements = [st(r.id, 1, 'committed'), st(r.id, 2, 'started')];
    expect(summarizeAttempt(r, statements).summary).toBe(
      'statement 1 of 5 committed; statement 2 (line 4) started but its outcome is unknown (the client stopped; check whether it took effect)',
    );
    const live = summarizeAttempt(
      r,
      statements,
      new Map([[40, { connectionId: 40, timeSeconds: 77, info: 'ALTER TABLE big ...' }]]),
    );
    expect(live.summary).toContain('statement 2 (line 4) is still running on the server (connection 40, 77 s)');
    expect(live.resumeFrom).toBe(2);
  });

  it('notices all statements ran but the file was never recorded', () => {
    const r = row({ filename: 'f', action: 'apply', state: 'running', statementTotal: 2 });
    const a = summarizeAttempt(r, [st(r.id, 1, 'committed'), st(r.id, 2, 'committed')]);
    expect(a.summary).toBe('statements 1–2 of 2 committed; all statements ran but the file was never recorded as applied');
    expect(a.resumeFrom).toBe(3);
  });
});

describe('computeStatus', () => {
  const file = (filename: string, checksum = 'a'.repeat(64)) => ({ filename, prefix: Number(filename.slice(0, 3)), checksum });

  it('derives every state from schema_version (truth for applied) plus our journal', () => {
    const applied = row({ filename: '001_a.sql', action: 'apply', state: 'succeeded' });
    const drifted = row({ filename: '002_b.sql', action: 'apply', state: 'succeeded' });
    const failed = row({ filename: '004_d.sql', action: 'apply', state: 'failed' });
    const running = row({ filename: '005_e.sql', action: 'apply', state: 'running', lockConnectionId: 99 });
    const dead = row({ filename: '006_f.sql', action: 'apply', state: 'running', lockConnectionId: 12 });
    const out = computeStatus({
      files: [
        file('001_a.sql'),
        file('002_b.sql', 'b'.repeat(64)),
        file('003_c.sql'),
        file('004_d.sql'),
        file('005_e.sql'),
        file('006_f.sql'),
        file('007_g.sql'),
      ],
      schemaVersion: [
        { filename: '001_a.sql', appliedAt: 't', applied: true },
        { filename: '002_b.sql', appliedAt: 't', applied: true },
        { filename: '003_c.sql', appliedAt: 't', applied: true },
        { filename: '000_gone.sql', appliedAt: 't', applied: true },
        { filename: '007_g.sql', appliedAt: null, applied: false },
      ],
      journal: [applied, drifted, failed, running, dead],
      statements: [st(failed.id, 1, 'committed'), st(failed.id, 2, 'failed')],
      lockHolder: { connectionId: 99, user: 'u', host: 'h', db: null, command: null, timeSeconds: 1, state: null, info: null },
    });
    expect(out.files.map((f) => [f.filename, f.state])).toEqual([
      ['000_gone.sql', 'missing'],
      ['001_a.sql', 'applied'],
      ['002_b.sql', 'drifted'],
      ['003_c.sql', 'applied-no-checksum'],
      ['004_d.sql', 'failed'],
      ['005_e.sql', 'running'],
      ['006_f.sql', 'interrupted'],
      ['007_g.sql', 'pending'],
    ]);
    expect(out.files.find((f) => f.filename === '004_d.sql')?.outOfOrder).toBe(false);
    expect(out.problems.map((p) => p.code)).toEqual(['SUCCESS_FALSE_ROW']);
  });

  it('flags a pending file numbered below an applied one as out of order', () => {
    const out = computeStatus({
      files: [file('001_a.sql'), file('002_b.sql')],
      schemaVersion: [{ filename: '002_b.sql', appliedAt: 't', applied: true }],
      journal: [],
      statements: [],
      lockHolder: null,
    });
    expect(out.files[0]).toMatchObject({ filename: '001_a.sql', state: 'pending', outOfOrder: true });
  });

  it('treats a checksum from an unknown algorithm as "no checksum", not as drift', () => {
    const old = row({ filename: '001_a.sql', action: 'apply', state: 'succeeded', checksumAlgorithm: 'crc32-v0', checksum: 'x' });
    const out = computeStatus({
      files: [file('001_a.sql')],
      schemaVersion: [{ filename: '001_a.sql', appliedAt: 't', applied: true }],
      journal: [old],
      statements: [],
      lockHolder: null,
    });
    expect(out.files[0]?.state).toBe('applied-no-checksum');
  });
});
