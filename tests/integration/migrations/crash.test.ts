import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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

const SLOW = 'CREATE TABLE crash_a (id INT);\nDO SLEEP(2.5);\nCREATE TABLE crash_b (id INT);\n';

async function sleepingSession(db: string): Promise<number> {
  for (let i = 0; i < 400; i++) {
    const row = (await processList()).find((r) => r.db === db && r.Info?.startsWith('DO SLEEP'));
    if (row) return Number(row.Id);
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('the migration never reached its DO SLEEP statement');
}

describe('a run that loses its session mid-statement', () => {
  let t: TestApp;
  let db: TestDatabase;
  let dir: string;
  let profileId: string;

  beforeAll(async () => {
    t = createTestApp();
    db = await createTestDatabase('mig_crash');
    dir = migrationsFolder({ '001_slow.sql': SLOW });
    profileId = (await createProfileForTestDb(t, db.name, { migrationsDir: dir })).id;
  });
  afterAll(async () => {
    await t.close();
    await db.drop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('records the statement as "outcome unknown" when the server kills the work connection', async () => {
    const job = await t.ok('migrations.migrate', { profileId });
    const id = await sleepingSession(db.name);
    const root = await rootConnection();
    await root.query(`KILL CONNECTION ${id}`);
    await root.end();
    const done = await waitJob(t, job);
    expect(done.error?.code).toBe('MIGRATION_FAILED');
    expect(done.error?.message).toMatch(/statement 1 of 3 committed; statement 2 \(line 2\) started but its outcome is unknown/);
    const status = await t.ok('migrations.status', { profileId });
    const f = status.files[0];
    expect(f?.state).toBe('failed');
    expect(f?.lastAttempt?.unknownStatement).toBe(2);
    expect(f?.lastAttempt?.resumeFrom).toBe(2);
    const resumed = await waitJob(
      t,
      await t.ok('migrations.repair.resume', { profileId, filename: '001_slow.sql', fromStatement: 3, confirm: true }),
    );
    expect(resumed.error).toBeNull();
    expect(await query(db.name, 'SELECT COUNT(*) AS n FROM crash_b')).toEqual([{ n: 0 }]);
  });
});

describe('a CLI process killed (SIGKILL) mid-statement', () => {
  let t: TestApp;
  let db: TestDatabase;
  let dir: string;
  let home: string;
  let profileId: string;

  beforeAll(async () => {
    t = createTestApp();
    db = await createTestDatabase('mig_sigkill');
    dir = migrationsFolder({ '001_slow.sql': SLOW });
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'sysndd-sigkill-'));
    profileId = (await createProfileForTestDb(t, db.name, { migrationsDir: dir })).id;
  });
  afterAll(async () => {
    await t.close();
    await db.drop();
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(home, { recursive: true, force: true });
  });

  it('shows the file interrupted, the statement still running on the server, then resumable', async () => {
    const info = mysqlInfo();
    const child = spawn(
      process.execPath,
      [
        path.resolve('bin/sysndd-admin.mjs'),
        'migrate',
        'up',
        '--url',
        `mysql://${info.user}@${info.host}:${info.port}/${db.name}`,
        '--migrations-dir',
        dir,
      ],
      {
        env: {
          ...process.env,
          SYSNDD_ADMIN_HOME: home,
          SYSNDD_ADMIN_SECRETS: 'memory',
          MYSQL_PWD: info.password,
          SYSNDD_ADMIN_FROM_SOURCE: '1',
        },
        stdio: 'ignore',
      },
    );
    const exited = new Promise((r) => child.on('exit', r));
    const session = await sleepingSession(db.name);
    child.kill('SIGKILL');
    await exited;

    // The client is gone but its DO SLEEP keeps running server-side (like a long ALTER would).
    const status = await t.ok('migrations.status', { profileId });
    const f = status.files[0];
    expect(f?.state).toBe('interrupted');
    expect(f?.lastAttempt?.committed).toEqual([1]);
    expect(f?.lastAttempt?.stillRunningOnServer?.connectionId).toBe(session);
    expect(f?.lastAttempt?.summary).toMatch(/statement 2 \(line 2\) is still running on the server \(connection \d+/);

    // A plain run refuses the half-applied file; a resume from statement 3 finishes it.
    const refused = await waitJob(t, await t.ok('migrations.migrate', { profileId }));
    expect(refused.error?.code).toBe('PRECONDITION_FAILED');
    await expect.poll(async () => (await processList()).filter((r) => Number(r.Id) === session), { timeout: 5000 }).toEqual([]);
    const resumed = await waitJob(
      t,
      await t.ok('migrations.repair.resume', { profileId, filename: '001_slow.sql', fromStatement: 2, confirm: true }),
    );
    expect(resumed.error).toBeNull();
    expect((await t.ok('migrations.status', { profileId })).upToDate).toBe(true);
  });
});
