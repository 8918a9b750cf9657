import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CreateBackupResult } from '../../src/shared/contract/index';
import { createTestApp, type TestApp } from '../fixtures/app';
import { createProfileForTestDb, createTestDatabase, rootConnection, type TestDatabase } from '../fixtures/mysql';

const ROWS = 200_000;

/**
 * Issue 2: "Heavy CPU work must not stall the UI door: measure event-loop lag while a job runs and report
 * it." A real backup job (row decoding, INSERT encoding and gzip all run in this process) over 200k rows;
 * the runner must record the lag during that job, consistent with the job's duration. How long the loop
 * waits is not asserted (wall-clock); the work per turn is, in backups/turnBudget.test.ts.
 */
describe('event-loop lag recorded during a real backup job', () => {
  let t: TestApp;
  let db: TestDatabase;
  let profileId: string;

  beforeAll(async () => {
    db = await createTestDatabase('job_lag');
    const c = await rootConnection({ database: db.name });
    await c.query(
      'CREATE TABLE variants (id INT PRIMARY KEY, symbol VARCHAR(40) NOT NULL, score DOUBLE, note TEXT) ENGINE=InnoDB',
    );
    // Filled server-side from the Sequence engine: no 200k-row round trip through the test process.
    await c.query(
      `INSERT INTO variants SELECT seq, CONCAT('GENE', seq % 997), seq / 7, REPEAT(CHAR(65 + seq % 26), seq % 60) FROM seq_1_to_${ROWS}`,
    );
    await c.end();
    t = createTestApp();
    profileId = (await createProfileForTestDb(t, db.name)).id;
  }, 120_000);

  afterAll(async () => {
    await t?.close();
    await db?.drop();
  });

  it('the job snapshot carries sane lag figures (p50 ≤ p99 ≤ max ≤ the job’s duration), live and in history', async () => {
    const seenWhileRunning: number[] = [];
    const off = t.app.events.subscribe((e) => {
      if (e.type === 'job.updated' && e.job.state === 'running' && e.job.eventLoopLag)
        seenWhileRunning.push(e.job.eventLoopLag.samples);
    });
    const job = await t.ok('backups.create', { profileId, options: {} });
    const final = await t.ok('jobs.wait', { id: job.id, timeoutMs: 180_000 });
    off();
    expect(final.state, final.error?.message).toBe('succeeded');
    const result = final.result as CreateBackupResult;
    expect(result.rows).toBe(ROWS);

    const lag = final.eventLoopLag;
    expect(lag).toBeDefined();
    if (!lag) return;
    const durationMs = Date.parse(final.finishedAt ?? '') - Date.parse(final.startedAt ?? '');
    // One sample per 10 ms interval the loop managed to run: at least a few over a job of this size, and
    // never more than the job's duration allows.
    expect(lag.resolutionMs).toBe(10);
    expect(lag.samples).toBeGreaterThan(3);
    expect(lag.samples).toBeLessThanOrEqual(Math.ceil(durationMs / lag.resolutionMs) + 2);
    for (const v of [lag.p50, lag.p99, lag.max]) {
      expect(Number.isFinite(v)).toBe(true);
      expect(v).toBeGreaterThanOrEqual(0);
    }
    expect(lag.p50).toBeLessThanOrEqual(lag.p99);
    expect(lag.p99).toBeLessThanOrEqual(lag.max);
    expect(lag.max).toBeLessThanOrEqual(durationMs);
    // No bound on the delay itself: it is wall-clock (a busy shared machine decides it). The work per turn is
    // bounded and tested by counting it (backups/turnBudget.test.ts); the delay figure is bench output
    // (bench/backupLag.ts, bench/backup.ts).

    // Reported while the job ran (the drawer and `jobs show` see it grow), and kept in the job history.
    expect(seenWhileRunning.length).toBeGreaterThan(0);
    expect((await t.ok('jobs.list', { kind: 'backup.create', limit: 5 })).find((j) => j.id === job.id)?.eventLoopLag).toEqual(
      lag,
    );
    fs.rmSync(result.path, { force: true });
  }, 240_000);
});
