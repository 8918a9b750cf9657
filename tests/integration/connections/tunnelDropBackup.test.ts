import fs from 'node:fs';
import path from 'node:path';
import type mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobSnapshot } from '../../../src/shared/contract/index';
import { createTestApp, type TestApp } from '../../fixtures/app';
import {
  createProfileForTestDb,
  createTestDatabase,
  processList,
  rootConnection,
  seqRows,
  type TestDatabase,
} from '../../fixtures/mysql';
import { keyAuthHop, type SshdFixture, startSshd } from '../../fixtures/sshd';

/** Big enough that dumping it through the tunnel takes a while, so the drop lands mid-stream. */
const ROWS = 1_500_000;

/** A long job whose SSH tunnel dies under it: it must fail cleanly and soon, never hang or leave a backup. */
describe('tunnel dropped during a backup', () => {
  let t: TestApp;
  let sshd: SshdFixture;
  let db: TestDatabase;
  let profileId: string;

  beforeAll(async () => {
    [sshd, db] = await Promise.all([startSshd(), createTestDatabase('conn_drop_backup')]);
    const c = await rootConnection({ database: db.name });
    try {
      await c.query('CREATE TABLE big (id INT PRIMARY KEY, n INT, s VARCHAR(64)) ENGINE=InnoDB');
      // Filled server-side (seqRows): no rows cross the wire while preparing. SHA2, not MD5: MySQL 9 has no MD5().
      await c.query(
        `INSERT INTO big SELECT seq, seq * 7 % 1000, CONCAT('row-', seq, '-', LEFT(SHA2(seq, 256), 32)) FROM ${seqRows(ROWS)}`,
      );
    } finally {
      await c.end();
    }
    t = createTestApp();
    await t.ok('connections.trustHostKey', {
      host: sshd.host,
      port: sshd.port,
      keyType: 'ssh-ed25519',
      fingerprint: sshd.hostKeyFingerprint,
    });
    const p = await createProfileForTestDb(t, db.name, {
      name: 'drop during backup',
      ssh: keyAuthHop(sshd),
    });
    profileId = p.id;
  }, 120_000);

  afterAll(async () => {
    await t?.close();
    await Promise.all([sshd?.stop(), db?.drop()]);
  });

  it('fails the job with TUNNEL_DROPPED within seconds, leaves no file, and the next connection works', async () => {
    const dir = path.join(t.home, 'drop-target');
    const job = await t.ok('backups.create', { profileId, options: { dir, checksums: false } });

    // Mid-dump: rows of `big` are streaming through the tunnel (the job reports them as it goes).
    let seen: JobSnapshot = job;
    const waitStart = Date.now();
    while (!((seen.progress.rows ?? 0) > 0 && seen.progress.stage.includes('big'))) {
      if (seen.finishedAt) throw new Error(`The backup ended (${seen.state}) before the tunnel could be dropped mid-dump.`);
      if (Date.now() - waitStart > 60_000)
        throw new Error(`The backup never started dumping rows: ${JSON.stringify(seen.progress)}`);
      await new Promise((r) => setTimeout(r, 20));
      seen = await t.ok('jobs.get', { id: job.id });
    }
    const rowsAtDrop = seen.progress.rows ?? 0;
    expect(fs.readdirSync(dir).some((f) => f.endsWith('.partial'))).toBe(true);

    const droppedAt = Date.now();
    expect(await sshd.killSessions()).toBeGreaterThan(0);
    // Bounded: a hang shows up as a job still running when the wait gives up, not as a stuck test.
    const final = await t.ok('jobs.wait', { id: job.id, timeoutMs: 30_000 });
    expect(final.finishedAt, `job still ${final.state} 30 s after the drop`).not.toBeNull();
    expect(Date.now() - droppedAt).toBeLessThan(15_000);
    expect(final.state).toBe('failed');
    expect(final.error?.code).toBe('TUNNEL_DROPPED');
    expect(final.error?.message).toMatch(/connection to the server was lost during the backup/);
    expect(rowsAtDrop).toBeLessThan(ROWS);

    // Nothing that looks like a backup, complete or partial, is left behind.
    expect(fs.readdirSync(dir)).toEqual([]);

    // The server ended the dump's sessions too: nothing keeps reading `big`.
    const observer = await rootConnection();
    try {
      const reading = async () => {
        const rows = await processList(observer);
        return rows.filter((r) => r.db === db.name && r.Info?.includes('FROM `big`') && Number(r.Id) !== observer.threadId)
          .length;
      };
      await expect.poll(reading, { timeout: 10_000, interval: 100 }).toBe(0);
    } finally {
      await observer.end();
    }

    // The tunnel comes back by itself and the next connection works through it.
    const count = await t.app.connections.withConnection(profileId, async (c) => {
      const [rows] = await c.query<mysql.RowDataPacket[]>('SELECT COUNT(*) AS n FROM big');
      return Number(rows[0]?.n);
    });
    expect(count).toBe(ROWS);
    expect(t.app.connections.state(profileId)).toMatchObject({ state: 'connected', reconnects: 1 });
  }, 120_000);
});
