import fs from 'node:fs';
import path from 'node:path';
import type mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BackupManifest, CreateBackupResult, JobSnapshot } from '../../../src/shared/contract/index';
import { createTestApp, type TestApp } from '../../fixtures/app';
import { createProfileForTestDb, createTestDatabase, rootConnection, type TestDatabase } from '../../fixtures/mysql';

/**
 * A writer commits pairs of rows (one in `a`, one in `b`, same transaction) while a backup runs. A backup
 * from one snapshot holds exactly as many writer rows in `a` as in `b`; a dump that read `b` later than `a`
 * outside a shared snapshot would hold more in `b`.
 */
describe('backup consistency, cancellation and DDL races', () => {
  let t: TestApp;
  let db: TestDatabase;
  let profileId: string;
  const PREFILL = 200_000;

  beforeAll(async () => {
    db = await createTestDatabase('bk_consistency');
    const c = await rootConnection({ database: db.name });
    await c.query('CREATE TABLE a (id INT AUTO_INCREMENT PRIMARY KEY, k INT, pad VARCHAR(200)) ENGINE=InnoDB');
    await c.query('CREATE TABLE b (id INT AUTO_INCREMENT PRIMARY KEY, k INT) ENGINE=InnoDB');
    await c.query(`INSERT INTO a (k, pad) SELECT 0, REPEAT(CHAR(65 + seq % 26), 150) FROM seq_1_to_${PREFILL}`);
    await c.end();
    t = createTestApp();
    profileId = (await createProfileForTestDb(t, db.name)).id;
  });

  afterAll(async () => {
    await t?.close();
    await db?.drop();
  });

  /** Commits (a, b) pairs until stopped; returns how many it committed. */
  function startWriter(c: mysql.Connection): { stop(): Promise<number> } {
    let running = true;
    let k = 0;
    const loop = (async () => {
      while (running) {
        k++;
        await c.query('START TRANSACTION');
        await c.query('INSERT INTO a (k, pad) VALUES (?, ?)', [k, 'writer']);
        await c.query('INSERT INTO b (k) VALUES (?)', [k]);
        await c.query('COMMIT');
      }
    })();
    return {
      stop: async () => {
        running = false;
        await loop;
        return k;
      },
    };
  }

  async function waitForRows(job: JobSnapshot, atLeast: number): Promise<void> {
    for (let i = 0; i < 400; i++) {
      const j = await t.ok('jobs.get', { id: job.id });
      if (j.progress.done >= atLeast || j.finishedAt) return;
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  for (const workers of [1, 2]) {
    it(`holds one snapshot across tables while a writer commits (${workers} worker${workers > 1 ? 's' : ''})`, async () => {
      const c = await rootConnection({ database: db.name });
      const count = async (table: string) =>
        ((await c.query(`SELECT COUNT(*) AS n FROM ${table}`))[0] as Array<{ n: number }>)[0]?.n as number;
      const [a0, b0] = [await count('a'), await count('b')];
      const writer = startWriter(c);
      await new Promise((r) => setTimeout(r, 100));
      const job = await t.ok('backups.create', { profileId, options: { workers, checksums: false } });
      const final = await t.ok('jobs.wait', { id: job.id, timeoutMs: 120_000 });
      await new Promise((r) => setTimeout(r, 100));
      const committed = await writer.stop();
      expect(final.state, final.error?.message).toBe('succeeded');
      const { manifest } = await t.ok('backups.manifest', { path: (final.result as CreateBackupResult).path });
      const m = manifest as BackupManifest;
      const rowsA = m.tables.find((x) => x.name === 'a')?.rows as number;
      const rowsB = m.tables.find((x) => x.name === 'b')?.rows as number;
      const liveB = await count('b');
      await c.end();
      // Writes happened before the snapshot and after it (else this test proves nothing) ...
      expect(rowsB - b0).toBeGreaterThan(0);
      expect(liveB).toBeGreaterThan(rowsB);
      expect(committed).toBe(liveB - b0);
      // ... and the backup holds both halves of exactly the same transactions.
      expect(rowsA - a0).toBe(rowsB - b0);
      expect(a0 - b0).toBe(PREFILL);
      expect(m.source.consistency).toBe(workers > 1 ? 'global-lock' : 'single-snapshot');
    });
  }

  it('cancel stops the dump and leaves no file that looks complete', async () => {
    const dir = path.join(t.home, 'cancel-target');
    const job = await t.ok('backups.create', { profileId, options: { dir, checksums: false } });
    await waitForRows(job, 1);
    await t.ok('jobs.cancel', { id: job.id });
    const final = await t.ok('jobs.wait', { id: job.id, timeoutMs: 60_000 });
    expect(final.state).toBe('cancelled');
    expect(fs.readdirSync(dir)).toEqual([]);
    // The dump connections are gone from the server too.
    const c = await rootConnection();
    await new Promise((r) => setTimeout(r, 300));
    const [procs] = await c.query(
      "SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST WHERE DB = ? AND INFO LIKE 'SELECT %FROM `a`%'",
      [db.name],
    );
    await c.end();
    expect((procs as Array<{ n: number }>)[0]?.n).toBe(0);
  });

  it('fails (and leaves no file) when a dumped table is altered during the backup', async () => {
    const dir = path.join(t.home, 'ddl-target');
    const job = await t.ok('backups.create', { profileId, options: { dir, checksums: false } });
    await waitForRows(job, 1);
    const c = await rootConnection({ database: db.name });
    await c.query('ALTER TABLE b ADD COLUMN extra INT');
    await c.end();
    const altered = await t.ok('jobs.get', { id: job.id });
    const final = await t.ok('jobs.wait', { id: job.id, timeoutMs: 60_000 });
    // Precondition of this test (timing): the ALTER ran while table a was still being dumped, before b was read.
    expect(altered.state).toBe('running');
    expect(final.state).toBe('failed');
    expect(final.error?.code).toBe('CONFLICT');
    expect(fs.readdirSync(dir)).toEqual([]);
  });
});
