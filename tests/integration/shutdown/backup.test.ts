import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, mysqlInfo, rootConnection, type TestDatabase } from '../../fixtures/mysql';
import { killLeftovers, startCli, tempHome } from './cliProcess';

/**
 * `backup create` stopped by Ctrl+C. Whatever is on disk afterwards could later be taken for a backup:
 * neither the `.partial` file nor a finished-looking `.sql.gz` may be left.
 */
const ROWS = 400_000;

let db: TestDatabase;
const dirs: string[] = [];

beforeAll(async () => {
  db = await createTestDatabase('shutdown_backup');
  const c = await rootConnection({ database: db.name });
  try {
    // Big enough (with gzip -9) that the dump is still writing when the signal lands; a dump that finished
    // first would fail the test (a backup file left), never pass it by accident.
    await c.query('CREATE TABLE big (id INT PRIMARY KEY, pad VARCHAR(200) NOT NULL) ENGINE=InnoDB');
    await c.query(`INSERT INTO big SELECT seq, REPEAT(MD5(seq), 4) FROM seq_1_to_${ROWS}`);
  } finally {
    await c.end();
  }
});
afterAll(async () => {
  killLeftovers();
  await db?.drop();
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

async function waitForFile(dir: string, suffix: string, timeoutMs = 60_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = fs.readdirSync(dir).find((f) => f.endsWith(suffix));
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`no *${suffix} in ${dir} within ${timeoutMs} ms`);
    await sleep(20);
  }
}

describe('backup create stopped by a signal', () => {
  it('SIGINT while the dump is being written: job cancelled, no .partial and no backup file left, exit 130', async () => {
    const info = mysqlInfo();
    const home = tempHome('shutdown-backup');
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'sysndd-shutdown-backups-'));
    dirs.push(home, out);
    const cli = startCli(
      [
        '--json',
        'backup',
        'create',
        '--url',
        `mysql://${info.user}@${info.host}:${info.port}/${db.name}`,
        '--dir',
        out,
        '--level',
        '9',
      ],
      {
        SYSNDD_ADMIN_HOME: home,
        MYSQL_PWD: info.password,
      },
    );
    const partial = await waitForFile(out, '.partial');
    // Rows are flowing into the partial file: the job is mid-dump, not before or after it.
    await cli.waitForLine(
      (l) => l.type === 'progress' && l.state === 'running' && Number((l.progress as { rows?: number }).rows ?? 0) > 0,
    );
    expect(fs.existsSync(path.join(out, partial))).toBe(true);

    cli.child.kill('SIGINT');
    const { code, signal } = await cli.exited;
    expect(cli.stderr()).toContain('SIGINT: cancelling 1 running job(s)');
    expect({ code, signal }).toEqual({ code: 130, signal: null });
    expect(cli.lines.at(-1)).toMatchObject({ ok: false, code: 'CANCELLED' });
    expect(fs.readdirSync(out)).toEqual([]);

    // The job history (the CLI's own store) records it as cancelled, not as interrupted by a crash.
    const list = startCli(['--json', 'jobs', 'list'], { SYSNDD_ADMIN_HOME: home });
    expect((await list.exited).code).toBe(0);
    expect(list.lines[0]).toEqual(
      expect.arrayContaining([expect.objectContaining({ kind: 'backup.create', state: 'cancelled' })]),
    );
  });
});
