import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundledMigrationsDir } from '../../../src/main/platform/paths';
import type { MigrateResult } from '../../../src/shared/contract/migrations';
import { createTestApp, type TestApp } from '../../fixtures/app';
import { createProfileForTestDb, createTestDatabase, type TestDatabase } from '../../fixtures/mysql';
import { columnType, migrationsFolder, query, waitJob, withRoot } from './helpers';

/** SysNDD's own statement, copied from its runner (docs: /work/shared/ref/sysndd.md), not from our code. */
const SYSNDD_SCHEMA_VERSION_DDL =
  'CREATE TABLE IF NOT EXISTS schema_version (filename VARCHAR(255) PRIMARY KEY, applied_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP, success BOOLEAN DEFAULT TRUE)';

const COLUMNS_SQL =
  'SELECT COLUMN_NAME, ORDINAL_POSITION, COLUMN_TYPE, IS_NULLABLE, COLUMN_DEFAULT, COLUMN_KEY, EXTRA, CHARACTER_SET_NAME, COLLATION_NAME FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION';

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
    for (const a of result.applied) expect(a.executionMs).toBeGreaterThanOrEqual(0);

    // Same table definition as SysNDD's own CREATE TABLE, run in another database on this server.
    await withRoot(reference.name, (c) => c.query(SYSNDD_SCHEMA_VERSION_DDL));
    const ours = await query<{ 'Create Table': string }>(db.name, 'SHOW CREATE TABLE schema_version');
    const theirs = await query<{ 'Create Table': string }>(reference.name, 'SHOW CREATE TABLE schema_version');
    expect(ours[0]?.['Create Table']).toContain('`filename` varchar(255)');
    expect(ours[0]?.['Create Table']).toBe(theirs[0]?.['Create Table']);
    const ourColumns = await query(db.name, COLUMNS_SQL, [db.name, 'schema_version']);
    expect(ourColumns.map((c) => c.COLUMN_NAME)).toEqual(['filename', 'applied_at', 'success']);
    expect(ourColumns).toEqual(await query(reference.name, COLUMNS_SQL, [reference.name, 'schema_version']));

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
    // Execution time is recorded per file in the journal (server time from start to record, never null).
    for (const f of after.files) expect(f.executionMs, f.filename).toBeGreaterThanOrEqual(0);
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
    expect(h002?.executionMs).toBeTypeOf('number');
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

// A schema_version table exactly as SysNDD's runner leaves it: its own CREATE TABLE, rows inserted the way
// it inserts them (filename only; success and applied_at from the column defaults), no journal of ours.
describe("a database migrated by SysNDD's own runner", () => {
  let t: TestApp;
  let db: TestDatabase;
  let profileId: string;

  beforeAll(async () => {
    t = createTestApp();
    db = await createTestDatabase('mig_sysndd_rows');
    profileId = (await createProfileForTestDb(t, db.name)).id;
  });
  afterAll(async () => {
    await t.close();
    await db.drop();
  });

  it('counts its rows as applied (no checksum), the rest as pending, and leaves the table alone', async () => {
    await withRoot(db.name, async (c) => {
      await c.query(SYSNDD_SCHEMA_VERSION_DDL);
      await c.query('INSERT INTO schema_version (filename) VALUES (?)', ['000_initialize_base_schema.sql']);
      await c.query('INSERT INTO schema_version (filename) VALUES (?)', ['002_add_genomic_annotations.sql']);
    });
    const before = await query(db.name, 'SHOW CREATE TABLE schema_version');
    const s = await t.ok('migrations.status', { profileId });
    expect(s.historyTable).toBe(true);
    expect(s.files.map((f) => [f.filename, f.state])).toEqual([
      ['000_initialize_base_schema.sql', 'applied-no-checksum'],
      ['002_add_genomic_annotations.sql', 'applied-no-checksum'],
      ['003_fix_hgnc_column_schema.sql', 'pending'],
    ]);
    expect(s.noChecksum).toEqual(['000_initialize_base_schema.sql', '002_add_genomic_annotations.sql']);
    expect(s.pending).toEqual(['003_fix_hgnc_column_schema.sql']);
    expect(s.counts).toMatchObject({ pending: 1, failed: 0, drifted: 0 });
    expect(s.files[0]?.appliedAt).not.toBeNull();
    expect(await query(db.name, 'SHOW CREATE TABLE schema_version')).toEqual(before);
  });
});

type Expected = Record<string, [type: string, nullable: 'YES' | 'NO'] | null>;
interface HgncCase {
  name: string;
  columns: string;
  row: Record<string, string>;
  expected: Expected;
  /** The row afterwards (default: `row`). */
  after?: Record<string, string>;
}

const LONG_OMIM = Array.from({ length: 30 }, (_, i) => String(600000 + i)).join('|'); // 209 characters
const HGNC_CASES: HgncCase[] = [
  {
    name: 'old name rna_central_ids: renamed to rna_central_id VARCHAR(30) NULL, omim_id widened, data kept',
    columns: 'rna_central_ids VARCHAR(10) NOT NULL, omim_id VARCHAR(10) NULL',
    row: { rna_central_ids: 'URS0000AB1', omim_id: '612345' },
    after: { rna_central_id: 'URS0000AB1', omim_id: '612345' },
    expected: { rna_central_ids: null, rna_central_id: ['varchar(30)', 'YES'], omim_id: ['varchar(100)', 'YES'] },
  },
  {
    name: 'already renamed but VARCHAR(10) NOT NULL: widened to VARCHAR(30) NULL, data kept',
    columns: 'rna_central_id VARCHAR(10) NOT NULL, omim_id VARCHAR(10) NOT NULL',
    row: { rna_central_id: 'URS0000AB1', omim_id: '612345' },
    expected: { rna_central_ids: null, rna_central_id: ['varchar(30)', 'YES'], omim_id: ['varchar(100)', 'YES'] },
  },
  {
    name: 'both rna_central_ids and rna_central_id present: no error, the new one widened, the old one untouched',
    columns: 'rna_central_ids VARCHAR(10) NULL, rna_central_id VARCHAR(10) NULL, omim_id VARCHAR(100) NULL',
    row: { rna_central_ids: 'URS0000AB1', rna_central_id: 'URS0000CD2', omim_id: '612345|612346' },
    expected: {
      rna_central_ids: ['varchar(10)', 'YES'],
      rna_central_id: ['varchar(30)', 'YES'],
      omim_id: ['varchar(100)', 'YES'],
    },
  },
  {
    name: 'omim_id already VARCHAR(255): not narrowed (nor touched)',
    columns: 'rna_central_id VARCHAR(30) NULL, omim_id VARCHAR(255) NOT NULL',
    row: { rna_central_id: 'URS000075A546_9606', omim_id: LONG_OMIM },
    expected: { rna_central_id: ['varchar(30)', 'YES'], omim_id: ['varchar(255)', 'NO'] },
  },
  {
    name: 'omim_id already TEXT: not narrowed',
    columns: 'rna_central_id VARCHAR(30) NULL, omim_id TEXT NULL',
    row: { rna_central_id: 'URS000075A546_9606', omim_id: `${LONG_OMIM}|${LONG_OMIM}` },
    expected: { rna_central_id: ['varchar(30)', 'YES'], omim_id: ['text', 'YES'] },
  },
];

// 003's guarded branches on hand-made tables (the fresh-database test only takes the rename branch).
describe('003_fix_hgnc_column_schema.sql on an existing non_alt_loci_set', () => {
  let t: TestApp;
  let dir: string;
  const dbs: TestDatabase[] = [];

  beforeAll(() => {
    t = createTestApp();
    const name = '003_fix_hgnc_column_schema.sql';
    dir = migrationsFolder({ [name]: fs.readFileSync(path.join(bundledMigrationsDir(), name), 'utf8') });
  });
  afterAll(async () => {
    await t.close();
    for (const d of dbs) await d.drop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const snapshot = async (db: string) => ({
    columns: await query(db, COLUMNS_SQL, [db, 'non_alt_loci_set']),
    rows: await query(db, 'SELECT * FROM non_alt_loci_set ORDER BY hgnc_id'),
  });

  it.each(HGNC_CASES)('$name; a second run changes nothing', async (c) => {
    const db = await createTestDatabase('mig_003');
    dbs.push(db);
    await withRoot(db.name, async (conn) => {
      await conn.query(`CREATE TABLE non_alt_loci_set (hgnc_id INT PRIMARY KEY, symbol VARCHAR(50) NOT NULL, ${c.columns})`);
      const cols = Object.keys(c.row);
      await conn.query(
        `INSERT INTO non_alt_loci_set (hgnc_id, symbol, ${cols.join(', ')}) VALUES (1, 'ARID1B', ${cols.map(() => '?').join(', ')})`,
        Object.values(c.row),
      );
    });
    const profileId = (await createProfileForTestDb(t, db.name, { migrationsDir: dir })).id;
    const run = async () => {
      const done = await waitJob(t, await t.ok('migrations.migrate', { profileId }));
      expect(done.error).toBeNull();
      expect((done.result as MigrateResult).applied.map((a) => a.filename)).toEqual(['003_fix_hgnc_column_schema.sql']);
    };
    await run();

    for (const [column, want] of Object.entries(c.expected)) {
      const got = await query<{ COLUMN_TYPE: string; IS_NULLABLE: string }>(
        db.name,
        'SELECT COLUMN_TYPE, IS_NULLABLE FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? AND COLUMN_NAME = ?',
        [db.name, 'non_alt_loci_set', column],
      );
      expect(got[0] ? [got[0].COLUMN_TYPE, got[0].IS_NULLABLE] : null, column).toEqual(want);
    }
    expect(await query(db.name, 'SELECT * FROM non_alt_loci_set')).toEqual([
      { hgnc_id: 1, symbol: 'ARID1B', ...(c.after ?? c.row) },
    ]);

    // Run the file again (SysNDD re-runs a file whose row is missing): a no-op on schema and data.
    const first = await snapshot(db.name);
    await withRoot(db.name, (conn) => conn.query('DELETE FROM schema_version'));
    await run();
    expect(await snapshot(db.name)).toEqual(first);
  });
});
