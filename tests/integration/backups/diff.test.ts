import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DiffSummary } from '../../../src/shared/contract/backupDiff';
import { createTestApp, type TestApp } from '../../fixtures/app';
import { createProfileForTestDb, createTestDatabase, rootConnection, type TestDatabase } from '../../fixtures/mysql';

/**
 * backup diff on the real server: a table where 3 rows were deleted, 2 changed (one only in letter case, one
 * to NULL) and 1 added lists exactly those; the export is INSERT … ON DUPLICATE KEY UPDATE; the put-back
 * needs RESTORE (the database name on production), is audited, and brings CHECKSUM TABLE back to the backup's.
 */
describe('backup diff', () => {
  let t: TestApp;
  let db: TestDatabase;
  let c: mysql.Connection;
  let profileId: string;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bk-diff-'));

  const checksum = async () => {
    const [r] = await c.query({
      sql: 'CHECKSUM TABLE items',
      rowsAsArray: true,
      supportBigNumbers: true,
      bigNumberStrings: true,
    });
    return String((r as unknown[][])[0]?.[1]);
  };
  const diff = async (pid: string, file: string): Promise<DiffSummary> => {
    const job = await t.app.jobs.wait((await t.ok('backups.diff', { profileId: pid, file, table: 'items' })).id, 600_000);
    expect(job.state, JSON.stringify(job.error)).toBe('succeeded');
    return job.result as DiffSummary;
  };
  const schemaExists = async (name: string) =>
    ((await c.query('SELECT 1 FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?', [name]))[0] as unknown[]).length > 0;

  beforeAll(async () => {
    t = createTestApp();
    db = await createTestDatabase('bk_diff');
    profileId = (await createProfileForTestDb(t, db.name)).id;
    c = await rootConnection({ database: db.name });
    await c.query(
      'CREATE TABLE items (id INT PRIMARY KEY, name VARCHAR(40) NOT NULL, note TEXT NULL, price DECIMAL(10,2), data BLOB, flag BIT(3)) ENGINE=InnoDB',
    );
    const values = Array.from(
      { length: 200 },
      (_, i) =>
        `(${i + 1}, 'item ${i + 1} ü', ${i % 7 ? `'note ${i}'` : 'NULL'}, ${i}.25, ${i % 5 ? `X'00ff${(i % 256).toString(16).padStart(2, '0')}'` : "''"}, b'101')`,
    );
    await c.query(`INSERT INTO items VALUES ${values.join(', ')}`);
    await c.query('CREATE TABLE other (id INT PRIMARY KEY)');
  });

  afterAll(async () => {
    await c?.end();
    await t?.close();
    await db?.drop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('lists exactly the removed, changed and added rows, exports them, and puts them back (checksum equal)', async () => {
    const file = (await t.app.backups.createBackup(profileId, { dir }, {})).path;
    const atBackup = await checksum();
    await c.query('DELETE FROM items WHERE id IN (5, 50, 150)');
    await c.query("UPDATE items SET name = 'ITEM 7 ü' WHERE id = 7"); // case only: byte comparison sees it
    await c.query('UPDATE items SET note = NULL WHERE id = 121');
    await c.query("INSERT INTO items VALUES (1000, 'new', NULL, 1, NULL, b'1')");

    const d = await diff(profileId, file);
    expect(d.counts).toEqual({ backupRows: 200, liveRows: 198, added: 1, removed: 3, changed: 2 });
    expect(d.primaryKey).toEqual(['id']);
    expect(await schemaExists(d.scratchSchema)).toBe(true);

    const page1 = await t.ok('backups.diff.rows', { diffId: d.diffId, kind: 'removed', limit: 2 });
    expect(page1.rows.map((r) => r.key)).toEqual([['5'], ['50']]);
    const page2 = await t.ok('backups.diff.rows', {
      diffId: d.diffId,
      kind: 'removed',
      limit: 2,
      after: page1.next ?? undefined,
    });
    expect(page2.rows.map((r) => r.key)).toEqual([['150']]);
    expect(page2.next).toBeNull();
    const changed = await t.ok('backups.diff.rows', { diffId: d.diffId, kind: 'changed' });
    expect(changed.rows.map((r) => r.key)).toEqual([['7'], ['121']]);
    expect(changed.rows[0]?.backup?.name).toBe('item 7 ü');
    expect(changed.rows[0]?.live?.name).toBe('ITEM 7 ü');
    expect(changed.rows[1]?.live?.note).toBeNull();
    const added = await t.ok('backups.diff.rows', { diffId: d.diffId, kind: 'added' });
    expect(added.rows.map((r) => [r.key, r.backup, r.live?.name])).toEqual([[['1000'], null, 'new']]);

    const exported = await t.ok('backups.diff.export', { diffId: d.diffId });
    expect(exported.rows).toBe(5);
    expect(exported.sql).toMatch(/INSERT INTO `items` \(`id`, `name`, `note`, `price`, `data`, `flag`\) VALUES\n\(5,X'/);
    expect(exported.sql).toContain('ON DUPLICATE KEY UPDATE `name` = VALUES(`name`)');
    const toFile = path.join(dir, 'rows.sql');
    const onlyTwo = await t.ok('backups.diff.export', { diffId: d.diffId, keys: [['5'], ['7']], file: toFile });
    expect(onlyTwo).toMatchObject({ rows: 2, file: toFile, sql: null });
    expect(fs.readFileSync(toFile, 'utf8').match(/^\(/gm)?.length).toBe(2);

    // Applying the exported SQL with a plain client reproduces the rows (the export is exact).
    const scratch = await rootConnection({ database: d.scratchSchema });
    try {
      await scratch.query('CREATE TABLE probe LIKE items');
      await scratch.query((exported.sql as string).replace(/INSERT INTO `items`/, 'INSERT INTO `probe`'));
      const [same] = await scratch.query(
        'SELECT COUNT(*) AS n FROM probe p JOIN items b USING (id) WHERE p.name <=> b.name AND p.note <=> b.note AND p.price <=> b.price AND p.data <=> b.data AND p.flag <=> b.flag',
      );
      expect((same as Array<{ n: number }>)[0]?.n).toBe(5);
      await scratch.query('DROP TABLE probe');
    } finally {
      await scratch.end();
    }

    const refused = await t.call('backups.diff.putBack', { diffId: d.diffId, confirm: 'restore' });
    expect(refused.ok ? null : refused.code).toBe('CONFIRMATION_REQUIRED');
    const put = await t.ok('backups.diff.putBack', { diffId: d.diffId, confirm: 'RESTORE' });
    expect(put.rows).toBe(5);
    expect(put.counts).toMatchObject({ removed: 0, changed: 0, added: 1 });
    await c.query('DELETE FROM items WHERE id = 1000');
    expect(await checksum()).toBe(atBackup);
    const audit = await t.ok('audit.list', { action: 'backups.diff.putBack' });
    expect(audit.map((a) => a.result)).toEqual(expect.arrayContaining(['refused', 'succeeded']));
    expect(audit.find((a) => a.result === 'succeeded')?.target).toContain(`${db.name}.items ← all removed and changed rows`);

    expect(await t.ok('backups.diff.close', { diffId: d.diffId })).toEqual({ dropped: true });
    expect(await schemaExists(d.scratchSchema)).toBe(false);
  });

  it('on a production profile the put-back needs the database name, not RESTORE', async () => {
    const prod = (await createProfileForTestDb(t, db.name, { name: `prod ${db.name}`, environment: 'production' })).id;
    const file = (await t.app.backups.createBackup(profileId, { dir }, {})).path;
    await c.query('DELETE FROM items WHERE id = 9');
    const d = await diff(prod, file);
    expect(d.counts.removed).toBe(1);
    const refused = await t.call('backups.diff.putBack', { diffId: d.diffId, kinds: ['removed'], confirm: 'RESTORE' });
    expect(refused.ok ? null : refused.code).toBe('CONFIRMATION_REQUIRED');
    const put = await t.ok('backups.diff.putBack', { diffId: d.diffId, kinds: ['removed'], confirm: db.name });
    expect(put.rows).toBe(1);
    await t.ok('backups.diff.close', { diffId: d.diffId });
  });
});
