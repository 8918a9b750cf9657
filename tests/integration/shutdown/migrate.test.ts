import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PrivateMariaDb, startPrivateMariaDb } from '../../fixtures/mysql';
import { type CliProcess, killLeftovers, progressOf, startCli, tempHome } from './cliProcess';

/**
 * `migrate up` stopped by a signal. A private server, because the lock name is SysNDD's and server-wide:
 * on the shared server another test file's migration could hold it and make "the lock is free" meaningless.
 */
const LOCK = 'sysndd_migration';

let server: PrivateMariaDb;
const cleanup: string[] = [];

beforeAll(async () => {
  server = await startPrivateMariaDb();
});
afterAll(async () => {
  killLeftovers();
  await server?.stop();
  for (const dir of cleanup) fs.rmSync(dir, { recursive: true, force: true });
});

async function root(database?: string): Promise<mysql.Connection> {
  const { host, port, rootUser, rootPassword } = server.info;
  return mysql.createConnection({ host, port, user: rootUser, password: rootPassword, database });
}

async function rows<T>(sql: string, params: unknown[] = [], database?: string): Promise<T[]> {
  const c = await root(database);
  try {
    return (await c.query(sql, params))[0] as T[];
  } finally {
    await c.end();
  }
}

async function freshDatabase(name: string): Promise<string> {
  await rows(`CREATE DATABASE \`${name}\``);
  return name;
}

function migrationsDir(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sysndd-shutdown-mig-'));
  cleanup.push(dir);
  for (const [name, sql] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), sql);
  return dir;
}

function migrate(db: string, dir: string, env: Record<string, string> = {}): CliProcess {
  const { host, port, rootUser, rootPassword } = server.info;
  const home = tempHome('shutdown-mig');
  cleanup.push(home);
  return startCli(['--json', 'migrate', 'up', '--url', `mysql://${rootUser}@${host}:${port}/${db}`, '--migrations-dir', dir], {
    SYSNDD_ADMIN_HOME: home,
    MYSQL_PWD: rootPassword,
    ...env,
  });
}

/** Who holds the lock (connection id) or null; and whether another session can take it right now. */
async function lockState(): Promise<{ holder: number | null; acquired: boolean }> {
  const c = await root();
  try {
    const [[used]] = (await c.query('SELECT IS_USED_LOCK(?) AS holder', [LOCK])) as unknown as [[{ holder: number | null }]];
    const [[got]] = (await c.query('SELECT GET_LOCK(?, 0) AS got', [LOCK])) as unknown as [[{ got: number }]];
    if (got.got === 1) await c.query('SELECT RELEASE_LOCK(?)', [LOCK]);
    return { holder: used.holder, acquired: got.got === 1 };
  } finally {
    await c.end();
  }
}

/** The orphaned DO SLEEP(60) sessions of a client that is gone (the server lets a statement finish). */
async function killSleepers(): Promise<void> {
  const sleeping = await rows<{ ID: number }>("SELECT ID FROM information_schema.PROCESSLIST WHERE INFO LIKE 'DO SLEEP(60)%'");
  for (const s of sleeping) await rows(`KILL ${Number(s.ID)}`);
}

// 12 statements of 0.25 s: the signal lands while a statement of 002 runs, and cancelling stops before
// the next one (a running statement is never interrupted).
const SLOW = Array.from({ length: 12 }, (_, i) => `DO SLEEP(0.25);\nINSERT INTO slow_log VALUES (${i + 1});\n`).join('');

describe('migrate up stopped by a signal', () => {
  it('SIGTERM mid-file: the job is cancelled between statements, journal says so, the lock is free, exit 143', async () => {
    const db = await freshDatabase('shutdown_mig_term');
    const dir = migrationsDir({ '001_table.sql': 'CREATE TABLE slow_log (n INT);\n', '002_slow.sql': SLOW });
    const cli = migrate(db, dir);
    await cli.waitForLine((l) => /^002_slow\.sql statement ([3-9]|1\d) of/.test(progressOf(l)?.stage ?? ''));
    // While it runs, the CLI's bookkeeping session holds the lock.
    expect((await lockState()).acquired).toBe(false);

    cli.child.kill('SIGTERM');
    const { code, signal } = await cli.exited;
    expect(cli.stderr()).toContain('SIGTERM: cancelling 1 running job(s)');
    expect({ code, signal }).toEqual({ code: 143, signal: null });
    expect(cli.lines.at(-1)).toMatchObject({
      ok: false,
      code: 'CANCELLED',
      message: expect.stringMatching(/^002_slow\.sql: statements 1–\d+ of 24 committed; cancelled before statement \d+/),
    });

    // Another session can take the lock at once; nobody holds it.
    expect(await lockState()).toEqual({ holder: null, acquired: true });
    // A process killed outright would leave the attempt 'running'; a graceful stop records it 'cancelled'.
    const journal = await rows<{ filename: string; state: string }>(
      'SELECT filename, state FROM schema_version_journal ORDER BY id',
      [],
      db,
    );
    expect(journal).toEqual([
      { filename: '001_table.sql', state: 'succeeded' },
      { filename: '002_slow.sql', state: 'cancelled' },
    ]);
    expect(await rows('SELECT filename FROM schema_version WHERE success = TRUE', [], db)).toEqual([
      { filename: '001_table.sql' },
    ]);
    // Stopped part-way, between statements: some rows, not all 12.
    const n = Number((await rows<{ n: number }>('SELECT COUNT(*) AS n FROM slow_log', [], db))[0]?.n);
    expect(n).toBeGreaterThan(0);
    expect(n).toBeLessThan(12);
    const sleeping = await rows("SELECT ID FROM information_schema.PROCESSLIST WHERE INFO LIKE 'DO SLEEP%'");
    expect(sleeping).toEqual([]);
  });

  it('waits at most the grace period for a statement that cannot be interrupted, then exits on its own', async () => {
    const db = await freshDatabase('shutdown_mig_grace');
    const dir = migrationsDir({ '001_long.sql': 'DO SLEEP(60);\nCREATE TABLE never_created (id INT);\n' });
    const cli = migrate(db, dir, { SYSNDD_ADMIN_SHUTDOWN_GRACE: '1' });
    await cli.waitForLine((l) => /^001_long\.sql statement 1 of/.test(progressOf(l)?.stage ?? ''));

    cli.child.kill('SIGINT');
    const { code, signal } = await cli.exited;
    expect({ code, signal }).toEqual({ code: 130, signal: null });
    expect(cli.stderr()).toMatch(/1 job\(s\) did not finish cleaning up within 1 s \(Migrate/);
    // The lock lived on the bookkeeping session, which ended with the process: the server released it.
    await expect.poll(async () => (await lockState()).acquired, { timeout: 10_000 }).toBe(true);
    await killSleepers();
  });

  it('a second signal quits at once, without waiting for the cleanup', async () => {
    const db = await freshDatabase('shutdown_mig_twice');
    const dir = migrationsDir({ '001_long.sql': 'DO SLEEP(60);\n' });
    const cli = migrate(db, dir);
    await cli.waitForLine((l) => /^001_long\.sql statement 1 of/.test(progressOf(l)?.stage ?? ''));

    cli.child.kill('SIGTERM');
    await expect.poll(() => cli.stderr(), { timeout: 10_000 }).toContain('SIGTERM: cancelling 1 running job(s)');
    cli.child.kill('SIGINT');
    const { code, signal } = await cli.exited;
    // 130 (the second signal's code) within the default 15 s grace: the force path, not the graceful one.
    expect({ code, signal }).toEqual({ code: 130, signal: null });
    expect(cli.stderr()).toContain('SIGINT again: quitting now');
    await expect.poll(async () => (await lockState()).acquired, { timeout: 10_000 }).toBe(true);
    await killSleepers();
  });
});
