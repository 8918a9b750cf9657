import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundledMigrationsDir } from '../../../src/main/app/paths';
import { SCHEMA_VERSION_DDL } from '../../../src/main/migrations/HistoryStore';
import type { MigrateResult } from '../../../src/shared/contract/migrations';
import { createTestApp, type TestApp } from '../../fixtures/app';
import { createProfileForTestDb, createTestDatabase, type TestDatabase } from '../../fixtures/mysql';
import { columnType, query, waitJob, withRoot } from './helpers';

// The bundled migrations on a fresh database, the way SysNDD would see the result.
describe('bundled migrations on a fresh database', () => {
  let t: TestApp;
  let db: TestDatabase;
  let reference: TestDatabase;
  let profileId: string;

  beforeAll(async () => {
    t = createTestApp();
    db = await createTestDatabase('mig_bundled');
    reference = await createTestDatabase('mig_reference');
    profileId = (await createProfileForTestDb(t, db.name)).id;
  });
  afterAll(async () => {
    await t.close();
    await db.drop();
    await reference.drop();
  });

  it('applies 000, 002 and 003 and writes schema_version rows exactly as SysNDD does', async () => {
    const before = await t.ok('migrations.status', { profileId });
    expect(before.historyTable).toBe(false);
    expect(before.pending).toEqual([
      '000_initialize_base_schema.sql',
      '002_add_genomic_annotations.sql',
      '003_fix_hgnc_column_schema.sql',
    ]);
    expect(before.problems.map((p) => p.code)).toEqual(['GAP']);

    const job = await t.ok('migrations.migrate', { profileId });
    expect(job.kind).toBe('migrate');
    const done = await waitJob(t, job);
    expect(done.error).toBeNull();
    expect(done.state).toBe('succeeded');
    const result = done.result as MigrateResult;
    expect(result.applied.map((a) => a.filename)).toEqual(before.pending);
    expect(result.fastPath).toBe(false);

    // Same table definition as SysNDD's own CREATE TABLE on this server.
    await withRoot(reference.name, (c) => c.query(SCHEMA_VERSION_DDL));
    const ours = await query<{ 'Create Table': string }>(db.name, 'SHOW CREATE TABLE schema_version');
    const theirs = await query<{ 'Create Table': string }>(reference.name, 'SHOW CREATE TABLE schema_version');
    expect(ours[0]?.['Create Table']).toBe(theirs[0]?.['Create Table']);

    const rows = await query<{ filename: string; success: number; age: number }>(
      db.name,
      'SELECT filename, success, TIMESTAMPDIFF(SECOND, applied_at, NOW()) AS age FROM schema_version ORDER BY filename',
    );
    expect(rows.map((r) => [r.filename, r.success])).toEqual(before.pending.map((f) => [f, 1]));
    for (const r of rows) expect(Math.abs(Number(r.age))).toBeLessThan(120);

    // The schema SysNDD v9.0 expects.
    expect(await columnType(db.name, 'non_alt_loci_set', 'gnomad_constraints')).toBe('text');
    expect(await columnType(db.name, 'non_alt_loci_set', 'alphafold_id')).toBe('varchar(100)');
    expect(await columnType(db.name, 'non_alt_loci_set', 'rna_central_id')).toBe('varchar(30)');
    expect(await columnType(db.name, 'non_alt_loci_set', 'rna_central_ids')).toBeNull();
    expect(await columnType(db.name, 'non_alt_loci_set', 'omim_id')).toBe('varchar(100)');
    const procs = await query(
      db.name,
      "SELECT ROUTINE_NAME FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = ? AND ROUTINE_NAME LIKE 'migrate_%'",
      [db.name],
    );
    expect(procs).toEqual([]);

    const after = await t.ok('migrations.status', { profileId });
    expect(after.upToDate).toBe(true);
    expect(after.files.map((f) => f.state)).toEqual(['applied', 'applied', 'applied']);
    expect(after.files.every((f) => f.appliedChecksum === f.checksum && f.appliedVia === 'apply')).toBe(true);
    expect(after.counts).toMatchObject({ applied: 3, pending: 0, failed: 0, drifted: 0 });
  });

  it('journals every statement as committed, with checksum, user and tool', async () => {
    const history = await t.ok('migrations.history', { profileId, limit: 10 });
    expect(history.map((h) => h.filename).sort()).toEqual([
      '000_initialize_base_schema.sql',
      '002_add_genomic_annotations.sql',
      '003_fix_hgnc_column_schema.sql',
    ]);
    const h002 = history.find((h) => h.filename === '002_add_genomic_annotations.sql');
    expect(h002?.statementTotal).toBe(4);
    expect(h002?.committed).toEqual([1, 2, 3, 4]);
    expect(h002?.summary).toBe('all 4 statements committed');
    expect(h002?.appliedBy).toMatch(/^sysndd_test@/);
    expect(h002?.tool).toMatch(/^sysndd-admin \d/);
    expect(h002?.statements.map((s) => s.state)).toEqual(['committed', 'committed', 'committed', 'committed']);
  });

  it('takes the fast path on a second run: nothing applied, no lock taken', async () => {
    const done = await waitJob(t, await t.ok('migrations.migrate', { profileId }));
    expect(done.state).toBe('succeeded');
    expect(done.result).toMatchObject({ fastPath: true, applied: [], upToDate: true });
    const count = await query<{ n: number }>(db.name, 'SELECT COUNT(*) AS n FROM schema_version_journal');
    expect(Number(count[0]?.n)).toBe(3);
  });

  it('every bundled file is safe to run twice (re-run after forgetting schema_version)', async () => {
    const schemaBefore = await query(
      db.name,
      'SELECT TABLE_NAME, COLUMN_NAME, COLUMN_TYPE FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? ORDER BY 1, 2',
      [db.name],
    );
    await withRoot(db.name, (c) => c.query('DELETE FROM schema_version'));
    const done = await waitJob(t, await t.ok('migrations.migrate', { profileId, migrationsDir: bundledMigrationsDir() }));
    expect(done.error).toBeNull();
    expect((done.result as MigrateResult).applied).toHaveLength(3);
    const schemaAfter = await query(
      db.name,
      'SELECT TABLE_NAME, COLUMN_NAME, COLUMN_TYPE FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? ORDER BY 1, 2',
      [db.name],
    );
    expect(schemaAfter).toEqual(schemaBefore);
    const seeds = await query<{ n: number }>(db.name, 'SELECT COUNT(*) AS n FROM mode_of_inheritance_list');
    expect(Number(seeds[0]?.n)).toBe(9);
  });
});
