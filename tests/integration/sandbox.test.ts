import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { promisify } from 'node:util';
import type mysql from 'mysql2/promise';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/main/doors/cli/program';
import { MariaDbServer } from '../../src/main/features/sandbox/MariaDbServer';
import { isProcessAlive } from '../../src/main/features/sandbox/processTools';
import { type JobSnapshot, type MigrationStatus, SandboxStartResult, SandboxStatus } from '../../src/shared/contract/index';
import { createTestApp, type TestApp } from '../fixtures/app';

const execFileAsync = promisify(execFile);
const homes: string[] = [];

function tempHome(): string {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'sysndd-sandbox-'));
  homes.push(home);
  return home;
}

afterAll(async () => {
  // Whatever a failed assertion left running must not outlive the test run.
  for (const home of homes) {
    await new MariaDbServer({ baseDir: path.join(home, 'sandbox'), rootPassword: '' }).stop(2_000);
    fs.rmSync(home, { recursive: true, force: true });
  }
});

async function startAndWait(t: TestApp): Promise<{ job: JobSnapshot; result: SandboxStartResult }> {
  const started = await t.ok('sandbox.start', {});
  const job = await t.ok('jobs.wait', { id: started.id, timeoutMs: 90_000 });
  if (job.state !== 'succeeded') throw new Error(`sandbox job ${job.state}: ${job.error?.message}`);
  return { job, result: SandboxStartResult.parse(job.result) };
}

async function count(t: TestApp, profileId: string, sql: string): Promise<number> {
  return t.app.connections.withConnection(profileId, async (conn) => {
    const [rows] = await conn.query<mysql.RowDataPacket[]>(sql);
    return Number(rows[0]?.n);
  });
}

describe('local sandbox through dispatch', () => {
  it('creates the server, a development profile and sample data; keeps its port; stops with the app', async () => {
    const home = tempHome();
    const t = createTestApp({ home });
    let port: number;
    let profileId: string;
    try {
      const before = await t.ok('sandbox.status', {});
      expect(before).toMatchObject({ available: true, running: false, profileId: null, dataDir: path.join(home, 'sandbox') });

      const { job, result } = await startAndWait(t);
      expect(job.progress).toMatchObject({ stage: 'ready', done: 5, total: 5 });
      expect(result.initialized).toBe(true);
      expect(result.sampleRows).toBeGreaterThan(50);
      ({ port, profileId } = result);

      const profile = await t.ok('profiles.get', { id: profileId });
      expect(profile).toMatchObject({
        name: 'Local sandbox',
        environment: 'development',
        mysql: { host: '127.0.0.1', port, user: 'sysndd', database: 'sysndd' },
        // The password is the sandbox's own, kept in its folder, not in the user's secret store.
        secrets: [],
      });
      const credentials = path.join(home, 'sandbox', 'credentials.json');
      expect(fs.statSync(credentials).mode & 0o777).toBe(0o600);
      expect(fs.statSync(path.join(home, 'sandbox')).mode & 0o777).toBe(0o700);
      const kept = JSON.parse(fs.readFileSync(credentials, 'utf8')) as { user: string; password: string };
      expect(kept.user).toBe('sysndd');
      expect(await t.app.profiles.secret(profileId, 'mysql.password')).toBe(kept.password);
      // The profile works like any other: through the connection manager, as the sandbox user.
      expect(await count(t, profileId, 'SELECT COUNT(*) AS n FROM non_alt_loci_set')).toBe(14);
      expect(
        await count(
          t,
          profileId,
          "SELECT COUNT(*) AS n FROM ndd_entity e JOIN non_alt_loci_set g USING (hgnc_id) WHERE g.symbol = 'MECP2'",
        ),
      ).toBe(1);
      expect(await count(t, profileId, 'SELECT COUNT(*) AS n FROM user')).toBe(4);

      const running = SandboxStatus.parse(await t.ok('sandbox.status', {}));
      expect(running).toMatchObject({ running: true, port, profileId });
      expect(running.pid && isProcessAlive(running.pid)).toBe(true);

      const stopped = await t.ok('sandbox.stop', {});
      expect(stopped).toMatchObject({ running: false, pid: null, port });
      expect(isProcessAlive(running.pid ?? -1)).toBe(false);

      // Second start: same port, same profile, no second copy of the sample rows.
      const again = await startAndWait(t);
      expect(again.result).toMatchObject({ port, profileId, initialized: false, sampleRows: 0 });
      expect(await count(t, profileId, 'SELECT COUNT(*) AS n FROM non_alt_loci_set')).toBe(14);
    } finally {
      await t.close();
    }
    // Closing the app stops the server it started.
    const after = createTestApp({ home });
    try {
      expect(await after.ok('sandbox.status', {})).toMatchObject({ running: false, port, profileId });
    } finally {
      await after.close();
    }
  });

  it('a new process with a memory secret store reaches the sandbox with its kept password; a lost one is reset', async () => {
    const home = tempHome();
    const first = createTestApp({ home });
    const { result } = await startAndWait(first);
    await first.close();

    // A new process with an empty memory store: the password comes from the sandbox's own file.
    const second = createTestApp({ home });
    try {
      const { job, result: again } = await startAndWait(second);
      expect(again).toMatchObject({ profileId: result.profileId, port: result.port, initialized: false });
      const log = (await second.ok('jobs.log', { id: job.id })).map((l) => l.message).join('\n');
      expect(log).not.toMatch(/password was lost/);
      expect(await count(second, result.profileId, 'SELECT COUNT(*) AS n FROM disease_ontology_set')).toBe(14);
    } finally {
      await second.close();
    }

    // A sandbox made by an older version kept no file (its password was in a store that forgot it).
    fs.rmSync(path.join(home, 'sandbox', 'credentials.json'));
    const third = createTestApp({ home });
    try {
      expect(await third.app.profiles.secret(result.profileId, 'mysql.password')).toBeNull();
      const { job } = await startAndWait(third);
      const log = (await third.ok('jobs.log', { id: job.id })).map((l) => l.message).join('\n');
      expect(log).toMatch(/password was lost/);
      expect(await third.app.profiles.secret(result.profileId, 'mysql.password')).not.toBeNull();
      expect(await count(third, result.profileId, 'SELECT COUNT(*) AS n FROM disease_ontology_set')).toBe(14);
    } finally {
      await third.close();
    }
  });
});

describe('local sandbox with bundled migrations', () => {
  it('applies the bundled migrations first, then fits the sample rows to the schema they made', async () => {
    const resources = fs.mkdtempSync(path.join(os.tmpdir(), 'sysndd-resources-'));
    homes.push(resources);
    fs.mkdirSync(path.join(resources, 'migrations'));
    // A gene table with a required column the sample cannot fill, and a user table with extra columns.
    fs.writeFileSync(
      path.join(resources, 'migrations', '000_initialize_base_schema.sql'),
      [
        'CREATE TABLE IF NOT EXISTS non_alt_loci_set (hgnc_id VARCHAR(10) NOT NULL PRIMARY KEY, symbol VARCHAR(50), curated_by VARCHAR(20) NOT NULL);',
        "CREATE TABLE IF NOT EXISTS `user` (user_id INT NOT NULL AUTO_INCREMENT PRIMARY KEY, user_name VARCHAR(50), user_role CHAR(15) NOT NULL DEFAULT 'Viewer', orcid VARCHAR(50));",
      ].join('\n'),
    );
    const saved = process.env.SYSNDD_ADMIN_RESOURCES;
    process.env.SYSNDD_ADMIN_RESOURCES = resources;
    const t = createTestApp({ home: tempHome() });
    try {
      const { job, result } = await startAndWait(t);
      const applied = await t.app.connections.withConnection(result.profileId, async (conn) => {
        const [rows] = await conn.query<mysql.RowDataPacket[]>('SELECT filename, success FROM schema_version');
        return rows.map((r) => [r.filename, Number(r.success)]);
      });
      expect(applied).toEqual([['000_initialize_base_schema.sql', 1]]);
      expect(await count(t, result.profileId, 'SELECT COUNT(*) AS n FROM non_alt_loci_set')).toBe(0);
      expect(await count(t, result.profileId, "SELECT COUNT(*) AS n FROM `user` WHERE user_role = 'Curator'")).toBe(1);
      expect(await count(t, result.profileId, 'SELECT COUNT(*) AS n FROM ndd_entity')).toBe(14);
      const log = (await t.ok('jobs.log', { id: job.id })).map((l) => l.message).join('\n');
      expect(log).toMatch(/Sample data for non_alt_loci_set skipped: needs values for curated_by/);
    } finally {
      await t.close();
      if (saved === undefined) delete process.env.SYSNDD_ADMIN_RESOURCES;
      else process.env.SYSNDD_ADMIN_RESOURCES = saved;
    }
  });
});

describe('sysndd-admin sandbox (in process)', () => {
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

  it('start, status, stop with exit codes; the CLI door leaves the server running after the command', async () => {
    const home = tempHome();
    const saved = { home: process.env.SYSNDD_ADMIN_HOME, secrets: process.env.SYSNDD_ADMIN_SECRETS };
    process.env.SYSNDD_ADMIN_HOME = home;
    process.env.SYSNDD_ADMIN_SECRETS = 'memory';
    try {
      const started = await cli('start');
      expect(started.code).toBe(0);
      const startedStatus = SandboxStatus.parse(started.json);
      expect(startedStatus.running).toBe(true);
      // runCli closed its App; a CLI-started sandbox keeps running until `sandbox stop`.
      const status = await cli('status');
      expect(SandboxStatus.parse(status.json)).toMatchObject({ running: true, pid: startedStatus.pid });
      const stopped = await cli('stop');
      expect(stopped.code).toBe(0);
      expect(SandboxStatus.parse(stopped.json)).toMatchObject({ running: false, port: startedStatus.port });
      expect(isProcessAlive(startedStatus.pid ?? -1)).toBe(false);
    } finally {
      process.env.SYSNDD_ADMIN_HOME = saved.home;
      process.env.SYSNDD_ADMIN_SECRETS = saved.secrets;
      if (saved.home === undefined) delete process.env.SYSNDD_ADMIN_HOME;
      if (saved.secrets === undefined) delete process.env.SYSNDD_ADMIN_SECRETS;
    }
  });
});

describe('sysndd-admin sandbox (child processes)', () => {
  // Several CLI processes one after another: on a loaded 2-core machine each one takes up to ~20 s.
  const SEVERAL_CLI_PROCESSES_MS = 300_000;
  const bin = path.resolve('bin/sysndd-admin.mjs');

  async function cli(home: string, ...args: string[]): Promise<unknown> {
    return run(home, 'sandbox', ...args);
  }

  async function run(home: string, ...args: string[]): Promise<unknown> {
    return runWith(home, {}, ...args);
  }

  async function runWith(home: string, extraEnv: NodeJS.ProcessEnv, ...args: string[]): Promise<unknown> {
    const { stdout } = await execFileAsync(process.execPath, [bin, '--json', ...args], {
      env: {
        ...process.env,
        SYSNDD_ADMIN_HOME: home,
        SYSNDD_ADMIN_SECRETS: 'memory',
        SYSNDD_ADMIN_FROM_SOURCE: '1',
        ...extraEnv,
      },
      timeout: 120_000,
    });
    // `start --json` prints progress lines first; the last line is the result.
    const lines = stdout.trim().split('\n');
    return JSON.parse(lines[lines.length - 1] ?? 'null');
  }

  it('start leaves the server running after the CLI exits; status sees it; stop ends it', async () => {
    const home = tempHome();
    const started = (await cli(home, 'start')) as SandboxStatus & { start: SandboxStartResult };
    expect(started).toMatchObject({ running: true, start: { initialized: true } });
    expect(started.pid).toBeGreaterThan(0);

    const status = SandboxStatus.parse(await cli(home, 'status'));
    expect(status).toMatchObject({ running: true, pid: started.pid, port: started.port, profileId: started.profileId });
    expect(isProcessAlive(status.pid ?? -1)).toBe(true);

    expect(SandboxStatus.parse(await cli(home, 'stop'))).toMatchObject({ running: false, port: started.port });
    expect(isProcessAlive(status.pid ?? -1)).toBe(false);
  });

  // Issue 15, the newcomer path without an OS keyring: every CLI process has its own memory store, so the
  // password must come from the sandbox's own folder.
  it(
    'with memory-only secrets, migrate status --profile "Local sandbox" works in the next process, also after stop/start',
    async () => {
      const home = tempHome();
      const migrateStatus = async () => (await run(home, 'migrate', 'status', '--profile', 'Local sandbox')) as MigrationStatus;
      const started = (await cli(home, 'start')) as SandboxStatus;
      expect(started).toMatchObject({ running: true, engine: 'mariadb' });
      expect(await migrateStatus()).toMatchObject({ database: 'sysndd', historyTable: true, upToDate: true });

      expect(SandboxStatus.parse(await cli(home, 'stop'))).toMatchObject({ running: false });
      expect(SandboxStatus.parse(await cli(home, 'start'))).toMatchObject({ running: true, port: started.port });
      expect(await migrateStatus()).toMatchObject({ database: 'sysndd', historyTable: true, upToDate: true });
      expect(SandboxStatus.parse(await cli(home, 'stop'))).toMatchObject({ running: false });
    },
    SEVERAL_CLI_PROCESSES_MS,
  );

  it(
    "a saved profile's password that the memory store lost is named with its env var, and MYSQL_PWD supplies it",
    async () => {
      const home = tempHome();
      const started = SandboxStatus.parse(await cli(home, 'start'));
      const { password } = JSON.parse(fs.readFileSync(path.join(home, 'sandbox', 'credentials.json'), 'utf8')) as {
        password: string;
      };
      const profile = ['--profile', 'typed password'];
      await runWith(
        home,
        { MYSQL_PWD: password },
        'profile',
        'add',
        'typed password',
        '--mysql-host',
        '127.0.0.1',
        '--mysql-port',
        String(started.port),
        '--mysql-user',
        'sysndd',
        '--database',
        'sysndd',
      );
      // The next process has an empty memory store and no terminal to prompt on.
      const lost = await runWith(home, { MYSQL_PWD: '' }, 'migrate', 'status', ...profile).catch(
        (err: { stdout: string }) =>
          JSON.parse(err.stdout.trim().split('\n').at(-1) ?? 'null') as { code: string; message: string },
      );
      expect(lost).toMatchObject({ ok: false, code: 'SECRET_UNAVAILABLE' });
      expect((lost as { message: string }).message).toMatch(/MYSQL_PWD=.*or answer the prompt/);
      expect(await runWith(home, { MYSQL_PWD: password }, 'migrate', 'status', ...profile)).toMatchObject({ database: 'sysndd' });
      await cli(home, 'stop');
    },
    SEVERAL_CLI_PROCESSES_MS,
  );
});
