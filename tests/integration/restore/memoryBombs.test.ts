import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STATEMENT_CEILING_BYTES } from '../../../src/main/core/statementLimit';
import { manifestTail } from '../../../src/main/features/backups/format/BackupFileWriter';
import { readManifest } from '../../../src/main/features/backups/format/index';
import type { BackupManifest, BackupMember } from '../../../src/shared/contract/backups';
import { createTestApp, type TestApp } from '../../fixtures/app';
import { createProfileForTestDb, createTestDatabase, mysqlInfo, rootConnection, type TestDatabase } from '../../fixtures/mysql';
import { jobErrors, schemasContaining, sideSchemas, snapshot, TEST_LOCK_TIMEOUT_SECONDS } from './restoreHelpers';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const BIN = path.join(ROOT, 'bin', 'sysndd-admin.mjs');
/** The bound: restore and verify stay under 300 MB resident for any input. */
const RSS_LIMIT_KB = 300 * 1024;

/** `mib` MiB of 'a' in ~mib KiB: gzip members concatenate, so one deflated MiB repeated is one valid stream. */
function bomb(mib: number, head: string): Buffer {
  const one = zlib.gzipSync(Buffer.alloc(1 << 20, 0x61), { level: 9 });
  return Buffer.concat([zlib.gzipSync(head), ...Array.from({ length: mib }, () => one)]);
}

interface Measured {
  exit: number;
  /** Peak resident set of the CLI process, from GNU time (%M, KiB). */
  rssKb: number;
  seconds: number;
  failure: { ok?: boolean; code?: string; message?: string };
  stderr: string;
}

/**
 * Memory bombs through the real CLI process (bin/sysndd-admin.mjs, as a user runs it), measured by
 * `/usr/bin/time -f %M`: a 2 MB `.sql.gz` holding one 2 GiB statement, and backups of our format re-sealed
 * around a member that inflates far past its manifest, or around one 512 MiB statement. Each must end with
 * its own error code (never INTERNAL), a non-zero exit, under 300 MB peak RSS, the target database and
 * its side schemas unchanged. A statement just under the limit still restores within the same bound.
 */
describe('restore and verify memory bombs', () => {
  let t: TestApp;
  let live: TestDatabase;
  let profileId: string;
  let url: string;
  let before: Awaited<ReturnType<typeof snapshot>>;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rs-bomb-'));
  const home = path.join(dir, 'home');
  let good: { file: string; manifest: BackupManifest };

  beforeAll(async () => {
    t = createTestApp();
    live = await createTestDatabase('rs_bomb');
    const c = await rootConnection({ database: live.name });
    await c.query('CREATE TABLE gene (id INT PRIMARY KEY, symbol VARCHAR(20), note LONGTEXT)');
    await c.query("INSERT INTO gene VALUES (1, 'ARID1B', 'x'), (2, 'ANKRD11', NULL), (3, 'SCN2A', 'y')");
    await c.end();
    profileId = (await createProfileForTestDb(t, live.name, { localBackupDir: path.join(dir, 'backups') })).id;
    const backup = await t.app.backups.createBackup(profileId, { dir: path.join(dir, 'ours') }, {});
    good = { file: backup.path, manifest: await readManifest(backup.path) };
    const info = mysqlInfo();
    url = `mysql://${info.user}@${info.host}:${info.port}/${live.name}`;
    before = await snapshot(live.name);
  });

  afterAll(async () => {
    await t?.close();
    await live?.drop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  async function measured(args: string[]): Promise<Measured> {
    const rssFile = path.join(dir, `rss-${Date.now()}-${Math.random().toString(36).slice(2)}.txt`);
    const child = spawn('/usr/bin/time', ['-f', '%e\n%M', '-o', rssFile, process.execPath, BIN, '--json', ...args], {
      env: { ...process.env, SYSNDD_ADMIN_HOME: home, SYSNDD_ADMIN_SECRETS: 'memory', MYSQL_PWD: mysqlInfo().password },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exit = await new Promise<number>((resolve) => child.on('close', (code) => resolve(code ?? -1)));
    const [seconds, rssKb] = fs.readFileSync(rssFile, 'utf8').trim().split('\n').slice(-2).map(Number) as [number, number];
    const last = stdout.trim().split('\n').at(-1) ?? '{}';
    let failure: Measured['failure'] = {};
    try {
      const parsed = JSON.parse(last) as Measured['failure'] & { error?: { code: string; message: string } };
      failure = parsed.error ? { ok: false, ...parsed.error } : parsed;
    } catch {
      failure = { message: last };
    }
    return { exit, rssKb, seconds, failure, stderr };
  }

  const restoreArgs = (file: string, ...more: string[]) => [
    'restore',
    file,
    '--url',
    url,
    '--lock-timeout',
    String(TEST_LOCK_TIMEOUT_SECONDS),
    ...more,
  ];

  /** Nothing changed: live data and definitions, no __restore_/__prev_ schema, no scratch schema. */
  async function unchanged(): Promise<void> {
    expect(await snapshot(live.name)).toEqual(before);
    expect(await sideSchemas(live.name)).toEqual([]);
    expect(await schemasContaining(`${live.name}__verify_`)).toEqual([]);
  }

  function refused(r: Measured, code: string, what: string): void {
    expect(r.failure.code, `${what}: ${JSON.stringify(r.failure)} ${r.stderr.slice(-2000)}`).toBe(code);
    expect(r.exit, what).not.toBe(0);
    expect(r.rssKb, `${what}: peak RSS ${Math.round(r.rssKb / 1024)} MB`).toBeLessThan(RSS_LIMIT_KB);
    console.log(`${what}: ${r.failure.code}, exit ${r.exit}, peak RSS ${Math.round(r.rssKb / 1024)} MB, ${r.seconds} s`);
  }

  it('a 2 MB .sql.gz holding one 2 GiB statement: STATEMENT_TOO_LARGE, preflight and restore alike', async () => {
    const file = path.join(dir, 'one-statement.sql.gz');
    const head =
      "-- MariaDB dump 10.19\n/*!40101 SET NAMES utf8mb4 */;\nCREATE TABLE `gene` (id int);\nINSERT INTO `gene` VALUES ('";
    fs.writeFileSync(file, bomb(2048, head));
    expect(fs.statSync(file).size).toBeLessThan(3 << 20);

    // The preflight (`restore --dry-run`, the wizard's step 2) reads every statement: refused at the limit.
    const dry = await t.call('restore.preflight', { profileId, file });
    expect(dry.ok ? 'ok' : dry.code).toBe('STATEMENT_TOO_LARGE');
    // Started directly: the quick check inflates the whole file (gzip CRC) holding nothing; the statement scan
    // that follows (no trailer) stops at the limit.
    const direct = await measured(restoreArgs(file, '--confirm', 'RESTORE'));
    refused(direct, 'STATEMENT_TOO_LARGE', 'restore');
    expect(direct.failure.message).toMatch(/longer than \d+ bytes/);
    await unchanged();
  });

  it('a dump of a million one-row INSERTs: the preflight reads every statement under the same bound', async () => {
    // Tiny statements are the other way to blow memory up: per-statement objects and the statement index.
    // With a JS-array index and batches kept across awaits, 3.9 million of them peaked at 559 MB.
    const line = Buffer.from('INSERT INTO `gene` VALUES (1);\n');
    const n = 990_000;
    const body = Buffer.alloc(line.length * n);
    for (let i = 0; i < n; i++) line.copy(body, i * line.length);
    const file = path.join(dir, 'many.sql.gz');
    const text = Buffer.concat([
      Buffer.from('CREATE TABLE `gene` (id int);\n'),
      body,
      Buffer.from('-- Dump completed on 2026-12-01\n'),
    ]);
    fs.writeFileSync(file, zlib.gzipSync(text, { level: 1 }));
    // The migration lock is server-wide (SysNDD's API takes the same name): another test file may hold it.
    let r = await measured(restoreArgs(file, '--dry-run'));
    for (let tries = 0; tries < 20 && r.exit === 3 && onlyLockBusy(r.failure); tries++) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      r = await measured(restoreArgs(file, '--dry-run'));
    }
    expect(r.exit, `${JSON.stringify(r.failure).slice(0, 3000)} ${r.stderr.slice(-2000)}`).toBe(0);
    expect((r.failure as { source?: { rows: number } }).source?.rows).toBe(n);
    expect(r.rssKb, `peak RSS ${Math.round(r.rssKb / 1024)} MB`).toBeLessThan(RSS_LIMIT_KB);
    console.log(`restore --dry-run of ${n} statements: exit 0, peak RSS ${Math.round(r.rssKb / 1024)} MB, ${r.seconds} s`);
    await unchanged();
  });

  it('a statement just under the limit still restores, under the same memory bound', async () => {
    const target = `${live.name}_big`;
    const body = 'b'.repeat(STATEMENT_CEILING_BYTES - 200);
    const sql = `CREATE TABLE \`big\` (id int PRIMARY KEY, v LONGTEXT);\nINSERT INTO \`big\` VALUES (1,'${body}');\n-- Dump completed on 2026-12-01\n`;
    const file = path.join(dir, 'near-limit.sql.gz');
    fs.writeFileSync(file, zlib.gzipSync(sql, { level: 1 }));
    try {
      const r = await measured(restoreArgs(file, '--target-db', target, '--confirm', 'RESTORE'));
      expect(r.exit, `${JSON.stringify(r.failure)} ${r.stderr.slice(-2000)}`).toBe(0);
      expect(r.rssKb, `peak RSS ${Math.round(r.rssKb / 1024)} MB`).toBeLessThan(RSS_LIMIT_KB);
      console.log(`restore of a ${body.length}-byte value: exit 0, peak RSS ${Math.round(r.rssKb / 1024)} MB, ${r.seconds} s`);
      const c = await rootConnection({ database: target });
      const [rows] = await c.query('SELECT LENGTH(v) AS n FROM big');
      await c.end();
      expect(rows).toEqual([{ n: body.length }]);
    } finally {
      const c = await rootConnection();
      await c.query(`DROP DATABASE IF EXISTS \`${target}\``);
      for (const s of await sideSchemas(target)) await c.query(`DROP DATABASE IF EXISTS \`${s}\``);
      await c.end();
    }
  });

  /** Our backup with member `index` replaced by `gz`; hashes and offsets recomputed and re-sealed, as a forger would. */
  async function forged(name: string, index: number, gz: Buffer, rawBytes?: number): Promise<string> {
    const bytes = fs.readFileSync(good.file);
    const parts: Buffer[] = [];
    const members: BackupMember[] = [];
    let offset = 0;
    good.manifest.members.forEach((m, i) => {
      const own = i === index ? gz : bytes.subarray(m.offset, m.offset + m.length);
      const sha256 = createHash('sha256').update(own).digest('hex');
      members.push({ ...m, offset, length: own.length, sha256, rawBytes: i === index ? (rawBytes ?? m.rawBytes) : m.rawBytes });
      parts.push(own);
      offset += own.length;
    });
    const file = path.join(dir, name);
    fs.writeFileSync(file, Buffer.concat([...parts, await manifestTail({ ...good.manifest, members }, offset)]));
    return file;
  }

  it('our backup re-sealed around a member that inflates to 4 GiB (manifest says bytes): BACKUP_CORRUPT', async () => {
    const index = good.manifest.members.findIndex((m) => m.kind === 'table-data');
    const file = await forged('inflates-past.sql.gz', index, bomb(4096, 'INSERT INTO `gene` VALUES (4, '));
    expect(fs.statSync(file).size).toBeLessThan(5 << 20);

    const verify = await measured(['backup', 'verify', file]);
    refused(verify, 'BACKUP_CORRUPT', 'backup verify');
    expect(verify.failure.message).toContain('inflating stopped there');
    const restore = await measured(restoreArgs(file, '--confirm', 'RESTORE'));
    refused(restore, 'BACKUP_CORRUPT', 'restore (own format)');
    expect(restore.failure.message).toContain('inflates to more than');
    await unchanged();
  });

  it('our backup re-sealed around one 512 MiB statement (manifest honest): restore and test restore refuse it', async () => {
    const index = good.manifest.members.findIndex((m) => m.kind === 'table-data');
    const head = "INSERT INTO `gene` VALUES (4, 'BOMB', '";
    const file = await forged('one-statement.sql.gz', index, bomb(512, head), head.length + (512 << 20));
    const restore = await measured(restoreArgs(file, '--confirm', 'RESTORE'));
    refused(restore, 'STATEMENT_TOO_LARGE', 'restore (own format, one statement)');

    // The test restore of `backup verify --test-restore` (in-process: the scratch path reads the same way).
    const job = await t.ok('backups.verify', { profileId, path: file, scratchRestore: true });
    const final = await t.app.jobs.wait(job.id, 120_000);
    expect(final.error?.code, await jobErrors(t, final)).toBe('STATEMENT_TOO_LARGE');
    await unchanged();
  });
});

/** A dry run that failed only because the server-wide migration lock was held. */
function onlyLockBusy(report: unknown): boolean {
  const checks = (report as { checks?: Array<{ id: string; status: string }> }).checks ?? [];
  return (
    checks
      .filter((c) => c.status === 'fail')
      .map((c) => c.id)
      .join() === 'migration-lock'
  );
}
