import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manifestTail } from '../../../src/main/features/backups/format/BackupFileWriter';
import { memberStatements, readManifest } from '../../../src/main/features/backups/format/index';
import type { BackupManifest, CreateBackupResult, JobSnapshot, VerifyResult } from '../../../src/shared/contract/index';
import { createTestApp, type TestApp } from '../../fixtures/app';
import {
  createProfileForTestDb,
  createTestDatabase,
  mysqlInfo,
  rootConnection,
  seqRows,
  type TestDatabase,
} from '../../fixtures/mysql';
import { cli } from './cliRun';
import { buildFixtureDb, checksums, fixtureShape, objectDefinitions, restoreWithMariadbClient } from './fixtureDb';

async function finished(t: TestApp, job: JobSnapshot): Promise<JobSnapshot> {
  const final = await t.ok('jobs.wait', { id: job.id, timeoutMs: 120_000 });
  if (final.state !== 'succeeded')
    throw new Error(`job ${job.kind} ${final.state}: ${final.error?.code} ${final.error?.message}`);
  return final;
}

/**
 * A test restore drops its `<database>__verify_` scratch schema whatever its outcome. Only this file's source
 * database is looked at: other test files verify their own backups on the same server at the same time.
 */
async function expectNoScratchSchemaLeft(database: string): Promise<void> {
  const root = await rootConnection();
  try {
    const [left] = await root.query('SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME LIKE ?', [
      `${database}__verify_%`,
    ]);
    expect(left).toEqual([]);
  } finally {
    await root.end();
  }
}

describe('backup round trip on real MariaDB', () => {
  let t: TestApp;
  let source: TestDatabase;
  let restored: TestDatabase;
  let profileId: string;
  let backupPath: string;
  let manifest: BackupManifest;

  beforeAll(async () => {
    [source, restored] = await Promise.all([createTestDatabase('bk_rt_src'), createTestDatabase('bk_rt_dst')]);
    await buildFixtureDb(source.name);
    t = createTestApp();
    profileId = (await createProfileForTestDb(t, source.name)).id;
  });

  afterAll(async () => {
    await t?.close();
    await Promise.all([source?.drop(), restored?.drop()]);
  });

  it('creates a backup as a job with row progress, and lists it with its real table count', async () => {
    const progress: number[] = [];
    const unsubscribe = t.app.events.subscribe((e) => {
      if (e.type === 'job.updated' && e.job.kind === 'backup.create') progress.push(e.job.progress.done);
    });
    const job = await t.ok('backups.create', { profileId, options: {} });
    expect(job.kind).toBe('backup.create');
    const final = await finished(t, job);
    unsubscribe();
    const result = final.result as CreateBackupResult;
    backupPath = result.path;
    expect(path.basename(backupPath)).toMatch(new RegExp(`^${source.name}_\\d{8}T\\d{6}Z\\.sql\\.gz$`));
    expect(fs.existsSync(`${backupPath}.partial`)).toBe(false);
    expect(result.tables).toBe(11);
    expect(Math.max(...progress)).toBeGreaterThan(0);

    const shown = await t.ok('backups.manifest', { path: backupPath });
    manifest = shown.manifest as BackupManifest;
    expect(manifest.counts).toEqual({
      tables: 11,
      views: 4,
      routines: 2,
      triggers: 3,
      events: 2,
      sequences: fixtureShape().sequences,
    });
    expect(manifest.schemaVersionHead).toBe('003_fix_hgnc_column_schema.sql');
    expect(manifest.source).toMatchObject({ database: source.name, charset: 'utf8mb4', consistency: 'single-snapshot' });
    // The source engine is recorded (MySQL's version string alone, "9.7.4-2", would not say it).
    expect(manifest.source.engine).toBe(mysqlInfo().engine);
    expect(manifest.warnings.join(' ')).toContain(`aria_table (${fixtureShape().nonTransactionalEngine})`);
    expect(manifest.tables.find((x) => x.name === 'every_type')?.rows).toBe(4);
    expect(manifest.tables.find((x) => x.name === 'empty_table')).toMatchObject({ rows: 0 });

    const list = await t.ok('backups.list', { profileId, refreshRemote: false });
    expect(list.entries).toHaveLength(1);
    expect(list.entries[0]).toMatchObject({
      name: path.basename(backupPath),
      location: 'local',
      tableCount: 11,
      status: 'complete',
      format: 'sysndd-admin',
      serverEngine: mysqlInfo().engine,
    });
  });

  it('restores with `gunzip < f | mariadb db` to identical CHECKSUM TABLE values and object definitions', async () => {
    await restoreWithMariadbClient(backupPath, restored.name);
    const root = await rootConnection();
    try {
      const [a, b] = [await checksums(root, source.name), await checksums(root, restored.name)];
      expect(Object.keys(a)).toHaveLength(11);
      expect(b).toEqual(a);
      // The checksums recorded inside the snapshot are the source's.
      for (const table of manifest.tables.filter((x) => x.type === 'table'))
        expect(table.checksum, table.name).toBe(a[table.name]);
      expect(await objectDefinitions(root, restored.name)).toEqual(await objectDefinitions(root, source.name));
      if (fixtureShape().sequences > 0) {
        const [seq] = await root.query(`SELECT NEXTVAL(\`${restored.name}\`.seq_ids) AS n`);
        expect((seq as Array<{ n: number }>)[0]?.n).toBeGreaterThanOrEqual(110);
      }
      // Invisible column values survive (SELECT * would not show them).
      const [inv] = await root.query(`SELECT t_invisible FROM \`${restored.name}\`.every_type ORDER BY id`);
      expect((inv as Array<{ t_invisible: number }>).map((r) => r.t_invisible)).toEqual([42, 0, null, null]);
    } finally {
      await root.end();
    }
  });

  it('writes INSERTs without the generated columns (t_virtual, t_stored) but with the invisible one', async () => {
    const members = manifest.members.filter((m) => m.kind === 'table-data' && m.table === 'every_type');
    expect(members.length).toBeGreaterThan(0);
    const inserts: string[] = [];
    for (const member of members)
      for await (const statement of memberStatements(backupPath, member))
        if (/^\s*INSERT\b/i.test(statement)) inserts.push(statement);
    expect(inserts.length).toBeGreaterThan(0);
    for (const insert of inserts) {
      const columns = /^\s*INSERT\s+INTO\s+`every_type`\s*\(([^)]*)\)\s*VALUES/i.exec(insert)?.[1];
      if (columns === undefined) throw new Error(`no column list: ${insert.slice(0, 120)}`);
      const names = columns.split(',').map((c) => c.trim());
      expect(names).toContain('`t_int`');
      expect(names).toContain('`t_invisible`');
      expect(names).not.toContain('`t_virtual`');
      expect(names).not.toContain('`t_stored`');
      // The stored column's values ('v:…') are not in the data either.
      expect(insert).not.toContain("'v:");
    }
  });

  it('verifies structure, then a test restore into a scratch schema earns the verified badge', async () => {
    const structural = await finished(t, await t.ok('backups.verify', { path: backupPath, scratchRestore: false }));
    expect(structural.result as VerifyResult).toMatchObject({ ok: true, level: 'structure', members: manifest.members.length });
    const scratch = await finished(
      t,
      await t.ok('backups.verify', { profileId, name: path.basename(backupPath), scratchRestore: true }),
    );
    const r = scratch.result as VerifyResult;
    expect(r.scratch).toMatchObject({ tablesCompared: 11, mismatches: [] });
    expect(r.scratch?.schema).toMatch(/__verify_/);
    await expectNoScratchSchemaLeft(source.name);
    const list = await t.ok('backups.list', { profileId, refreshRemote: false });
    expect(list.entries[0]?.verified).toMatchObject({ ok: true, level: 'restore' });
  });

  it('a test restore whose data differs from the manifest fails: mismatches reported, no badge, scratch dropped', async () => {
    // Same data members (hashes intact), but the manifest re-sealed with the writer's own codec so it records
    // one more row for every_type and another CHECKSUM TABLE for long_row: structurally sound, wrong content.
    const bytes = fs.readFileSync(backupPath);
    const last = manifest.members.at(-1);
    if (!last) throw new Error('no members');
    const manifestOffset = last.offset + last.length;
    const altered: BackupManifest = {
      ...manifest,
      tables: manifest.tables.map((x) =>
        x.name === 'every_type' ? { ...x, rows: x.rows + 1 } : x.name === 'long_row' ? { ...x, checksum: '12345' } : x,
      ),
    };
    const tail = await manifestTail(altered, manifestOffset);
    const name = `${source.name}_20000101T000000Z_damaged.sql.gz`;
    const damaged = path.join(path.dirname(backupPath), name);
    fs.writeFileSync(damaged, Buffer.concat([bytes.subarray(0, manifestOffset), tail]));
    // The reader accepts it: only the test restore can tell.
    expect((await readManifest(damaged)).tables.find((x) => x.name === 'every_type')?.rows).toBe(5);
    const structural = await finished(t, await t.ok('backups.verify', { path: damaged, scratchRestore: false }));
    expect(structural.result as VerifyResult).toMatchObject({ ok: true, level: 'structure' });

    const job = await t.ok('backups.verify', { profileId, name, scratchRestore: true });
    const final = await t.ok('jobs.wait', { id: job.id, timeoutMs: 120_000 });
    expect(final.state).toBe('failed');
    expect(final.error?.code).toBe('BACKUP_CORRUPT');
    expect(final.error?.message).toContain('every_type: 4 rows restored, backup has 5');
    expect(final.error?.message).toContain('long_row: CHECKSUM TABLE');
    await expectNoScratchSchemaLeft(source.name);
    const entry = (await t.ok('backups.list', { profileId, refreshRemote: false })).entries.find((e) => e.name === name);
    expect(entry?.verified).toMatchObject({ ok: false, level: 'restore' });
    expect(entry?.verified?.ok).not.toBe(true);
    fs.rmSync(damaged);
  });

  it('refuses a truncated copy: verify job fails, `backup verify` exits 1, the catalog says incomplete', async () => {
    const bytes = fs.readFileSync(backupPath);
    const dir = path.dirname(backupPath);
    const cut = path.join(dir, `${source.name}_truncated.sql.gz`);
    fs.writeFileSync(cut, bytes.subarray(0, Math.floor(bytes.length * 0.6)));
    const job = await t.ok('backups.verify', { path: cut, scratchRestore: false });
    const final = await t.ok('jobs.wait', { id: job.id, timeoutMs: 60_000 });
    expect(final.state).toBe('failed');
    expect(final.error?.code).toBe('BACKUP_INCOMPLETE');
    const list = await t.ok('backups.list', { profileId, refreshRemote: false });
    expect(list.entries.find((e) => e.name.endsWith('_truncated.sql.gz'))?.status).toBe('incomplete');

    const home = t.home;
    await t.close();
    const bad = await cli(['backup', 'verify', cut], home);
    expect(bad.code).toBe(1);
    expect(bad.err).toContain('BACKUP_INCOMPLETE');
    // A backup still being written (or left by a crash) is incomplete too.
    fs.copyFileSync(cut, `${cut}.partial`);
    const partial = await cli(['backup', 'verify', `${cut}.partial`], home);
    fs.rmSync(`${cut}.partial`);
    expect(partial.code).toBe(1);
    expect(partial.err).toContain('BACKUP_INCOMPLETE');
    // One flipped byte inside a table-data member: complete-looking, but its SHA-256 no longer matches.
    const flipped = path.join(dir, `${source.name}_flipped.sql.gz`);
    const member = manifest.members.find((m) => m.kind === 'table-data' && m.table === 'long_row');
    if (!member) throw new Error('no long_row member');
    const altered = Buffer.from(bytes);
    const at = member.offset + Math.floor(member.length / 2);
    altered[at] = (altered[at] as number) ^ 0x01;
    fs.writeFileSync(flipped, altered);
    const corrupt = await cli(['--json', 'backup', 'verify', flipped], home);
    expect(corrupt.code).toBe(1);
    expect(corrupt.json()).toMatchObject({ ok: false, code: 'BACKUP_CORRUPT' });
    fs.rmSync(flipped);
    const good = await cli(['--json', 'backup', 'verify', backupPath], home);
    expect(good.code).toBe(0);
    expect(good.json()).toMatchObject({ ok: true, format: 'sysndd-admin' });
    fs.rmSync(cut);
    t = createTestApp({ home });
  });

  it('`backup create --json --dir` prints the path and the manifest', async () => {
    const dir = path.join(t.home, 'elsewhere');
    // A CLI process has its own (memory) secret store: the target comes from --url, the password from MYSQL_PWD.
    const info = mysqlInfo();
    const url = `mysql://${info.user}@${info.host}:${info.port}/${source.name}`;
    process.env.MYSQL_PWD = info.password;
    const r = await cli(
      ['--json', 'backup', 'create', '--url', url, '--dir', dir, '--label', 'cli', '--no-checksums'],
      t.home,
    ).finally(() => {
      delete process.env.MYSQL_PWD;
    });
    if (r.code !== 0) throw new Error(`exit ${r.code}: ${r.err} ${r.out}`);
    const out = JSON.parse(r.out.trim().split('\n').at(-1) as string) as { path: string; manifest: BackupManifest };
    expect(path.dirname(out.path)).toBe(dir);
    expect(out.path).toMatch(/_cli\.sql\.gz$/);
    expect(out.manifest.counts.tables).toBe(11);
    expect(out.manifest.tables.every((x) => x.checksum === null)).toBe(true);
    // Failures in --json mode are JSON too, with the mapped exit code.
    const refused = await cli(['--json', 'backup', 'verify', path.join(dir, 'missing.sql.gz')], t.home);
    expect(refused.code).toBe(1);
    expect(JSON.parse(refused.out.trim().split('\n').at(-1) as string)).toMatchObject({ ok: false, code: 'NOT_FOUND' });
  });
});

describe('retention', () => {
  it('previews, then deletes all but the newest N, audited; needs the word DELETE', async () => {
    const db = await createTestDatabase('bk_prune');
    const t = createTestApp();
    try {
      const c = await rootConnection({ database: db.name });
      await c.query('CREATE TABLE x (id INT PRIMARY KEY)');
      await c.end();
      const profileId = (await createProfileForTestDb(t, db.name)).id;
      const made: string[] = [];
      for (let i = 0; i < 3; i++)
        made.push(
          (
            (await finished(t, await t.ok('backups.create', { profileId, options: { checksums: false } })))
              .result as CreateBackupResult
          ).name,
        );
      const preview = await t.ok('backups.prunePreview', { profileId, rule: { keepLast: 1, location: 'local' } });
      expect(preview.keep.map((f) => f.name)).toEqual([made[2]]);
      expect(preview.remove.map((f) => f.name).sort()).toEqual([made[0], made[1]].sort());
      expect((await t.ok('backups.list', { profileId, refreshRemote: false })).entries).toHaveLength(3);
      const refused = await t.call('backups.prune', { profileId, rule: { keepLast: 1, location: 'local' }, confirm: 'delete' });
      expect(refused.ok ? 'ok' : refused.code).toBe('CONFIRMATION_REQUIRED');
      const done = await t.ok('backups.prune', { profileId, rule: { keepLast: 1, location: 'local' }, confirm: 'DELETE' });
      expect(done.deleted).toHaveLength(2);
      expect((await t.ok('backups.list', { profileId, refreshRemote: false })).entries.map((e) => e.name)).toEqual([made[2]]);
      expect(t.app.audit.list({ action: 'backups.prune' }).map((a) => a.result)).toEqual(['succeeded', 'refused']);
    } finally {
      await t.close();
      await db.drop();
    }
  });
});

/** HEAVY (about 10 s): one million rows, generated server-side, dumped and restored with the plain client. */
describe('backup round trip of a 1M-row table (heavy)', () => {
  it('restores a million rows to the same CHECKSUM TABLE', async () => {
    const [src, dst] = await Promise.all([createTestDatabase('bk_big_src'), createTestDatabase('bk_big_dst')]);
    const t = createTestApp();
    try {
      const root = await rootConnection({ database: src.name });
      await root.query('CREATE TABLE big_table (id INT PRIMARY KEY, n INT, s VARCHAR(20), d DATETIME) ENGINE=InnoDB');
      await root.query(
        `INSERT INTO big_table SELECT seq, seq * 7 % 1000, CONCAT('r', seq), '2020-01-01' + INTERVAL seq SECOND FROM ${seqRows(1_000_000)}`,
      );
      const profileId = (await createProfileForTestDb(t, src.name)).id;
      const started = Date.now();
      const final = await finished(t, await t.ok('backups.create', { profileId, options: { checksums: false } }));
      const dumpMs = Date.now() - started;
      const result = final.result as CreateBackupResult;
      expect(result.rows).toBe(1_000_000);
      await restoreWithMariadbClient(result.path, dst.name);
      const [a, b] = [await checksums(root, src.name), await checksums(root, dst.name)];
      expect(b).toEqual(a);
      await root.end();
      console.log(`[bench] 1M rows: dump ${dumpMs} ms, file ${result.size} bytes`);
    } finally {
      await t.close();
      await Promise.all([src.drop(), dst.drop()]);
    }
  });
});
