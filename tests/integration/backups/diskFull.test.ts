import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../fixtures/app';
import { createProfileForTestDb, createTestDatabase, mysqlInfo, rootConnection, type TestDatabase } from '../../fixtures/mysql';
import { mountSmallDisk, type SmallDisk } from '../../fixtures/smallDisk';
import { jobErrors, restoreAndWait, sideSchemas, snapshot } from '../restore/restoreHelpers';
import { cli } from './cliRun';

/**
 * A full disk while writing a backup ends DISK_FULL (not INTERNAL) naming the folder, with nothing left
 * behind — for a backup, for the pre-restore backup of a restore (which then changes nothing), and in the
 * CLI, where the error is printed once. The disk is a real 512 KiB tmpfs; the data is 2 MB of random bytes.
 */
describe('disk full while writing a backup', () => {
  let t: TestApp;
  let db: TestDatabase;
  let disk: SmallDisk | null = null;
  let skip = '';
  let profileId: string;
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'sysndd-disk-full-'));

  beforeAll(async () => {
    const mounted = mountSmallDisk('512k');
    if ('skip' in mounted) skip = mounted.skip;
    else disk = mounted;
    db = await createTestDatabase('bk_disk_full');
    const c = await rootConnection({ database: db.name });
    try {
      await c.query('CREATE TABLE blobs (id INT PRIMARY KEY, b MEDIUMBLOB) ENGINE=InnoDB');
      for (let i = 0; i < 32; i++) await c.query('INSERT INTO blobs VALUES (?, ?)', [i, randomBytes(64 * 1024)]);
    } finally {
      await c.end();
    }
    t = createTestApp();
    profileId = (await createProfileForTestDb(t, db.name, { localBackupDir: disk?.dir ?? work })).id;
  });

  afterAll(async () => {
    await t?.close();
    await db?.drop();
    disk?.unmount();
    fs.rmSync(work, { recursive: true, force: true });
  });

  it('a backup ends DISK_FULL naming the folder, and its partial file is gone', async (ctx) => {
    if (!disk) return ctx.skip(skip);
    const job = await t.ok('backups.create', { profileId, options: {} });
    const final = await t.app.jobs.wait(job.id, 120_000);
    expect(final.state).toBe('failed');
    expect(final.error?.code).toBe('DISK_FULL');
    expect(final.error?.message).toContain(disk.dir);
    expect(final.error?.message).toMatch(/is full/);
    expect(fs.readdirSync(disk.dir)).toEqual([]);
  });

  it('a restore whose pre-restore backup fills the disk ends DISK_FULL and changes nothing', async (ctx) => {
    if (!disk) return ctx.skip(skip);
    const before = await snapshot(db.name);
    const file = path.join(work, 'small.sql');
    fs.writeFileSync(file, 'CREATE TABLE t (id INT PRIMARY KEY);\nINSERT INTO t VALUES (1);\n-- Dump completed on 2026-01-01\n');
    const final = await restoreAndWait(t, { profileId, file });
    expect(final.state, await jobErrors(t, final)).toBe('failed');
    expect(final.error?.code).toBe('DISK_FULL');
    expect(final.error?.message).toContain(disk.dir);
    expect(await snapshot(db.name)).toEqual(before);
    expect(await sideSchemas(db.name)).toEqual([]);
    expect(fs.readdirSync(disk.dir)).toEqual([]);
  });

  it('`backup create` prints the failure once, with its code and what to do', async (ctx) => {
    if (!disk) return ctx.skip(skip);
    const info = mysqlInfo();
    const home = path.join(work, 'home');
    const prev = process.env.MYSQL_PWD;
    process.env.MYSQL_PWD = info.password;
    try {
      const url = `mysql://${info.user}@${info.host}:${info.port}/${db.name}`;
      const r = await cli(['backup', 'create', '--url', url, '--dir', disk.dir], home);
      expect(r.code).toBe(1);
      expect(r.err.match(/DISK_FULL/g)).toHaveLength(1);
      // The message once: not also as the job's last log line and again as the final error.
      const message = /error \[DISK_FULL\]: (.+)/.exec(r.err)?.[1] ?? '';
      expect(message).toContain(disk.dir);
      expect(r.err.split(message).length - 1, r.err).toBe(1);
      expect(r.err).toContain('Free space there');
      const json = await cli(['--json', 'backup', 'create', '--url', url, '--dir', disk.dir], home);
      expect(json.code).toBe(1);
      expect(json.json()).toMatchObject({ ok: false, code: 'DISK_FULL' });
      expect(fs.readdirSync(disk.dir)).toEqual([]);
    } finally {
      if (prev === undefined) delete process.env.MYSQL_PWD;
      else process.env.MYSQL_PWD = prev;
    }
  });
});
