import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CreateBackupResult } from '../../../src/shared/contract/index';
import { createTestApp } from '../../fixtures/app';
import { createProfileForTestDb, createTestDatabase, mysqlInfo, rootConnection, type TestDatabase } from '../../fixtures/mysql';
import { dropSchemas, sideSchemas, snapshot } from '../restore/restoreHelpers';
import { killLeftovers, progressOf, startCli, tempHome } from './cliProcess';

/**
 * `restore` stopped by SIGTERM while it loads the shadow schema: the live database must be untouched and
 * the `<db>__restore_*` schema gone, without needing the next run's leftover cleanup.
 */
const ROWS = 300_000;

let live: TestDatabase;
let source: TestDatabase;
let backupFile: string;
const dirs: string[] = [];

beforeAll(async () => {
  [live, source] = await Promise.all([createTestDatabase('shutdown_rs_live'), createTestDatabase('shutdown_rs_src')]);
  const c = await rootConnection();
  try {
    await c.query(`CREATE TABLE \`${live.name}\`.keepme (id INT PRIMARY KEY, v VARCHAR(20))`);
    await c.query(`INSERT INTO \`${live.name}\`.keepme VALUES (1, 'live row'), (2, 'still live')`);
    await c.query(`CREATE TABLE \`${source.name}\`.big (id INT PRIMARY KEY, pad VARCHAR(200) NOT NULL)`);
    await c.query(`INSERT INTO \`${source.name}\`.big SELECT seq, REPEAT(MD5(seq), 4) FROM \`${source.name}\`.seq_1_to_${ROWS}`);
  } finally {
    await c.end();
  }
  // The file to restore: one of our own backups of the source, made the way the app makes them.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sysndd-shutdown-rs-'));
  dirs.push(dir);
  const t = createTestApp();
  try {
    const profileId = (await createProfileForTestDb(t, source.name)).id;
    const job = await t.ok('backups.create', { profileId, options: { dir, compressionLevel: 1, checksums: true, workers: 1 } });
    const done = await t.app.jobs.wait(job.id, 120_000);
    if (done.state !== 'succeeded') throw new Error(`fixture backup failed: ${JSON.stringify(done.error)}`);
    backupFile = (done.result as CreateBackupResult).path;
  } finally {
    await t.close();
    dirs.push(t.home);
  }
});
afterAll(async () => {
  killLeftovers();
  if (live) await dropSchemas(await sideSchemas(live.name));
  await Promise.all([live?.drop(), source?.drop()]);
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

describe('restore stopped by a signal', () => {
  it('SIGTERM mid-load: shadow schema dropped, live data unchanged, record cancelled, exit 143', async () => {
    const before = await snapshot(live.name);
    const info = mysqlInfo();
    const home = tempHome('shutdown-rs');
    dirs.push(home);
    const env = { SYSNDD_ADMIN_HOME: home, MYSQL_PWD: info.password };
    const url = `mysql://${info.user}@${info.host}:${info.port}/${live.name}`;
    const cli = startCli(
      ['--json', 'restore', backupFile, '--url', url, '--confirm', 'RESTORE', '--workers', '1', '--lock-timeout', '300'],
      env,
    );
    await cli.waitForLine((l) => {
      const p = progressOf(l) as { stage: string; rows?: number } | null;
      return Boolean(p?.stage.startsWith('loading') && (p.rows ?? 0) > 0);
    });
    // Mid-load: the shadow schema exists and is being filled.
    expect((await sideSchemas(live.name)).some((s) => s.startsWith(`${live.name}__restore_`))).toBe(true);

    cli.child.kill('SIGTERM');
    const { code, signal } = await cli.exited;
    expect(cli.stderr()).toContain('SIGTERM: cancelling 1 running job(s)');
    expect({ code, signal }).toEqual({ code: 143, signal: null });
    expect(await sideSchemas(live.name)).toEqual([]);
    expect(await snapshot(live.name)).toEqual(before);

    // The restore record and the audit log tell what happened (read back through the CLI).
    const records = startCli(['--json', 'restore', 'list'], env);
    expect((await records.exited).code).toBe(0);
    expect((records.lines[0] as unknown as Array<{ phase: string }>)[0]?.phase).toBe('cancelled');
    // One row for the action, settled as cancelled like the job (it was logged FAILED before).
    const audit = startCli(['--json', 'audit', 'list', '--action', 'restore.start'], env);
    expect((await audit.exited).code).toBe(0);
    const results = (audit.lines[0] as unknown as Array<{ result: string }>).map((e) => e.result);
    expect(results).toEqual(['cancelled']);
  });
});
