import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Connection } from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, mysqlInfo, rootConnection, type TestDatabase } from '../../fixtures/mysql';
import { migrationsFolder, query } from './helpers';

const BIN = path.resolve('bin/sysndd-admin.mjs');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

interface Result {
  applied: Array<{ filename: string }>;
  fastPath: boolean;
  lockWaitMs: number | null;
}

/** The real CLI as a child process, the way an operator (or a second console) would start it. */
function runBin(args: string[], env: Record<string, string>): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('two runner processes started together', () => {
  let db: TestDatabase;
  let dir: string;
  let holder: Connection;
  const homes: string[] = [];

  beforeAll(async () => {
    db = await createTestDatabase('mig_two_proc');
    const files: Record<string, string> = {};
    for (let i = 1; i <= 6; i++) {
      files[`00${i}_step_${i}.sql`] = `DO SLEEP(0.15);\nCREATE TABLE step_${i} (id INT);\nINSERT INTO step_${i} VALUES (${i});\n`;
    }
    dir = migrationsFolder(files);
    holder = await rootConnection({ database: db.name });
  });
  afterAll(async () => {
    await holder.end().catch(() => undefined);
    await db.drop();
    fs.rmSync(dir, { recursive: true, force: true });
    for (const h of homes) fs.rmSync(h, { recursive: true, force: true });
  });

  it('both queue on the lock; one applies every file, the other re-checks under the lock and finds nothing', async () => {
    const info = mysqlInfo();
    const url = `mysql://${info.user}@${info.host}:${info.port}/${db.name}`;
    const env = () => {
      const home = fs.mkdtempSync(path.join(os.tmpdir(), 'sysndd-two-'));
      homes.push(home);
      return { SYSNDD_ADMIN_HOME: home, SYSNDD_ADMIN_SECRETS: 'memory', MYSQL_PWD: info.password, SYSNDD_ADMIN_FROM_SOURCE: '1' };
    };
    // A foreign session (a SysNDD replica, say) holds the lock, so both runners pass the lock-free fast
    // path (6 pending) and must queue on GET_LOCK. Named locks are server-wide: another test file may hold
    // it for a moment, hence the wait.
    const [got] = await holder.query("SELECT GET_LOCK('sysndd_migration', 60) AS got");
    expect(got).toEqual([{ got: 1 }]);

    const args = ['--json', 'migrate', 'up', '--url', url, '--migrations-dir', dir, '--lock-timeout', '120'];
    const runs = Promise.all([runBin(args, env()), runBin(args, env())]);
    // Both runners' lock connections show up in the processlist inside GET_LOCK (1 s slices; the same
    // connection between slices), while nothing has been applied.
    const waiting = new Set<number>();
    const deadline = Date.now() + 60_000;
    while (waiting.size < 2 && Date.now() < deadline) {
      // SHOW PROCESSLIST, not information_schema.PROCESSLIST: on MySQL the latter fails as a whole while any
      // session (another test file's restore) runs a statement with a 4-byte character.
      const rows = await query<{ Id: number; User: string; db: string | null; Info: string | null }>(db.name, 'SHOW PROCESSLIST');
      for (const r of rows) {
        if (r.User === info.user && r.db === db.name && r.Info?.startsWith('SELECT GET_LOCK(')) waiting.add(Number(r.Id));
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(waiting.size).toBe(2);
    const tables = await query(
      db.name,
      "SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME LIKE 'step%'",
    );
    expect(tables).toEqual([]);
    // Longer than one wait slice, so each runner reports the holder at least once.
    await new Promise((r) => setTimeout(r, 1500));
    await holder.query("SELECT RELEASE_LOCK('sysndd_migration')");

    const [a, b] = await runs;
    expect(a.stderr + b.stderr).not.toMatch(/error/i);
    expect([a.code, b.code]).toEqual([0, 0]);
    const results = [a, b].map((r) => JSON.parse(r.stdout.trim().split('\n').pop() as string) as Result);
    const winner = results.find((r) => r.applied.length > 0);
    const loser = results.find((r) => r.applied.length === 0);
    expect(winner?.applied.map((x) => x.filename)).toEqual([
      '001_step_1.sql',
      '002_step_2.sql',
      '003_step_3.sql',
      '004_step_4.sql',
      '005_step_5.sql',
      '006_step_6.sql',
    ]);
    // The loser passed the fast path (files were pending), waited, and found nothing left under the lock.
    expect(loser).toMatchObject({ fastPath: false, applied: [], upToDate: true });
    expect(winner?.fastPath).toBe(false);
    for (const r of results) expect(r.lockWaitMs).toBeGreaterThan(1000);
    // Each one reported the wait, naming our session as the holder.
    for (const r of [a, b]) expect(r.stdout, r.stdout).toContain(`held by connection ${holder.threadId}`);

    const sv = await query<{ filename: string }>(db.name, 'SELECT filename FROM schema_version ORDER BY filename');
    expect(sv.map((r) => r.filename)).toEqual(winner?.applied.map((x) => x.filename));
    const applies = await query<{ filename: string; n: number }>(
      db.name,
      "SELECT filename, COUNT(*) AS n FROM schema_version_journal WHERE action = 'apply' GROUP BY filename ORDER BY filename",
    );
    expect(applies.map((r) => Number(r.n))).toEqual([1, 1, 1, 1, 1, 1]);
    for (let i = 1; i <= 6; i++) expect(await query(db.name, `SELECT id FROM step_${i}`)).toEqual([{ id: i }]);
  });
});
