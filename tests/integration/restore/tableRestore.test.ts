import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../fixtures/app';
import { createProfileForTestDb, createTestDatabase, rootConnection, type TestDatabase } from '../../fixtures/mysql';
import {
  checksums,
  dropSchemas,
  jobErrors,
  mariadbDump,
  objectDefinitions,
  preflightWhenLockFree,
  query,
  restoreAndWait,
  sideSchemas,
  TEST_LOCK_TIMEOUT_SECONDS,
  waitJob,
} from './restoreHelpers';

/**
 * Table restore (`options.tables`) on the real server: 2 of 9 tables swapped in, the other 7 byte-identical
 * (CHECKSUM TABLE and SHOW CREATE), views/routines/other triggers untouched, the chosen tables' trigger
 * replaced by the file's; FK dependants named by the preflight (and refused); rollback of a table restore.
 */
describe('table restore', () => {
  let t: TestApp;
  let db: TestDatabase;
  let profileId: string;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rs-tbl-'));
  const others = ['t1', 't2', 't3', 't4', 't5', 'solo', 'audit_log'];
  const chosen = ['parent', 'child'];

  async function state(c: mysql.Connection) {
    const sums = await checksums(c, db.name);
    const creates: Record<string, string> = {};
    for (const name of Object.keys(sums)) {
      const r = await query<{ 'Create Table': string }>(c, `SHOW CREATE TABLE \`${db.name}\`.\`${name}\``);
      creates[name] = String(r[0]?.['Create Table']);
    }
    return { sums, creates, definitions: await objectDefinitions(c, db.name) };
  }

  beforeAll(async () => {
    t = createTestApp();
    db = await createTestDatabase('rs_tbl');
    profileId = (await createProfileForTestDb(t, db.name)).id;
    const c = await rootConnection({ database: db.name });
    try {
      for (const n of ['t1', 't2', 't3', 't4', 't5', 'solo']) {
        await c.query(`CREATE TABLE ${n} (id INT PRIMARY KEY, v VARCHAR(40)) ENGINE=InnoDB`);
        await c.query(`INSERT INTO ${n} VALUES (1, '${n} one'), (2, '${n} two'), (3, 'ü ${n}')`);
      }
      await c.query('CREATE TABLE audit_log (id INT AUTO_INCREMENT PRIMARY KEY, what VARCHAR(80))');
      await c.query('CREATE TABLE parent (id INT PRIMARY KEY, name VARCHAR(40))');
      await c.query(
        'CREATE TABLE child (id INT PRIMARY KEY, parent_id INT NOT NULL, note VARCHAR(40), CONSTRAINT child_parent FOREIGN KEY (parent_id) REFERENCES parent (id))',
      );
      await c.query("INSERT INTO parent VALUES (1, 'p1'), (2, 'p2'), (3, 'p3')");
      await c.query("INSERT INTO child VALUES (10, 1, 'a'), (11, 1, 'b'), (12, 2, 'c'), (13, 3, 'd')");
      // Objects: a trigger on a chosen table, one on another table, a view over both, a routine.
      await c.query(
        "CREATE TRIGGER child_ai AFTER INSERT ON child FOR EACH ROW INSERT INTO audit_log (what) VALUES ('child v1')",
      );
      await c.query("CREATE TRIGGER t1_ai AFTER INSERT ON t1 FOR EACH ROW INSERT INTO audit_log (what) VALUES ('t1')");
      await c.query('CREATE VIEW v_child AS SELECT c.id, p.name FROM child c JOIN parent p ON p.id = c.parent_id');
      await c.query('CREATE FUNCTION twice(x INT) RETURNS INT DETERMINISTIC RETURN x * 2');
    } finally {
      await c.end();
    }
  });

  afterAll(async () => {
    await t?.close();
    await dropSchemas(await sideSchemas(db.name));
    await db?.drop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('the preflight lists the file tables and names FK dependants, suggesting the closed set; refused alone', async () => {
    const file = (await t.app.backups.createBackup(profileId, { dir }, {})).path;
    const full = await preflightWhenLockFree(t, { profileId, file });
    expect([...full.fileTables].sort()).toEqual([...chosen, ...others].sort());
    expect(full.scope).toBeNull();

    const parentOnly = await preflightWhenLockFree(t, { profileId, file, options: { tables: ['parent'] } });
    expect(parentOnly.ok).toBe(false);
    const check = parentOnly.checks.find((x) => x.id === 'tables' && x.status === 'fail');
    expect(check?.message).toContain('child references parent (child_parent)');
    expect(parentOnly.suggestedTables).toEqual(['child', 'parent']);
    expect(parentOnly.replace.tables.map((x) => x.name)).toEqual(['parent']);

    const childOnly = await preflightWhenLockFree(t, { profileId, file, options: { tables: ['child'] } });
    expect(childOnly.checks.find((x) => x.id === 'tables')?.message).toContain(
      'child references parent (child_parent), which is not chosen',
    );
    expect(childOnly.suggestedTables).toEqual(['child', 'parent']);

    const unknown = await preflightWhenLockFree(t, { profileId, file, options: { tables: ['nope'] } });
    expect(unknown.checks.find((x) => x.id === 'tables')?.message).toContain('The file has no table nope');

    const before = await rootConnection();
    const sums = await checksums(before, db.name);
    await before.end();
    const refused = await restoreAndWait(t, { profileId, file, options: { tables: ['parent'] } });
    expect(refused.state).toBe('failed');
    expect(refused.error?.code).toBe('RESTORE_PREFLIGHT_FAILED');
    const after = await rootConnection();
    expect(await checksums(after, db.name)).toEqual(sums);
    await after.end();
  });

  for (const source of ['ours', 'mariadb-dump'] as const)
    it(`restores 2 of 9 tables from ${source}: the other 7 byte-identical, the 2 equal to the backup; then rolls back`, async () => {
      const c = await rootConnection({ database: db.name });
      try {
        await c.query('DELETE FROM child');
        await c.query('DELETE FROM parent');
        await c.query("INSERT INTO parent VALUES (1, 'p1'), (2, 'p2'), (3, 'p3')");
        await c.query("INSERT INTO child VALUES (10, 1, 'a'), (11, 1, 'b'), (12, 2, 'c'), (13, 3, 'd')");
        const atBackup = await state(c);
        const file =
          source === 'ours'
            ? (await t.app.backups.createBackup(profileId, { dir }, {})).path
            : await mariadbDump(db.name, path.join(dir, `${source}.sql`));
        // After the backup: the chosen tables lose and change rows, their trigger changes; others change too.
        await c.query('DELETE FROM child WHERE id IN (10, 13)');
        await c.query("UPDATE parent SET name = 'renamed' WHERE id = 2");
        await c.query('DELETE FROM parent WHERE id = 3');
        await c.query('DROP TRIGGER child_ai');
        await c.query(
          "CREATE TRIGGER child_ai AFTER INSERT ON child FOR EACH ROW INSERT INTO audit_log (what) VALUES ('child v2')",
        );
        await c.query(`INSERT INTO t1 VALUES (${source === 'ours' ? 4 : 5}, 'after the backup')`);
        await c.query("UPDATE solo SET v = 'changed live' WHERE id = 1");
        const live = await state(c);

        const job = await restoreAndWait(t, { profileId, file, options: { tables: ['child', 'parent'] } });
        expect(job.state, await jobErrors(t, job)).toBe('succeeded');
        const restoreId = (job.result as { restoreId: string }).restoreId;
        const record = await t.ok('restore.get', { id: restoreId });
        expect(record.tables).toEqual(['child', 'parent']);
        expect(record.preRestoreBackup).toMatch(/_pre-restore(_\d+)?\.sql\.gz$/);

        const restored = await state(c);
        for (const n of others) {
          expect(restored.sums[n], n).toBe(live.sums[n]);
          expect(restored.creates[n], n).toBe(live.creates[n]);
        }
        for (const n of chosen) expect(restored.sums[n], n).toBe(atBackup.sums[n]);
        // Only the chosen tables' trigger is the file's; the view, the routine and t1's trigger stay.
        expect(restored.definitions).toEqual({
          ...live.definitions,
          'trigger child_ai': atBackup.definitions['trigger child_ai'],
        });
        const prev = (
          await query<{ n: string }>(
            c,
            'SELECT TABLE_NAME AS n FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? ORDER BY 1',
            [record.prevSchema],
          )
        ).map((r) => r.n);
        expect(prev).toEqual(['child', 'parent']);
        // The FK of the restored child points at the restored parent in the live schema.
        await expect(c.query('INSERT INTO child VALUES (99, 42, null)')).rejects.toThrow(/foreign key/i);
        expect((await query(c, 'SELECT COUNT(*) AS n FROM v_child'))[0]).toEqual({ n: 4 });

        const audit = await t.ok('audit.list', { action: 'restore.start' });
        expect(audit.some((a) => a.result === 'succeeded')).toBe(true);

        const rb = await waitJob(
          t,
          await t.ok('restore.rollback', { restoreId, confirm: 'ROLLBACK', lockTimeoutSeconds: TEST_LOCK_TIMEOUT_SECONDS }),
        );
        expect(rb.state, await jobErrors(t, rb)).toBe('succeeded');
        const back = await state(c);
        expect(back.sums).toEqual(live.sums);
        expect(back.creates).toEqual(live.creates);
        expect(back.definitions).toEqual(live.definitions);
        expect(await sideSchemas(db.name)).not.toContain(record.prevSchema);
      } finally {
        await c.end();
      }
    });
});
