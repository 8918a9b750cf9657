import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCHEMA_VERSION_DDL } from '../../../src/main/features/migrations/HistoryStore';
import { createTestApp, type TestApp } from '../../fixtures/app';
import { createProfileForTestDb, createTestDatabase, type TestDatabase } from '../../fixtures/mysql';
import { migrationsFolder, query, waitJob, withRoot } from './helpers';

const FILES = {
  '001_create_items.sql': 'CREATE TABLE items (id INT PRIMARY KEY);\n',
  '002_add_name.sql': 'ALTER TABLE items ADD COLUMN name VARCHAR(20) NULL;\n',
  '004_add_flag.sql': 'ALTER TABLE items ADD COLUMN flag TINYINT NULL;\n',
};

describe('drift: an applied file edited afterwards', () => {
  let t: TestApp;
  let db: TestDatabase;
  let dir: string;
  let profileId: string;

  beforeAll(async () => {
    t = createTestApp();
    db = await createTestDatabase('mig_drift');
    dir = migrationsFolder(FILES);
    profileId = (await createProfileForTestDb(t, db.name, { migrationsDir: dir })).id;
    const done = await waitJob(t, await t.ok('migrations.migrate', { profileId }));
    expect(done.error).toBeNull();
  });
  afterAll(async () => {
    await t.close();
    await db.drop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('ignores line-ending and BOM changes (no false drift)', async () => {
    fs.writeFileSync(path.join(dir, '002_add_name.sql'), `\uFEFF${FILES['002_add_name.sql'].replace(/\n/g, '\r\n')}`);
    const v = await t.ok('migrations.validate', { profileId });
    expect(v.valid).toBe(true);
    expect(v.problems.map((p) => p.code)).toEqual(['GAP']);
  });

  it('shows a real edit as drifted with a unified diff, and validate fails', async () => {
    fs.writeFileSync(path.join(dir, '002_add_name.sql'), 'ALTER TABLE items ADD COLUMN name VARCHAR(40) NULL;\n');
    const s = await t.ok('migrations.status', { profileId });
    expect(s.drifted).toEqual(['002_add_name.sql']);
    expect(s.files.find((f) => f.filename === '002_add_name.sql')?.state).toBe('drifted');
    const v = await t.ok('migrations.validate', { profileId });
    expect(v.valid).toBe(false);
    const drift = v.problems.find((p) => p.code === 'MIGRATION_DRIFT');
    expect(drift?.filename).toBe('002_add_name.sql');
    expect(drift?.diff).toContain('-ALTER TABLE items ADD COLUMN name VARCHAR(20) NULL;');
    expect(drift?.diff).toContain('+ALTER TABLE items ADD COLUMN name VARCHAR(40) NULL;');
    const content = await t.ok('migrations.fileContent', { profileId, filename: '002_add_name.sql' });
    expect(content.appliedText).toBe(FILES['002_add_name.sql']);
    expect(content.diff).toContain('+ALTER TABLE items ADD COLUMN name VARCHAR(40) NULL;');
  });

  it('accept-checksum is explicit and audited, and clears the drift', async () => {
    const refused = await t.call('migrations.repair.acceptChecksum', { profileId, filename: '002_add_name.sql' });
    expect(refused.ok ? 'ok' : refused.code).toBe('CONFIRMATION_REQUIRED');
    const notDrifted = await t.call('migrations.repair.acceptChecksum', {
      profileId,
      filename: '001_create_items.sql',
      confirm: true,
    });
    expect(notDrifted.ok ? 'ok' : notDrifted.code).toBe('PRECONDITION_FAILED');
    const r = await t.ok('migrations.repair.acceptChecksum', {
      profileId,
      filename: '002_add_name.sql',
      confirm: true,
      reason: 'width documented',
    });
    expect(r.changed).toEqual(['002_add_name.sql']);
    const v = await t.ok('migrations.validate', { profileId });
    expect(v.valid).toBe(true);
    const s = await t.ok('migrations.status', { profileId });
    expect(s.files.find((f) => f.filename === '002_add_name.sql')).toMatchObject({
      state: 'applied',
      appliedVia: 'accept-checksum',
    });
    expect(t.app.audit.list({ action: 'migrations.repair.acceptChecksum' }).map((e) => e.result)).toEqual([
      'succeeded',
      'failed',
      'refused',
    ]);
    // SysNDD's table was not touched by the repair.
    expect(await query(db.name, 'SELECT COUNT(*) AS n FROM schema_version')).toEqual([{ n: 3 }]);
  });
});

describe("files applied by SysNDD's own runner, baseline, bad names", () => {
  let t: TestApp;
  let db: TestDatabase;
  let dir: string;
  let profileId: string;

  beforeAll(async () => {
    t = createTestApp();
    db = await createTestDatabase('mig_adopt');
    dir = migrationsFolder(FILES);
    profileId = (await createProfileForTestDb(t, db.name, { migrationsDir: dir })).id;
  });
  afterAll(async () => {
    await t.close();
    await db.drop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('shows rows written by SysNDD (no journal) as "applied (no checksum)" and adopts them', async () => {
    await withRoot(db.name, async (c) => {
      await c.query(SCHEMA_VERSION_DDL);
      await c.query('CREATE TABLE items (id INT PRIMARY KEY)');
      await c.query('INSERT INTO schema_version (filename, success) VALUES (?, TRUE)', ['001_create_items.sql']);
    });
    const s = await t.ok('migrations.status', { profileId });
    expect(s.files.map((f) => [f.filename, f.state])).toEqual([
      ['001_create_items.sql', 'applied-no-checksum'],
      ['002_add_name.sql', 'pending'],
      ['004_add_flag.sql', 'pending'],
    ]);
    expect(s.noChecksum).toEqual(['001_create_items.sql']);
    const v = await t.ok('migrations.validate', { profileId });
    expect(v.valid).toBe(true);
    expect(v.problems.map((p) => p.code).sort()).toEqual(['GAP', 'NO_CHECKSUM']);

    const refused = await t.call('migrations.repair.adopt', { profileId });
    expect(refused.ok ? 'ok' : refused.code).toBe('CONFIRMATION_REQUIRED');
    const r = await t.ok('migrations.repair.adopt', { profileId, confirm: true });
    expect(r.changed).toEqual(['001_create_items.sql']);
    const after = await t.ok('migrations.status', { profileId });
    expect(after.files[0]).toMatchObject({ state: 'applied', appliedVia: 'adopt' });
    // Adopting gave drift detection: an edit now shows.
    fs.appendFileSync(path.join(dir, '001_create_items.sql'), '-- edited\n');
    expect((await t.ok('migrations.status', { profileId })).drifted).toEqual(['001_create_items.sql']);
    fs.writeFileSync(path.join(dir, '001_create_items.sql'), FILES['001_create_items.sql']);
  });

  it('baseline marks files up to N applied without running them, as SysNDD rows', async () => {
    const refused = await t.call('migrations.baseline', { profileId, upTo: '002' });
    expect(refused.ok ? 'ok' : refused.code).toBe('CONFIRMATION_REQUIRED');
    if (!refused.ok) expect(refused.message).toContain('002_add_name.sql');
    const r = await t.ok('migrations.baseline', { profileId, upTo: '002', confirm: true, reason: 'restored from a dump' });
    expect(r.changed).toEqual(['002_add_name.sql']);
    expect(r.skipped).toEqual([{ filename: '001_create_items.sql', reason: 'already applied' }]);
    // Not run: the column is absent.
    expect(
      await query(
        db.name,
        "SELECT COLUMN_NAME FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'items'",
      ),
    ).toEqual([{ COLUMN_NAME: 'id' }]);
    const sv = await query<{ filename: string; success: number }>(
      db.name,
      'SELECT filename, success FROM schema_version ORDER BY filename',
    );
    expect(sv).toEqual([
      { filename: '001_create_items.sql', success: 1 },
      { filename: '002_add_name.sql', success: 1 },
    ]);
    const s = await t.ok('migrations.status', { profileId });
    expect(s.files.find((f) => f.filename === '002_add_name.sql')).toMatchObject({ state: 'applied', appliedVia: 'baseline' });
    expect(s.pending).toEqual(['004_add_flag.sql']);
    const unknown = await t.call('migrations.baseline', { profileId, upTo: '999_nope.sql', confirm: true });
    expect(unknown.ok ? 'ok' : unknown.code).toBe('NOT_FOUND');
  });

  it('reports bad names clearly and refuses to migrate while they exist; gaps only warn', async () => {
    fs.writeFileSync(path.join(dir, '5_Add Things.sql'), 'SELECT 1;\n');
    const s = await t.ok('migrations.status', { profileId });
    const bad = s.problems.find((p) => p.code === 'MIGRATION_BAD_NAME');
    expect(bad?.message).toMatch(/"5_Add Things\.sql": the prefix must be exactly three digits.*e\.g\. 005_add_things\.sql/);
    expect(s.problems.filter((p) => p.code === 'GAP').map((p) => p.severity)).toEqual(['warning']);
    const done = await waitJob(t, await t.ok('migrations.migrate', { profileId }));
    expect(done.error?.code).toBe('MIGRATION_BAD_NAME');
    fs.rmSync(path.join(dir, '5_Add Things.sql'));
    fs.writeFileSync(path.join(dir, '004_duplicate.sql'), 'SELECT 1;\n');
    const dup = await t.ok('migrations.validate', { profileId });
    expect(dup.problems.find((p) => p.code === 'DUPLICATE_PREFIX')?.message).toContain('share the prefix 004');
    fs.rmSync(path.join(dir, '004_duplicate.sql'));
    const ok = await waitJob(t, await t.ok('migrations.migrate', { profileId }));
    expect(ok.result).toMatchObject({ applied: [{ filename: '004_add_flag.sql' }] });
  });
});
