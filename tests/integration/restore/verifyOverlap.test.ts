import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { RowDataPacket } from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DbConnection, openByteTransparent } from '../../../src/main/features/restore/connect';
import { LoadScheduler } from '../../../src/main/features/restore/loader/LoadScheduler';
import { ShadowMeasurements } from '../../../src/main/features/restore/shadowMeasure';
import { createTestApp, type TestApp } from '../../fixtures/app';
import { resealWithEdit } from '../../fixtures/hostile/reseal';
import { createProfileForTestDb, createTestDatabase, rootConnection, type TestDatabase } from '../../fixtures/mysql';
import { jobErrors, restoreAndWait, sideSchemas, snapshot } from './restoreHelpers';

/**
 * Verification overlapping the load (issue 16): once every row is committed and only index builds still
 * run, one session counts and checksums the shadow tables while the indexes build (shadowMeasure.ts). The
 * reads start early; the judgement is the verify phase's, and it must still fail a file whose rows do not
 * match its manifest — nothing swapped, the live database untouched.
 */
describe('verification overlapping the index builds', () => {
  let t: TestApp;
  let live: TestDatabase;
  let profileId: string;
  let backup: string;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rs-verify-'));

  beforeAll(async () => {
    t = createTestApp();
    live = await createTestDatabase('rs_verify');
    const c = await rootConnection({ database: live.name });
    await c.query('CREATE TABLE gene (id INT PRIMARY KEY, symbol VARCHAR(20) NOT NULL, score INT, KEY by_symbol (symbol))');
    const values = Array.from({ length: 3000 }, (_, i) => `(${i + 1},'G${String(i + 1).padStart(5, '0')}',${i % 97})`);
    await c.query(`INSERT INTO gene VALUES ${values.join(',')}`);
    await c.end();
    profileId = (await createProfileForTestDb(t, live.name)).id;
    backup = (await t.app.backups.createBackup(profileId, { dir }, {})).path;
  }, 120_000);

  afterAll(async () => {
    await t?.close();
    await live?.drop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('rowsSettled() resolves once rows and row-changing DDL are done, while a row-neutral build still runs', async () => {
    const conns: DbConnection[] = [];
    for (let i = 0; i < 2; i++) conns.push(await openByteTransparent(t.app, profileId, live.name));
    const c = await rootConnection({ database: live.name });
    try {
      await c.query('CREATE TABLE settle (id INT PRIMARY KEY, v INT)');
      const scheduler = new LoadScheduler(conns);
      let neutralDone = false;
      let ddlDone = false;
      scheduler.insert('settle', 'INSERT INTO settle VALUES (1,1),(2,2)', () => undefined);
      // Its cost keeps everything else off its connection (what an index build's row bytes do).
      scheduler.tableDdl('settle', 'DO SLEEP(1.5)', { rowNeutral: true, cost: 1e9 }).then(() => {
        neutralDone = true;
      });
      scheduler.insert('other', 'DO SLEEP(0.3)', () => undefined);
      scheduler.tableDdl('other', 'ALTER TABLE settle ADD COLUMN w INT').then(() => {
        ddlDone = true;
      });
      await scheduler.rowsSettled();
      expect(ddlDone).toBe(true);
      expect(neutralDone).toBe(false);
      const [rows] = await c.query<RowDataPacket[]>('SELECT COUNT(*) AS n FROM settle');
      expect(Number(rows[0]?.n)).toBe(2);
      await scheduler.drain();
      expect(neutralDone).toBe(true);
    } finally {
      await c.end();
      for (const x of conns) await x.end();
    }
  });

  it('a job the early session could not read is read again by the verify phase; a missing table fails it', async () => {
    const broken = await openByteTransparent(t.app, profileId, live.name);
    const good = await openByteTransparent(t.app, profileId, live.name);
    try {
      broken.destroy();
      const m = new ShadowMeasurements(live.name);
      const signal = new AbortController().signal;
      m.startEarly(broken, [{ name: 'gene', checksum: true }], signal);
      await m.finish([good], signal);
      const measured = await m.result('gene');
      expect(measured.rows).toBe(3000);
      expect(measured.checksum).toMatch(/^\d+$/);

      const again = new ShadowMeasurements(live.name);
      again.enqueue([{ name: 'no_such_table', checksum: false }]);
      await again.finish([good], signal);
      await expect(again.result('no_such_table')).rejects.toMatchObject({ errno: 1146 });
    } finally {
      await good.end();
    }
  });

  it('restores the untouched backup with its rows counted and checksummed', async () => {
    const target = `${live.name}_ok`;
    const job = await restoreAndWait(t, { profileId, file: backup, targetDatabase: target });
    expect(job.state, await jobErrors(t, job)).toBe('succeeded');
    expect(await jobErrors(t, job)).toContain(
      'Verified 1 table(s) (row counts, 1 CHECKSUM TABLE; 1 read while the indexes were built)',
    );
    const c = await rootConnection();
    try {
      const [ck] = await c.query<RowDataPacket[]>(`CHECKSUM TABLE \`${target}\`.gene, \`${live.name}\`.gene`);
      expect(ck[0]?.Checksum).toBe(ck[1]?.Checksum);
      await c.query(`DROP DATABASE \`${target}\``);
      for (const s of await sideSchemas(target)) await c.query(`DROP DATABASE \`${s}\``);
    } finally {
      await c.end();
    }
  });

  it.each([
    {
      what: 'a changed value (CHECKSUM TABLE differs)',
      edit: (sql: string) => sql.replace("'G00042'", "'X00042'"),
      message: /gene: CHECKSUM TABLE \d+ differs from the backup's \d+/,
    },
    {
      what: 'an extra row (row count differs)',
      edit: (sql: string) => `${sql.trimEnd()}\nINSERT INTO \`gene\` VALUES (99999,'EXTRA',1);\n`,
      message: /gene: 3001 rows loaded, the file has 3000/,
    },
  ])('fails a re-sealed backup with $what before the swap', async ({ edit, message }) => {
    const file = path.join(dir, `edited-${Date.now()}.sql.gz`);
    await resealWithEdit(backup, file, { kind: 'table-data', table: 'gene', edit });
    const before = await snapshot(live.name);
    const job = await restoreAndWait(t, { profileId, file });
    expect(job.state, await jobErrors(t, job)).toBe('failed');
    expect(job.error?.code).toBe('RESTORE_FAILED');
    expect(job.error?.message).toMatch(message);
    expect(job.error?.message).toContain('nothing was swapped');
    expect(await snapshot(live.name)).toEqual(before);
    expect(await sideSchemas(live.name)).toEqual([]);
  });
});
