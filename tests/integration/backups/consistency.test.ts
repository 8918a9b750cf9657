import fs from 'node:fs';
import path from 'node:path';
import type mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BackupManifest, CreateBackupResult } from '../../../src/shared/contract/index';
import { createTestApp, type TestApp } from '../../fixtures/app';
import {
  createProfileForTestDb,
  createTestDatabase,
  processList,
  rootConnection,
  seqRows,
  type TestDatabase,
} from '../../fixtures/mysql';

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
    await c.query(`INSERT INTO a (k, pad) SELECT 0, REPEAT(CHAR(65 + seq % 26), 150) FROM ${seqRows(PREFILL)}`);
    await c.end();
    t = createTestApp();
    profileId = (await createProfileForTestDb(t, db.name)).id;
  });

  afterAll(async () => {
    await t?.close();
    await db?.drop();
  });

  /** Commits (a, b) pairs until stopped; returns how many it committed. */
  function startWriter(c: mysql.Connection): { committed(): number; stop(): Promise<number> } {
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
      committed: () => k - 1,
      stop: async () => {
        running = false;
        await loop;
        return k;
      },
    };
  }

  /**
   * The race made deterministic: with LOCK TABLES b WRITE held elsewhere, the backup takes its snapshot and
   * reads b's definition (SHOW CREATE takes a high-priority metadata lock) but its SELECT on b waits.
   * Resolves once that SELECT is seen waiting, i.e. while the backup is certainly still running.
   */
  async function waitUntilBackupWaitsOnB(observer: mysql.Connection): Promise<void> {
    for (let i = 0; i < 600; i++) {
      const rows = await processList(observer);
      if (rows.some((r) => r.db === db.name && r.State === 'Waiting for table metadata lock' && r.Info?.includes('`b`'))) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error('the backup never reached table b');
  }

  async function selectsOnB(observer: mysql.Connection): Promise<number> {
    const rows = await processList(observer);
    return rows.filter((r) => r.db === db.name && /^SELECT .*FROM `b`/s.test(r.Info ?? '')).length;
  }

  for (const workers of [1, 2]) {
    it(`holds one snapshot across tables while a writer commits (${workers} worker${workers > 1 ? 's' : ''})`, async () => {
      const c = await rootConnection({ database: db.name });
      const count = async (table: string) =>
        ((await c.query(`SELECT COUNT(*) AS n FROM ${table}`))[0] as Array<{ n: number }>)[0]?.n as number;
      const [a0, b0] = [await count('a'), await count('b')];
      const writer = startWriter(c);
      // The writer is really committing before the backup starts and goes on after it ends.
      await expect.poll(() => writer.committed(), { timeout: 10_000 }).toBeGreaterThanOrEqual(3);
      const job = await t.ok('backups.create', { profileId, options: { workers, checksums: false } });
      const final = await t.ok('jobs.wait', { id: job.id, timeoutMs: 120_000 });
      const atEnd = writer.committed();
      await expect.poll(() => writer.committed(), { timeout: 10_000 }).toBeGreaterThanOrEqual(atEnd + 3);
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

  it('cancel stops the dump, its server connections and leaves no file that looks complete', async () => {
    const dir = path.join(t.home, 'cancel-target');
    const holder = await rootConnection({ database: db.name });
    const observer = await rootConnection();
    try {
      await holder.query('LOCK TABLES b WRITE');
      const job = await t.ok('backups.create', { profileId, options: { dir, checksums: false } });
      await waitUntilBackupWaitsOnB(observer);
      await t.ok('jobs.cancel', { id: job.id });
      const final = await t.ok('jobs.wait', { id: job.id, timeoutMs: 60_000 });
      expect(final.state).toBe('cancelled');
      expect(fs.readdirSync(dir)).toEqual([]);
      // The waiting SELECT was killed on the server too (the lock is still held, so it would wait for ever).
      await expect.poll(() => selectsOnB(observer), { timeout: 10_000 }).toBe(0);
    } finally {
      await holder.end();
      await observer.end();
    }
  });

  it('fails (and leaves no file) when a dumped table is altered during the backup', async () => {
    // The ALTER lands after the snapshot and before b's rows are read: the hole --single-transaction leaves open.
    const dir = path.join(t.home, 'ddl-target');
    const holder = await rootConnection({ database: db.name });
    const observer = await rootConnection();
    try {
      await holder.query('LOCK TABLES b WRITE');
      const job = await t.ok('backups.create', { profileId, options: { dir, checksums: false } });
      await waitUntilBackupWaitsOnB(observer);
      await holder.query('ALTER TABLE b ADD COLUMN extra INT');
      await holder.query('UNLOCK TABLES');
      const altered = await t.ok('jobs.get', { id: job.id });
      const final = await t.ok('jobs.wait', { id: job.id, timeoutMs: 60_000 });
      expect(altered.state).toBe('running');
      expect(final.state).toBe('failed');
      expect(final.error?.code).toBe('CONFLICT');
      expect(fs.readdirSync(dir)).toEqual([]);
    } finally {
      await holder.end();
      await observer.end();
    }
  });
});
