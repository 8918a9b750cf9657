import fs from 'node:fs';
import { Writable } from 'node:stream';
import type { Connection } from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../../src/main/doors/cli/program';
import { createTestApp, type TestApp } from '../../fixtures/app';
import {
  createProfileForTestDb,
  createTestDatabase,
  mysqlInfo,
  processList,
  rootConnection,
  type TestDatabase,
} from '../../fixtures/mysql';
import { migrationsFolder, query, waitJob } from './helpers';

function sink() {
  let text = '';
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      text += chunk.toString();
      cb();
    },
  });
  return { stream, text: () => text };
}

describe("GET_LOCK('sysndd_migration') held by someone else", () => {
  let t: TestApp;
  let db: TestDatabase;
  let dir: string;
  let profileId: string;
  let holder: Connection;

  beforeAll(async () => {
    t = createTestApp();
    db = await createTestDatabase('mig_lock');
    dir = migrationsFolder({ '001_one.sql': 'CREATE TABLE one (id INT);\n' });
    profileId = (await createProfileForTestDb(t, db.name, { migrationsDir: dir })).id;
    // A foreign session (a SysNDD API replica, say) holding the lock. Named locks are server-wide, so
    // other test files migrating their own databases may hold it for a moment: wait for it.
    holder = await rootConnection({ database: db.name });
    const [rows] = await holder.query("SELECT GET_LOCK('sysndd_migration', 60) AS got");
    expect(rows).toEqual([{ got: 1 }]);
  });
  afterAll(async () => {
    await holder.end().catch(() => undefined);
    await t.close();
    await db.drop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('lockState names the holder (connection id, user, host)', async () => {
    const lock = await t.ok('migrations.lockState', { profileId });
    expect(lock.held).toBe(true);
    expect(lock.holder?.connectionId).toBe(holder.threadId);
    expect(lock.holder?.user).toBe(mysqlInfo().rootUser);
    expect(lock.holder?.host).toMatch(/localhost|127\.0\.0\.1/);
    expect(lock.holderRun).toBeNull();
    const status = await t.ok('migrations.status', { profileId });
    expect(status.lock.holder?.connectionId).toBe(holder.threadId);
  });

  it("the holder's time in its current state (PROCESSLIST.TIME) is reported", async () => {
    await new Promise((r) => setTimeout(r, 2100));
    const lock = await t.ok('migrations.lockState', { profileId });
    expect(lock.holder?.command).toBe('Sleep');
    const first = lock.holder?.timeSeconds;
    expect(first).toBeGreaterThanOrEqual(2);
    const own = (await processList(holder)).find((r) => Number(r.Id) === holder.threadId);
    // Our own query reset the holder's TIME: the figure is read from the processlist, not made up.
    expect(Number(own?.Time)).toBeLessThan(first as number);
  });

  it('migrate gives up with MIGRATION_LOCK_BUSY naming the holder after the lock timeout', async () => {
    const done = await waitJob(t, await t.ok('migrations.migrate', { profileId, lockTimeoutSeconds: 1 }));
    expect(done.state).toBe('failed');
    expect(done.error?.code).toBe('MIGRATION_LOCK_BUSY');
    expect(done.error?.message).toContain(`held by connection ${holder.threadId} (${mysqlInfo().rootUser}@`);
    const log = await t.ok('jobs.log', { id: done.id, afterSeq: 0 });
    expect(log.some((l) => l.message.includes(`connection ${holder.threadId}`))).toBe(true);
    expect(
      await query(
        db.name,
        "SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'one'",
      ),
    ).toEqual([]);
  });

  it('waits in whole-second GET_LOCK slices (MySQL truncates fractions), the last one rounded up', async () => {
    const t0 = Date.now();
    const job = await t.ok('migrations.migrate', { profileId, lockTimeoutSeconds: 1.5 });
    const seen = new Set<string>();
    let snap = await t.ok('jobs.get', { id: job.id });
    while (!snap.finishedAt) {
      for (const r of await processList()) {
        if (r.User === mysqlInfo().user && r.db === db.name && r.Info?.startsWith('SELECT GET_LOCK(')) seen.add(r.Info);
      }
      await new Promise((r) => setTimeout(r, 50));
      snap = await t.ok('jobs.get', { id: job.id });
    }
    expect(snap.error?.code).toBe('MIGRATION_LOCK_BUSY');
    expect([...seen]).toEqual(["SELECT GET_LOCK('sysndd_migration', 1) AS got"]);
    // 1 s + a last 0.5 s slice rounded up to 1 s: the whole timeout was really waited for.
    expect(Date.now() - t0).toBeGreaterThanOrEqual(1900);
  });

  it('the wait is cancellable, and the waiting connection is closed', async () => {
    const job = await t.ok('migrations.migrate', { profileId, lockTimeoutSeconds: 60 });
    await expect
      .poll(async () => (await t.ok('jobs.get', { id: job.id })).progress.stage, { timeout: 10_000 })
      .toMatch(/waiting for the migration lock/);
    await t.ok('jobs.cancel', { id: job.id });
    // Far sooner than the 60 s lock timeout: the wait really stops on cancel.
    const done = await t.ok('jobs.wait', { id: job.id, timeoutMs: 20_000 });
    expect(done.state).toBe('cancelled');
    // The server notices the closed socket at the end of the current wait slice (≤ 1 s).
    const waiting = async () =>
      (await processList()).filter((r) => r.User === mysqlInfo().user && r.db === db.name && r.Info?.includes('GET_LOCK'));
    await expect.poll(waiting, { timeout: 3000 }).toEqual([]);
  });

  it('CLI: migrate up --lock-timeout 1 exits 3 and names the holder', async () => {
    const info = mysqlInfo();
    const saved = { ...process.env };
    process.env.SYSNDD_ADMIN_HOME = fs.mkdtempSync('/tmp/sysndd-cli-lock-');
    process.env.SYSNDD_ADMIN_SECRETS = 'memory';
    process.env.MYSQL_PWD = info.password;
    const out = sink();
    const err = sink();
    try {
      const code = await runCli(
        [
          'migrate',
          'up',
          '--url',
          `mysql://${info.user}@${info.host}:${info.port}/${db.name}`,
          '--migrations-dir',
          dir,
          '--lock-timeout',
          '1',
        ],
        { stdout: out.stream, stderr: err.stream },
      );
      expect(code).toBe(3);
      expect(err.text()).toContain(
        `error [MIGRATION_LOCK_BUSY]: The migration lock 'sysndd_migration' is held by connection ${holder.threadId}`,
      );
    } finally {
      process.env = saved;
    }
  });

  it('runs as soon as the holder releases the lock', async () => {
    const startedAt = Date.now();
    const job = await t.ok('migrations.migrate', { profileId, lockTimeoutSeconds: 30 });
    const waiting = async () =>
      (await processList()).some((r) => r.User === mysqlInfo().user && r.db === db.name && r.Info?.includes('GET_LOCK'));
    await expect.poll(waiting, { timeout: 10_000 }).toBe(true);
    const waitSeenAt = Date.now();
    const releaseSentAt = Date.now();
    await holder.query("SELECT RELEASE_LOCK('sysndd_migration')");
    const done = await waitJob(t, job);
    expect(done.error).toBeNull();
    expect(done.result).toMatchObject({ applied: [{ filename: '001_one.sql' }] });
    // The reported wait covers the time we watched it wait, and no more than the job's whole life.
    const { lockWaitMs } = done.result as { lockWaitMs: number };
    expect(lockWaitMs).toBeGreaterThanOrEqual(releaseSentAt - waitSeenAt);
    expect(lockWaitMs).toBeLessThanOrEqual(Date.now() - startedAt);
  });
});
