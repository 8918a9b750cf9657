import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../../src/main/doors/cli/program';
import { createTestApp, type TestApp } from '../../fixtures/app';
import { createProfileForTestDb, createTestDatabase, mysqlInfo, rootConnection, type TestDatabase } from '../../fixtures/mysql';
import { gzipFile, jobErrors, mariadbDump, preflightWhenLockFree, restoreAndWait, sideSchemas, snapshot } from './restoreHelpers';

/**
 * Refusals: a missing or wrong confirmation, a damaged file, a file naming several databases, an account
 * without the privileges, a migration in progress. Each must be refused before the first write: the live
 * database stays byte-for-byte the same, no side schema appears and no pre-restore backup is written.
 */
describe('restore refusals', () => {
  let t: TestApp;
  let live: TestDatabase;
  let other: TestDatabase;
  let profileId: string;
  let good: string;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rs-safe-'));

  beforeAll(async () => {
    t = createTestApp();
    live = await createTestDatabase('rs_safe');
    other = await createTestDatabase('rs_safe_other');
    const c = await rootConnection({ database: live.name });
    await c.query('CREATE TABLE gene (id INT PRIMARY KEY, symbol VARCHAR(20), payload BLOB)');
    await c.query("INSERT INTO gene VALUES (1, 'ARID1B', 0x00ff), (2, 'ANKRD11', NULL), (3, 'SCN2A', 'x')");
    await c.query('CREATE TRIGGER gene_bi BEFORE INSERT ON gene FOR EACH ROW SET NEW.symbol = UPPER(NEW.symbol)');
    await c.query(`CREATE TABLE \`${other.name}\`.t (x INT)`);
    await c.query(`INSERT INTO \`${other.name}\`.t VALUES (7)`);
    await c.end();
    profileId = (await createProfileForTestDb(t, live.name, { localBackupDir: path.join(dir, 'backups') })).id;
    good = await mariadbDump(live.name, path.join(dir, 'good.sql'));
  });

  afterAll(async () => {
    await t?.close();
    await live?.drop();
    await other?.drop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** The live database, its side schemas and the backup folder are exactly as before. */
  async function untouched(before: Awaited<ReturnType<typeof snapshot>>): Promise<void> {
    expect(await snapshot(live.name)).toEqual(before);
    expect(await sideSchemas(live.name)).toEqual([]);
    expect(fs.existsSync(path.join(dir, 'backups')) ? fs.readdirSync(path.join(dir, 'backups')) : []).toEqual([]);
  }

  it('refuses a missing or wrong confirmation with CONFIRMATION_REQUIRED and starts nothing', async () => {
    const before = await snapshot(live.name);
    const jobsBefore = (await t.ok('jobs.list', { kind: 'restore', limit: 1000 })).length;
    for (const confirm of [undefined, 'restore', 'RESTORE ', ' RESTORE', 'Restore', 'yes', 1, true, null, { RESTORE: true }]) {
      const r = await t.call('restore.start', { profileId, file: good, ...(confirm === undefined ? {} : { confirm }) });
      expect(r.ok ? 'ok' : r.code, JSON.stringify(confirm)).toBe('CONFIRMATION_REQUIRED');
    }
    expect((await t.call('restore.rollback', { restoreId: 'x', confirm: 'ROLLBACK' })).ok).toBe(false);
    expect((await t.ok('jobs.list', { kind: 'restore', limit: 1000 })).length).toBe(jobsBefore);
    const refused = (await t.ok('audit.list', { action: 'restore.start' })).filter((a) => a.result === 'refused');
    expect(refused.length).toBeGreaterThanOrEqual(10);
    await untouched(before);
  });

  it('CLI without --confirm RESTORE exits 3 and touches nothing', async () => {
    const before = await snapshot(live.name);
    const home = fs.mkdtempSync(path.join(dir, 'home-'));
    process.env.SYSNDD_ADMIN_HOME = home;
    process.env.SYSNDD_ADMIN_SECRETS = 'memory';
    process.env.MYSQL_PWD = mysqlInfo().password;
    const out = new PassThrough();
    const err = new PassThrough();
    let stderr = '';
    err.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    const info = mysqlInfo();
    const url = `mysql://${info.user}@${info.host}:${info.port}/${live.name}`;
    expect(await runCli(['restore', good, '--url', url], { stdout: out, stderr: err })).toBe(3);
    expect(await runCli(['restore', good, '--url', url, '--confirm', 'restore'], { stdout: out, stderr: err })).toBe(3);
    expect(stderr).toContain('CONFIRMATION_REQUIRED');
    await untouched(before);
  });

  it('refuses truncated or corrupted files before any write', async () => {
    const before = await snapshot(live.name);
    const text = fs.readFileSync(good);
    const gz = fs.readFileSync(gzipFile(good, path.join(dir, 'good.sql.gz')));
    const cutGz = path.join(dir, 'cut.sql.gz');
    fs.writeFileSync(cutGz, gz.subarray(0, Math.floor(gz.length * 0.6)));
    const badGz = path.join(dir, 'bad.sql.gz');
    const flipped = Buffer.from(gz);
    flipped[Math.floor(flipped.length / 2)] = (flipped[Math.floor(flipped.length / 2)] as number) ^ 0xff;
    fs.writeFileSync(badGz, flipped);
    const midStatement = path.join(dir, 'mid.sql');
    fs.writeFileSync(midStatement, text.subarray(0, text.indexOf(Buffer.from("'ANKRD11'")) + 4));
    const atBoundary = path.join(dir, 'boundary.sql');
    fs.writeFileSync(atBoundary, text.subarray(0, text.indexOf(Buffer.from('UNLOCK TABLES;')) + 'UNLOCK TABLES;'.length + 1));
    for (const file of [cutGz, badGz, midStatement, atBoundary]) {
      const job = await restoreAndWait(t, { profileId, file });
      expect(job.state, file).toBe('failed');
      expect(job.error?.code, file).toBe('RESTORE_PREFLIGHT_FAILED');
      expect(await jobErrors(t, job), file).toMatch(/Incomplete|Corrupt|cut short|damaged|Dump completed/);
    }
    // A file cut mid-statement stays refused even when a missing trailer is accepted.
    const job = await restoreAndWait(t, { profileId, file: midStatement, options: { allowMissingCompletionMarker: true } });
    expect(job.error?.code).toBe('RESTORE_PREFLIGHT_FAILED');
    // Each refused attempt is in the audit log: who, profile, file, result.
    const audited = (await t.ok('audit.list', { action: 'restore.start', profileId })).filter((a) => a.result === 'refused');
    for (const file of [cutGz, badGz, midStatement, atBoundary])
      expect(
        audited.some((a) => a.actor === t.app.actor.get().actor && a.target?.endsWith(file)),
        file,
      ).toBe(true);
    await untouched(before);
  });

  it('refuses a damaged backup of ours (cut short, or an altered member)', async () => {
    const backup = await t.app.backups.createBackup(profileId, { dir: path.join(dir, 'ours') }, {});
    const bytes = fs.readFileSync(backup.path);
    const cut = path.join(dir, 'ours-cut.sql.gz');
    fs.writeFileSync(cut, bytes.subarray(0, bytes.length - 40));
    const altered = path.join(dir, 'ours-altered.sql.gz');
    const copy = Buffer.from(bytes);
    const member = backup.manifest.members.find((m) => m.kind === 'table-data');
    const at = (member?.offset ?? 0) + 20;
    copy[at] = (copy[at] as number) ^ 0x01;
    fs.writeFileSync(altered, copy);
    const before = await snapshot(live.name);
    for (const file of [cut, altered]) {
      const report = await preflightWhenLockFree(t, { profileId, file });
      expect(report.ok, file).toBe(false);
      expect(report.file.complete).toBe(false);
      const job = await restoreAndWait(t, { profileId, file });
      expect(job.error?.code, file).toBe('RESTORE_PREFLIGHT_FAILED');
    }
    await untouched(before);
  });

  it('refuses a dump of several databases', async () => {
    const file = await mariadbDump(live.name, path.join(dir, 'two.sql'), ['--databases', other.name]);
    const before = await snapshot(live.name);
    // Started directly, the dump is only quick-checked: the second database shows while loading, and is
    // refused before the pre-restore backup and the swap.
    const direct = await restoreAndWait(t, { profileId, file });
    expect(direct.error?.code).toBe('RESTORE_PREFLIGHT_FAILED');
    expect(direct.error?.message).toMatch(/one database per file/);
    await untouched(before);
    const report = await preflightWhenLockFree(t, { profileId, file });
    expect(report.checks.find((c) => c.id === 'databases')?.status).toBe('fail');
    const job = await restoreAndWait(t, { profileId, file });
    expect(job.error?.code).toBe('RESTORE_PREFLIGHT_FAILED');
    await untouched(before);
  });

  it('refuses statements that could reach beyond the shadow schema, before they run', async () => {
    const otherBefore = await snapshot(other.name);
    const base = fs.readFileSync(good, 'latin1');
    // [name, statement, refused by the preflight's statement check]. A qualified DROP TABLE is pointed at
    // the shadow schema (the file's only database then is `other`), so it fails there, touching nothing.
    const hostile: Array<[string, string, boolean]> = [
      ['delete', `DELETE FROM \`${other.name}\`.t;\n`, true],
      ['drop-db', `DROP DATABASE \`${other.name}\`;\n`, true],
      ['drop-qualified', `DROP TABLE \`${other.name}\`.t;\n`, false],
      ['unquoted', `DROP TABLE IF EXISTS ${live.name}.gene;\n`, false],
      ['set-statement', `SET STATEMENT max_statement_time=5 FOR DELETE FROM \`${live.name}\`.gene;\n`, true],
    ];
    for (const [name, statement, byStatementCheck] of hostile) {
      // Right after the first CREATE TABLE, so earlier statements have already run in the shadow schema.
      const at = base.indexOf(';', base.indexOf('CREATE TABLE')) + 2;
      const file = path.join(dir, `hostile-${name}.sql`);
      fs.writeFileSync(file, base.slice(0, at) + statement + base.slice(at), 'latin1');
      const before = await snapshot(live.name);
      const direct = await restoreAndWait(t, { profileId, file });
      expect(['RESTORE_PREFLIGHT_FAILED', 'RESTORE_STATEMENT_REFUSED', 'RESTORE_FAILED'], name).toContain(direct.error?.code);
      await untouched(before);
      expect(await snapshot(other.name), name).toEqual(otherBefore);
      if (byStatementCheck) {
        const report = await preflightWhenLockFree(t, { profileId, file });
        expect(report.checks.find((c) => c.id === 'statements')?.status, name).toBe('fail');
      }
    }
  });

  it('refuses while a migration holds the lock, and names the holder', async () => {
    const holder = await rootConnection();
    try {
      // Other test files on the same server may hold the server-wide lock for a moment: wait for it.
      const [got] = await holder.query("SELECT GET_LOCK('sysndd_migration', 300) AS got");
      expect(got).toEqual([{ got: 1 }]);
      const before = await snapshot(live.name);
      const report = await t.ok('restore.preflight', { profileId, file: good });
      expect(report.checks.find((c) => c.id === 'migration-lock')).toMatchObject({
        status: 'fail',
        message: expect.stringMatching(/connection \d+/),
      });
      // lockTimeoutSeconds 0: refused at once instead of waiting for the holder to finish.
      const job = await restoreAndWait(t, { profileId, file: good, options: { lockTimeoutSeconds: 0 } });
      expect(job.error?.code).toBe('RESTORE_PREFLIGHT_FAILED');
      expect(job.error?.message).toContain(`connection ${holder.threadId}`);
      await untouched(before);
    } finally {
      await holder.end();
    }
  });

  it('reports missing privileges and DEFINERs it may not keep', async () => {
    const c = await rootConnection();
    const user = `rs_low_${Date.now() % 100000}`;
    await c.query(`CREATE USER '${user}'@'%' IDENTIFIED BY 'pw-low-123'`);
    await c.query(`GRANT SELECT, INSERT, CREATE, DROP, ALTER ON \`${live.name}\`.* TO '${user}'@'%'`);
    try {
      const low = await createProfileForTestDb(t, live.name, {
        name: 'low privileges',
        mysql: { user },
        secrets: { 'mysql.password': 'pw-low-123' },
      });
      const report = await preflightWhenLockFree(t, { profileId: low.id, file: good });
      expect(report.ok).toBe(false);
      const privileges = report.checks.find((c) => c.id === 'privileges');
      expect(privileges?.status).toBe('fail');
      expect(privileges?.message).toContain('TRIGGER on');
      expect(privileges?.message).toContain(`CREATE on ${live.name}__restore_*`);
      expect(report.checks.find((x) => x.id === 'definer')?.status).toBe('fail');
      const stripped = await preflightWhenLockFree(t, { profileId: low.id, file: good, options: { definer: 'strip' } });
      expect(stripped.checks.find((x) => x.id === 'definer')?.status).not.toBe('fail');
    } finally {
      await c.query(`DROP USER '${user}'@'%'`);
      await c.end();
    }
  });
});
