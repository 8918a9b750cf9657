import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type CaptureStatus,
  type ReadinessCheck,
  type ReadinessCheckId,
  ReadinessReport,
} from '../../../src/shared/contract/index';
import { createTestApp, type TestApp } from '../../fixtures/app';
import { mysqlInfo, type PrivateMariaDb, startPrivateMariaDb } from '../../fixtures/mysql';
import { startSmtpSink } from '../../fixtures/smtp';
import { migrationsFolder, waitJob } from '../migrations/helpers';
import { closedPort, silentServer, writeForeignDump } from './helpers';

/**
 * The readiness report against real servers. A private MariaDB, because GET_LOCK('sysndd_migration') is
 * server-wide: on the shared server other test files' migrations would show up as lock holders.
 */
let server: PrivateMariaDb;
let t: TestApp;
let capture: CaptureStatus;
let dir: string;
let tmp: string;
let profileId: string;
const DB = 'sysndd_ready';

function rootConn(): Promise<mysql.Connection> {
  return mysql.createConnection({
    host: server.info.host,
    port: server.info.port,
    user: server.info.rootUser,
    password: server.info.rootPassword,
  });
}

async function readiness(args: { profileId: string; backupMaxAgeHours?: number; timeoutMs?: number; smtpCacheSeconds?: number }) {
  const report = ReadinessReport.parse(await t.ok('health.readiness', args));
  const rows = new Map(report.checks.map((c) => [c.id, c]));
  const row = (id: ReadinessCheckId): ReadinessCheck => {
    const r = rows.get(id);
    if (!r) throw new Error(`no row ${id}`);
    return r;
  };
  const statuses = Object.fromEntries(report.checks.map((c) => [c.id, c.status]));
  return { report, row, statuses };
}

async function profile(name: string, extra: Record<string, unknown>): Promise<string> {
  const p = await t.ok('profiles.create', {
    profile: {
      name,
      mysql: { host: server.info.host, port: server.info.port, user: server.info.rootUser, database: DB },
      ...extra,
    },
    secrets: { 'mysql.password': server.info.rootPassword },
  });
  return p.id;
}

beforeAll(async () => {
  server = await startPrivateMariaDb();
  const c = await rootConn();
  await c.query(`CREATE DATABASE ${DB}`);
  await c.end();
  t = createTestApp();
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sysndd-ready-'));
  dir = migrationsFolder({
    '001_gene.sql': 'CREATE TABLE gene (id INT PRIMARY KEY, symbol VARCHAR(20));\n',
    '002_index.sql': 'ALTER TABLE gene ADD INDEX idx_symbol (symbol);\n',
  });
  capture = await t.ok('mail.capture.start', { smtpPort: 0, httpPort: 0 });
  profileId = await profile('ready', {
    migrationsDir: dir,
    localBackupDir: path.join(tmp, 'backups'),
    smtp: { host: '127.0.0.1', port: capture.smtpPort as number, security: 'none', from: 'noreply@sysndd.test' },
    mailpit: { url: capture.url as string },
  });
});

afterAll(async () => {
  await t?.close();
  await server?.stop();
  for (const d of [dir, tmp]) if (d) fs.rmSync(d, { recursive: true, force: true });
});

describe('health.readiness against a real MariaDB', () => {
  it('pending migrations: not ready, the row names the files and links the Migrations page', async () => {
    const { report, row, statuses } = await readiness({ profileId });
    expect(report.ready).toBe(false);
    expect(report.status).toBe('fail');
    expect(row('migrations.pending')).toMatchObject({ status: 'fail', fixPage: 'migrations' });
    expect(row('migrations.pending').summary).toBe('2 pending files: 001_gene.sql, 002_index.sql');
    expect(row('migrations.pending').metrics).toMatchObject({ pending: 2, applied: 0 });
    expect(statuses).toMatchObject({ database: 'ok', server: 'ok', tunnel: 'skipped', pool: 'ok', smtp: 'ok', mailpit: 'ok' });
    expect(row('backups.age')).toMatchObject({ status: 'warn', summary: 'no backup found', fixPage: 'backups' });
    expect(row('server').summary).toContain(mysqlInfo().engine === 'mysql' ? 'MySQL' : 'MariaDB');
    expect(report.counts.fail).toBe(1);
  });

  it('migrations applied and a fresh backup: ready, every row ok (the direct profile has no tunnel)', async () => {
    expect((await waitJob(t, await t.ok('migrations.migrate', { profileId }))).state).toBe('succeeded');
    expect((await waitJob(t, await t.ok('backups.create', { profileId, options: { checksums: false } }))).state).toBe(
      'succeeded',
    );
    const { report, row, statuses } = await readiness({ profileId });
    expect(statuses).toEqual({
      database: 'ok',
      server: 'ok',
      tunnel: 'skipped',
      pool: 'ok',
      'migrations.pending': 'ok',
      'migrations.drift': 'ok',
      'migrations.lock': 'ok',
      'backups.age': 'ok',
      'backups.space': 'ok',
      smtp: 'ok',
      mailpit: 'ok',
    });
    expect(report).toMatchObject({ ready: true, status: 'ok', counts: { ok: 10, warn: 0, fail: 0, skipped: 1 } });
    expect(row('migrations.pending').summary).toBe('up to date: 2 files applied, latest 002_index.sql');
    expect(row('backups.age').summary).toMatch(/^sysndd_ready_\d{8}T\d{6}Z\.sql\.gz \(local\) is \d+ min old$/);
    expect(row('pool').metrics).toMatchObject({ max: 4, idle: 1, active: 0, queued: 0 });
    expect(row('mailpit').summary).toContain(capture.url as string);
    // Rows that need nothing done carry no link.
    expect(report.checks.filter((c) => c.fixPage)).toEqual([]);
  });

  it('a drifted file warns without blocking readiness', async () => {
    const file = path.join(dir, '002_index.sql');
    const original = fs.readFileSync(file, 'utf8');
    fs.writeFileSync(file, 'ALTER TABLE gene ADD INDEX idx_symbol (symbol, id);\n');
    try {
      const { report, row } = await readiness({ profileId });
      expect(row('migrations.drift')).toMatchObject({
        status: 'warn',
        code: 'MIGRATION_DRIFT',
        fixPage: 'migrations',
        summary: '1 drifted file: 002_index.sql',
      });
      expect(report.ready).toBe(true);
      expect(report.status).toBe('warn');
    } finally {
      fs.writeFileSync(file, original);
    }
  });

  it('a held migration lock is reported with its holder', async () => {
    const holder = await rootConn();
    try {
      await holder.query("SELECT GET_LOCK('sysndd_migration', 5)");
      const { report, row } = await readiness({ profileId });
      const lock = row('migrations.lock');
      expect(lock).toMatchObject({ status: 'warn', code: 'MIGRATION_LOCK_BUSY', fixPage: 'migrations' });
      expect(lock.summary).toContain(`held by connection ${holder.threadId} (${server.info.rootUser}@`);
      expect(lock.metrics).toMatchObject({ held: true, holderConnectionId: holder.threadId });
      expect(report.ready).toBe(true);
    } finally {
      await holder.end();
    }
    expect((await readiness({ profileId })).row('migrations.lock').status).toBe('ok');
  });

  it('an old backup warns past the threshold (default 26 h, or as asked)', async () => {
    const backups = path.join(tmp, 'old-backups');
    writeForeignDump(backups, 'sysndd_nightly.sql', DB, 50);
    const id = await profile('old backup', { migrationsDir: dir, localBackupDir: backups });
    const old = await readiness({ profileId: id });
    expect(old.row('backups.age')).toMatchObject({ status: 'warn', fixPage: 'backups' });
    expect(old.row('backups.age').summary).toMatch(/^sysndd_nightly\.sql \(local\) is 2 d 2 h old \(over 26 h\)$/);
    expect(old.row('backups.age').metrics).toMatchObject({ maxAgeHours: 26, location: 'local' });
    expect(old.report).toMatchObject({ ready: true, settings: { backupMaxAgeHours: 26 } });
    expect(old.statuses).toMatchObject({ smtp: 'skipped', mailpit: 'skipped' });
    const relaxed = await readiness({ profileId: id, backupMaxAgeHours: 72 });
    expect(relaxed.row('backups.age').status).toBe('ok');
  });

  it('an unreachable host (closed port) fails on the refusal; rows needing the database are skipped', async () => {
    const port = await closedPort();
    const id = await t.ok('profiles.create', {
      profile: { name: 'gone', mysql: { host: '127.0.0.1', port, user: 'root', database: DB } },
    });
    const { report, row, statuses } = await readiness({ profileId: id.id });
    expect(report.ready).toBe(false);
    expect(row('database')).toMatchObject({ status: 'fail', code: 'HOST_UNREACHABLE', fixPage: 'connections' });
    expect(row('database').summary).toContain(`127.0.0.1:${port}`);
    for (const dependent of ['server', 'pool', 'migrations.pending', 'migrations.drift', 'migrations.lock'] as const) {
      expect(row(dependent)).toMatchObject({ status: 'skipped', summary: 'Needs the database, which is not reachable.' });
    }
    expect(statuses).toMatchObject({ 'backups.space': 'ok', 'backups.age': 'warn', tunnel: 'skipped' });
  });

  it('a hung host costs one deadline: the database row times out, the other rows still report', async () => {
    const silent = await silentServer();
    try {
      const id = (
        await t.ok('profiles.create', {
          profile: { name: 'hung', mysql: { host: '127.0.0.1', port: silent.port, user: 'root', database: DB } },
        })
      ).id;
      const { report, row } = await readiness({ profileId: id, timeoutMs: 800 });
      expect(row('database')).toMatchObject({ status: 'fail', code: 'TIMEOUT', summary: 'no answer within 0.8 s' });
      expect(row('migrations.pending').status).toBe('skipped');
      expect(row('backups.space').status).toBe('ok');
      expect(report).toMatchObject({ ready: false, settings: { timeoutMs: 800 } });
    } finally {
      await silent.stop();
    }
  });

  it('SMTP down fails, Mailpit down only warns; both link the Mail page', async () => {
    const [smtpPort, mailpitPort] = [await closedPort(), await closedPort()];
    const id = await profile('mail down', {
      migrationsDir: dir,
      smtp: { host: '127.0.0.1', port: smtpPort, security: 'none' },
      mailpit: { url: `http://127.0.0.1:${mailpitPort}/` },
    });
    const { report, row } = await readiness({ profileId: id });
    expect(row('smtp')).toMatchObject({ status: 'fail', code: 'SMTP_CONNECTION_FAILED', fixPage: 'mail' });
    expect(row('smtp').summary).toContain(`127.0.0.1:${smtpPort} (none)`);
    expect(row('mailpit')).toMatchObject({ status: 'warn', code: 'MAILPIT_UNREACHABLE', fixPage: 'mail' });
    expect(report.ready).toBe(false);
    expect(report.counts.fail).toBe(1);
  });

  it('auto-refresh may reuse a passing SMTP result, never a failing one; a plain check always asks', async () => {
    const sink = await startSmtpSink();
    const id = await profile('smtp reuse', {
      migrationsDir: dir,
      smtp: { host: sink.host, port: sink.port, security: 'none', from: 'noreply@sysndd.test' },
    });
    let sinkUp = true;
    try {
      expect((await readiness({ profileId: id, smtpCacheSeconds: 300 })).row('smtp').status).toBe('ok');
      const contacted = sink.connectionCount();
      expect(contacted).toBeGreaterThan(0);
      await sink.stop();
      sinkUp = false;
      const reused = (await readiness({ profileId: id, smtpCacheSeconds: 300 })).row('smtp');
      expect(reused.status).toBe('ok');
      expect(reused.summary).toMatch(/\(checked \d+ s ago\)$/);
      // Without permission to reuse, the server is asked: it is gone now.
      expect((await readiness({ profileId: id })).row('smtp')).toMatchObject({ status: 'fail', code: 'SMTP_CONNECTION_FAILED' });
      // The failure dropped the old pass: even auto-refresh sees the failure from now on.
      expect((await readiness({ profileId: id, smtpCacheSeconds: 300 })).row('smtp').status).toBe('fail');
    } finally {
      if (sinkUp) await sink.stop();
    }
  });

  it('identical requests in flight share one run', async () => {
    const [a, b] = await Promise.all([
      t.app.health.readiness({ profileId, timeoutMs: 5000 }),
      t.app.health.readiness({ profileId, timeoutMs: 5000 }),
    ]);
    expect(a).toBe(b);
    const c = await t.app.health.readiness({ profileId, timeoutMs: 5000 });
    expect(c).not.toBe(a);
  });

  it('refuses an unknown profile and a bad timeout', async () => {
    expect(await t.call('health.readiness', { profileId: 'nope' })).toMatchObject({ ok: false, code: 'NOT_FOUND' });
    expect(await t.call('health.readiness', { profileId, timeoutMs: 5 })).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT' });
  });
});
