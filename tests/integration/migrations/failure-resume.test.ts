import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MigrationAttempt } from '../../../src/shared/contract/migrations';
import { createTestApp, type TestApp } from '../../fixtures/app';
import { createProfileForTestDb, createTestDatabase, type TestDatabase } from '../../fixtures/mysql';
import { columnType, migrationsFolder, query, waitJob } from './helpers';

const FIVE_BROKEN = `-- five statements; the third names a column that does not exist
CREATE TABLE gene (id INT PRIMARY KEY, symbol VARCHAR(20));
INSERT INTO gene VALUES (1, 'ARID1B'), (2, 'SCN1A');
ALTER TABLE gene ADD INDEX idx_name (no_such_column);
ALTER TABLE gene ADD COLUMN note VARCHAR(50) NULL;
UPDATE gene SET note = 'ok';
`;
const FIVE_FIXED = FIVE_BROKEN.replace('(no_such_column)', '(symbol)');

describe('a migration that fails at statement 3 of 5', () => {
  let t: TestApp;
  let db: TestDatabase;
  let dir: string;
  let profileId: string;

  beforeAll(async () => {
    t = createTestApp();
    db = await createTestDatabase('mig_fail');
    dir = migrationsFolder({ '001_create_gene.sql': FIVE_BROKEN, '002_later.sql': 'CREATE TABLE later (id INT);\n' });
    profileId = (await createProfileForTestDb(t, db.name, { migrationsDir: dir })).id;
  });
  afterAll(async () => {
    await t.close();
    await db.drop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('stops, says exactly what is committed, and records no schema_version row', async () => {
    const done = await waitJob(t, await t.ok('migrations.migrate', { profileId }));
    expect(done.state).toBe('failed');
    expect(done.error?.code).toBe('MIGRATION_FAILED');
    expect(done.error?.message).toMatch(
      /^001_create_gene\.sql: statements 1–2 of 5 committed; statement 3 \(line 4\) failed: ER_KEY_COLUMN_DOES_NOT_EXI\w* \(1072\) Key column 'no_such_column'/,
    );
    expect(done.error?.message).toContain('repair resume 001_create_gene.sql --from 3');

    const rows = await query(db.name, 'SELECT filename FROM schema_version');
    expect(rows).toEqual([]);
    // Statements 1 and 2 really are in the database (DDL committed them).
    expect(await query(db.name, 'SELECT id FROM gene ORDER BY id')).toEqual([{ id: 1 }, { id: 2 }]);

    const status = await t.ok('migrations.status', { profileId });
    const f = status.files.find((x) => x.filename === '001_create_gene.sql');
    expect(f?.state).toBe('failed');
    const a = f?.lastAttempt as MigrationAttempt;
    expect(a.committed).toEqual([1, 2]);
    expect(a.failedStatement).toBe(3);
    expect(a.resumeFrom).toBe(3);
    expect(a.statements.map((s) => s.state)).toEqual(['committed', 'committed', 'failed']);
    expect(a.statements[2]?.errorMessage).toMatch(/no_such_column/);
    expect(status.failed).toEqual(['001_create_gene.sql']);
    expect(status.pending).toEqual(['001_create_gene.sql', '002_later.sql']);
  });

  it('refuses a plain re-run of the half-applied file (exit-3 class error naming the choices)', async () => {
    const done = await waitJob(t, await t.ok('migrations.migrate', { profileId }));
    expect(done.error?.code).toBe('PRECONDITION_FAILED');
    expect(done.error?.message).toMatch(
      /half-applied .*statements 1–2 of 5 committed.*repair resume 001_create_gene\.sql --from 3/,
    );
  });

  it('dry run starts the failed file at statement 3 and flags implicit commits', async () => {
    const plan = await t.ok('migrations.dryRun', { profileId });
    const f = plan.files[0];
    expect(f?.filename).toBe('001_create_gene.sql');
    expect(f?.fromStatement).toBe(3);
    expect(f?.statements.map((s) => s.behaviour)).toEqual([
      'implicit-commit',
      'transactional',
      'implicit-commit',
      'implicit-commit',
      'transactional',
    ]);
  });

  it('resume needs confirmation, then continues from statement 3 after the file is fixed', async () => {
    fs.writeFileSync(path.join(dir, '001_create_gene.sql'), FIVE_FIXED);
    const refused = await t.call('migrations.repair.resume', { profileId, filename: '001_create_gene.sql' });
    expect(refused.ok).toBe(false);
    if (!refused.ok) {
      expect(refused.code).toBe('CONFIRMATION_REQUIRED');
      expect(refused.message).toContain('Resuming 001_create_gene.sql from statement 3 runs statements 3–5 of 5');
    }
    const job = await t.ok('migrations.repair.resume', {
      profileId,
      filename: '001_create_gene.sql',
      confirm: true,
      reason: 'index column fixed',
    });
    const done = await waitJob(t, job);
    expect(done.error).toBeNull();
    expect(await columnType(db.name, 'gene', 'note')).toBe('varchar(50)');
    expect(await query(db.name, 'SELECT note FROM gene ORDER BY id')).toEqual([{ note: 'ok' }, { note: 'ok' }]);
    const sv = await query<{ filename: string; success: number }>(db.name, 'SELECT filename, success FROM schema_version');
    expect(sv).toEqual([{ filename: '001_create_gene.sql', success: 1 }]);

    const status = await t.ok('migrations.status', { profileId });
    expect(status.files.find((x) => x.filename === '001_create_gene.sql')).toMatchObject({
      state: 'applied',
      appliedVia: 'resume',
    });
    const history = await t.ok('migrations.history', { profileId, filename: '001_create_gene.sql', limit: 10 });
    expect(history.map((h) => [h.action, h.state, h.summary])).toEqual([
      ['resume', 'succeeded', 'statements 3–5 of 5 committed (resumed from 3)'],
      ['apply', 'failed', expect.stringMatching(/^statements 1–2 of 5 committed; statement 3 \(line 4\) failed/)],
    ]);
    const audit = t.app.audit.list({ action: 'migrations.repair.resume' });
    expect(audit.map((e) => e.result)).toEqual(['succeeded', 'refused']);
    expect(audit[0]?.target).toBe(`${status.database}: 001_create_gene.sql`);
  });

  it('then applies the rest normally', async () => {
    const done = await waitJob(t, await t.ok('migrations.migrate', { profileId }));
    expect(done.result).toMatchObject({ applied: [{ filename: '002_later.sql', statements: 1 }] });
  });
});

describe('transactions inside a migration, mark-applied', () => {
  let t: TestApp;
  let db: TestDatabase;
  let dir: string;
  let profileId: string;

  beforeAll(async () => {
    t = createTestApp();
    db = await createTestDatabase('mig_tx');
    dir = migrationsFolder({
      '001_table.sql': 'CREATE TABLE t (id INT PRIMARY KEY) ENGINE=InnoDB;\n',
      '002_tx.sql':
        'START TRANSACTION;\nINSERT INTO t VALUES (1);\nINSERT INTO t VALUES (2);\nINSERT INTO t VALUES (1);\nCOMMIT;\n',
      '003_manual.sql': 'ALTER TABLE t ADD COLUMN x INT;\nALTER TABLE t ADD COLUMN x INT;\n',
    });
    profileId = (await createProfileForTestDb(t, db.name, { migrationsDir: dir })).id;
  });
  afterAll(async () => {
    await t.close();
    await db.drop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('journals statements inside a failed transaction as rolled back, not committed', async () => {
    const done = await waitJob(t, await t.ok('migrations.migrate', { profileId }));
    expect(done.error?.message).toMatch(
      /^002_tx\.sql: statement 1 of 5 committed; 2–3 rolled back; statement 4 \(line 4\) failed: ER_DUP_ENTRY/,
    );
    expect(await query(db.name, 'SELECT * FROM t')).toEqual([]);
    const s = await t.ok('migrations.status', { profileId });
    expect(s.files.find((f) => f.filename === '002_tx.sql')?.lastAttempt?.statements.map((x) => x.state)).toEqual([
      'committed',
      'rolled-back',
      'rolled-back',
      'failed',
    ]);
  });

  it('mark-applied records a file without running it, confirmed and audited', async () => {
    const refused = await t.call('migrations.repair.markApplied', {
      profileId,
      filename: '002_tx.sql',
      reason: 'rows loaded by hand',
    });
    expect(refused.ok ? 'ok' : refused.code).toBe('CONFIRMATION_REQUIRED');
    const r = await t.ok('migrations.repair.markApplied', {
      profileId,
      filename: '002_tx.sql',
      reason: 'rows loaded by hand',
      confirm: true,
    });
    expect(r.changed).toEqual(['002_tx.sql']);
    const s = await t.ok('migrations.status', { profileId });
    expect(s.files.find((f) => f.filename === '002_tx.sql')).toMatchObject({ state: 'applied', appliedVia: 'mark-applied' });
    expect(await query(db.name, 'SELECT * FROM t')).toEqual([]);
    const again = await t.call('migrations.repair.markApplied', {
      profileId,
      filename: '002_tx.sql',
      reason: 'x',
      confirm: true,
    });
    expect(again.ok ? 'ok' : again.code).toBe('PRECONDITION_FAILED');
    expect(t.app.audit.list({ action: 'migrations.repair.markApplied' }).map((e) => e.result)).toEqual([
      'failed',
      'succeeded',
      'refused',
    ]);
  });

  it('resume --from past the last statement only records the file', async () => {
    const failed = await waitJob(t, await t.ok('migrations.migrate', { profileId }));
    expect(failed.error?.message).toMatch(
      /^003_manual\.sql: statement 1 of 2 committed; statement 2 \(line 2\) failed: ER_DUP_FIELDNAME/,
    );
    const bad = await t.call('migrations.repair.resume', {
      profileId,
      filename: '003_manual.sql',
      fromStatement: 9,
      confirm: true,
    });
    expect(bad.ok ? 'ok' : bad.code).toBe('INVALID_ARGUMENT');
    const done = await waitJob(
      t,
      await t.ok('migrations.repair.resume', { profileId, filename: '003_manual.sql', fromStatement: 3, confirm: true }),
    );
    expect(done.error).toBeNull();
    const s = await t.ok('migrations.status', { profileId });
    expect(s.upToDate).toBe(true);
  });
});
