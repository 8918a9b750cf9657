import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import type mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/main/doors/cli/program';
import { MariaDbServer } from '../../src/main/features/sandbox/MariaDbServer';
import { findMySqlBinaries } from '../../src/main/features/sandbox/mysqlBinaries';
import { type BackupList, type JobSnapshot, SandboxStartResult, SandboxStatus } from '../../src/shared/contract/index';
import { createTestApp, type TestApp } from '../fixtures/app';

/**
 * The MySQL sandbox for real: Oracle MySQL from the fixture's debootstrapped root (scripts/pretest.mjs) or
 * SYSNDD_ADMIN_MYSQLD_BIN, started through `sandbox.start {engine: 'mysql'}`, then migrations and a backup
 * through the product like on any other profile, and the default engine taken from a profile's server.
 */
const hasMySql = findMySqlBinaries() !== null;
// mysqld --initialize takes 3–10 s alone and 45 s was measured at load average 20 on the shared 2-core machine.
const MYSQL_CASE_MS = 300_000;

describe.skipIf(!hasMySql)('local MySQL sandbox (real mysqld from the MySQL fixture)', () => {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'sysndd-sandbox-mysql-'));
  const resources = fs.mkdtempSync(path.join(os.tmpdir(), 'sysndd-resources-mysql-'));
  const savedResources = process.env.SYSNDD_ADMIN_RESOURCES;
  let t: TestApp;

  beforeAll(() => {
    // A bundled migration in SysNDD production's dialect: the 0900 collation and a stored generated column.
    fs.mkdirSync(path.join(resources, 'migrations'));
    fs.writeFileSync(
      path.join(resources, 'migrations', '000_base.sql'),
      'CREATE TABLE IF NOT EXISTS gene (hgnc_id VARCHAR(10) NOT NULL PRIMARY KEY, symbol VARCHAR(50) COLLATE utf8mb4_0900_ai_ci, ' +
        'symbol_upper VARCHAR(50) AS (UPPER(symbol)) STORED) DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_0900_ai_ci;\n',
    );
    process.env.SYSNDD_ADMIN_RESOURCES = resources;
    t = createTestApp({ home });
  });

  afterAll(async () => {
    try {
      await t?.close();
    } finally {
      // Whatever a failed assertion left running must not outlive the test run.
      await new MariaDbServer({ baseDir: path.join(home, 'sandbox-mysql'), rootPassword: '' }).stop(2_000);
      if (savedResources === undefined) delete process.env.SYSNDD_ADMIN_RESOURCES;
      else process.env.SYSNDD_ADMIN_RESOURCES = savedResources;
      for (const dir of [home, resources]) fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  async function waitJob(id: string): Promise<JobSnapshot> {
    const job = await t.ok('jobs.wait', { id, timeoutMs: 110_000 });
    if (job.state !== 'succeeded') throw new Error(`job ${job.kind} ${job.state}: ${job.error?.code} ${job.error?.message}`);
    return job;
  }

  async function query(profileId: string, sql: string): Promise<mysql.RowDataPacket[]> {
    return t.app.connections.withConnection(profileId, async (conn) => (await conn.query<mysql.RowDataPacket[]>(sql))[0]);
  }

  it(
    'starts MySQL with its own profile, applies migrations and takes a backup that records the engine',
    async () => {
      const job = await waitJob((await t.ok('sandbox.start', { engine: 'mysql' })).id);
      const result = SandboxStartResult.parse(job.result);
      expect(result).toMatchObject({ engine: 'mysql', initialized: true, database: 'sysndd' });
      const profile = await t.ok('profiles.get', { id: result.profileId });
      expect(profile).toMatchObject({ name: 'Local MySQL sandbox', environment: 'development', secrets: [] });
      expect(fs.statSync(path.join(home, 'sandbox-mysql', 'credentials.json')).mode & 0o777).toBe(0o600);

      const status = await t.ok('sandbox.status', {});
      expect(status).toMatchObject({
        engine: 'mysql',
        running: true,
        port: result.port,
        dataDir: path.join(home, 'sandbox-mysql'),
      });
      expect(status.engines.find((e) => e.engine === 'mysql')).toMatchObject({ available: true, running: true });
      expect(await t.ok('sandbox.status', { engine: 'mariadb' })).toMatchObject({
        engine: 'mariadb',
        running: false,
        profileId: null,
      });

      // Oracle MySQL, as the sandbox user over TCP (caching_sha2_password), the database in the 0900 collation.
      const [facts] = await query(result.profileId, 'SELECT VERSION() AS v, @@version_comment AS c, @@collation_database AS co');
      expect(String(facts?.c)).not.toMatch(/mariadb/i);
      expect(facts?.co).toBe('utf8mb4_0900_ai_ci');
      const applied = await query(result.profileId, 'SELECT filename, success FROM schema_version');
      expect(applied.map((r) => [r.filename, Number(r.success)])).toEqual([['000_base.sql', 1]]);

      // A later migration through the migrations capability, like on any profile.
      fs.writeFileSync(
        path.join(resources, 'migrations', '001_gene_note.sql'),
        "ALTER TABLE gene ADD COLUMN note VARCHAR(20) DEFAULT (CONCAT('n-', 1));\nINSERT INTO gene (hgnc_id, symbol) VALUES ('HGNC:1', 'mecp2');\n",
      );
      await waitJob((await t.ok('migrations.migrate', { profileId: result.profileId, lockTimeoutSeconds: 10 })).id);
      const [gene] = await query(result.profileId, "SELECT symbol_upper, note FROM gene WHERE hgnc_id = 'HGNC:1'");
      expect(gene).toMatchObject({ symbol_upper: 'MECP2', note: 'n-1' });

      const backupJob = await waitJob((await t.ok('backups.create', { profileId: result.profileId })).id);
      expect(backupJob.kind).toBe('backup.create');
      const list: BackupList = await t.ok('backups.list', { profileId: result.profileId, refreshRemote: false });
      expect(list.entries).toHaveLength(1);
      expect(list.entries[0]).toMatchObject({ status: 'complete', serverEngine: 'mysql', database: 'sysndd' });
    },
    MYSQL_CASE_MS,
  );

  it('takes the default engine from the profile the user works with: its newest backup, else its server', async () => {
    const sandboxProfile = t.app.profiles.findByName('Local MySQL sandbox');
    if (!sandboxProfile) throw new Error('the first case made no MySQL sandbox profile');
    const { id: _i, transient: _t, secrets: _s, createdAt: _c, updatedAt: _u, ...body } = sandboxProfile;
    const password = await t.app.profiles.secret(sandboxProfile.id, 'mysql.password');
    const live = await t.app.profiles.create({ ...body, name: 'copy without backups' }, { 'mysql.password': password ?? '' });
    const backedUp = await t.app.profiles.create({ ...body, name: 'copy with a backup' }, { 'mysql.password': password ?? '' });
    await waitJob((await t.ok('backups.create', { profileId: backedUp.id })).id);

    for (const [profile, source] of [
      [live, 'the server of "copy without backups"'],
      [backedUp, 'the newest backup of "copy with a backup"'],
    ] as const) {
      const job = await waitJob((await t.ok('sandbox.start', { fromProfileId: profile.id })).id);
      expect(SandboxStartResult.parse(job.result)).toMatchObject({
        engine: 'mysql',
        profileId: sandboxProfile.id,
        initialized: false,
      });
      const log = (await t.ok('jobs.log', { id: job.id })).map((l) => l.message).join('\n');
      expect(log).toContain(`Engine: MySQL, as recorded for ${source}.`);
    }
    expect(await t.ok('sandbox.stop', { engine: 'mysql' })).toMatchObject({ engine: 'mysql', running: false });
  });

  it(
    'sysndd-admin sandbox start --engine mysql; status and stop without --engine mean the running one',
    async () => {
      const cliHome = fs.mkdtempSync(path.join(os.tmpdir(), 'sysndd-sandbox-mysql-cli-'));
      const saved = { home: process.env.SYSNDD_ADMIN_HOME, secrets: process.env.SYSNDD_ADMIN_SECRETS };
      process.env.SYSNDD_ADMIN_HOME = cliHome;
      process.env.SYSNDD_ADMIN_SECRETS = 'memory';
      try {
        const started = await cli('start', '--engine', 'mysql');
        expect(started.code).toBe(0);
        expect(SandboxStatus.parse(started.json)).toMatchObject({ engine: 'mysql', running: true });
        expect(SandboxStatus.parse((await cli('status')).json)).toMatchObject({ engine: 'mysql', running: true });
        const stopped = await cli('stop');
        expect(SandboxStatus.parse(stopped.json)).toMatchObject({ engine: 'mysql', running: false });
      } finally {
        await new MariaDbServer({ baseDir: path.join(cliHome, 'sandbox-mysql'), rootPassword: '' }).stop(2_000);
        for (const [key, value] of [
          ['SYSNDD_ADMIN_HOME', saved.home],
          ['SYSNDD_ADMIN_SECRETS', saved.secrets],
        ] as const) {
          if (value === undefined) delete process.env[key];
          else process.env[key] = value;
        }
        fs.rmSync(cliHome, { recursive: true, force: true });
      }
    },
    MYSQL_CASE_MS,
  );
});

/** `sysndd-admin --json sandbox …` in this process; the last output line is the result. */
async function cli(...args: string[]): Promise<{ code: number; json: unknown }> {
  let out = '';
  const stdout = new Writable({
    write(chunk, _enc, done) {
      out += String(chunk);
      done();
    },
  });
  const code = await runCli(['--json', 'sandbox', ...args], { stdout, stderr: stdout });
  const lines = out.trim().split('\n');
  return { code, json: JSON.parse(lines[lines.length - 1] ?? 'null') };
}
