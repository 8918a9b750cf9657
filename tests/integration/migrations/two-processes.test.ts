import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, mysqlInfo, type TestDatabase } from '../../fixtures/mysql';
import { migrationsFolder, query } from './helpers';

const BIN = path.resolve('bin/sysndd-admin.mjs');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
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
  const homes: string[] = [];

  beforeAll(async () => {
    db = await createTestDatabase('mig_two_proc');
    // Slow enough (SLEEP) that the two runs really overlap on the lock.
    const files: Record<string, string> = {};
    for (let i = 1; i <= 6; i++) {
      files[`00${i}_step_${i}.sql`] = `DO SLEEP(0.15);\nCREATE TABLE step_${i} (id INT);\nINSERT INTO step_${i} VALUES (${i});\n`;
    }
    dir = migrationsFolder(files);
  });
  afterAll(async () => {
    await db.drop();
    fs.rmSync(dir, { recursive: true, force: true });
    for (const h of homes) fs.rmSync(h, { recursive: true, force: true });
  });

  it('applies each file exactly once; the second waits for the lock and finds nothing left', async () => {
    const info = mysqlInfo();
    const url = `mysql://${info.user}@${info.host}:${info.port}/${db.name}`;
    const env = () => {
      const home = fs.mkdtempSync(path.join(os.tmpdir(), 'sysndd-two-'));
      homes.push(home);
      return { SYSNDD_ADMIN_HOME: home, SYSNDD_ADMIN_SECRETS: 'memory', MYSQL_PWD: info.password, SYSNDD_ADMIN_FROM_SOURCE: '1' };
    };
    const args = ['--json', 'migrate', 'up', '--url', url, '--migrations-dir', dir, '--lock-timeout', '60'];
    const [a, b] = await Promise.all([runBin(args, env()), runBin(args, env())]);
    expect(a.stderr + b.stderr).not.toMatch(/error/i);
    expect([a.code, b.code]).toEqual([0, 0]);

    const results = [a, b].map(
      (r) =>
        JSON.parse(r.stdout.trim().split('\n').pop() as string) as { applied: Array<{ filename: string }>; fastPath: boolean },
    );
    const appliedCounts = results.map((r) => r.applied.length).sort();
    expect(appliedCounts[1]).toBeGreaterThan(0);
    expect((appliedCounts[0] ?? 0) + (appliedCounts[1] ?? 0)).toBe(6);

    const sv = await query<{ filename: string }>(db.name, 'SELECT filename FROM schema_version ORDER BY filename');
    expect(sv.map((r) => r.filename)).toEqual([
      '001_step_1.sql',
      '002_step_2.sql',
      '003_step_3.sql',
      '004_step_4.sql',
      '005_step_5.sql',
      '006_step_6.sql',
    ]);
    const applies = await query<{ filename: string; n: number }>(
      db.name,
      "SELECT filename, COUNT(*) AS n FROM schema_version_journal WHERE action = 'apply' GROUP BY filename ORDER BY filename",
    );
    expect(applies.map((r) => Number(r.n))).toEqual([1, 1, 1, 1, 1, 1]);
    for (let i = 1; i <= 6; i++) expect(await query(db.name, `SELECT id FROM step_${i}`)).toEqual([{ id: i }]);
  });
});
