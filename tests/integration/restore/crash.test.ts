import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadAccountName } from '../../../src/main/features/restore/confinement/loadAccount';
import { createTestApp, type TestApp } from '../../fixtures/app';
import {
  createProfileForTestDb,
  createTestDatabase,
  mysqlInfo,
  processList,
  rootConnection,
  type TestDatabase,
} from '../../fixtures/mysql';
import {
  buildFixtureDb,
  dropSchemas,
  jobErrors,
  mariadbDump,
  query,
  sideSchemas,
  snapshot,
  TEST_LOCK_TIMEOUT_SECONDS,
} from './restoreHelpers';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const BIN = path.join(ROOT, 'bin', 'sysndd-admin.mjs');

/**
 * Crash safety with real processes: the CLI restores into a live database and is SIGKILLed at a fault
 * point (during the load, right before the swap, between dropping the live triggers and the RENAME, right
 * after the RENAME). The live database must be
 * unchanged (or be put back by the next run), and the next run must clean up after the dead one. Then a
 * loader connection is KILLed server-side in the middle of a load.
 */
describe('restore crash safety', () => {
  let live: TestDatabase;
  let source: TestDatabase;
  let file: string;
  let before: Awaited<ReturnType<typeof snapshot>>;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rs-crash-'));
  const home = path.join(dir, 'home');
  const children: ChildProcess[] = [];
  let runs = 0;

  beforeAll(async () => {
    live = await createTestDatabase('rs_crash');
    source = await createTestDatabase('rs_crash_src');
    await buildFixtureDb(live.name);
    await buildFixtureDb(source.name, 150_000);
    const c = await rootConnection({ database: source.name });
    await c.query("UPDATE parent SET name = 'changed in source'");
    // mariadb-dump prints FLOAT with ~6 digits (environment.md): keep them out of this source.
    await c.query('ALTER TABLE every_type DROP COLUMN t_float, DROP COLUMN t_float_md');
    await c.end();
    file = await mariadbDump(source.name, path.join(dir, 'source.sql'));
    before = await snapshot(live.name);
  });

  afterAll(async () => {
    for (const c of children) c.kill('SIGKILL');
    await dropSchemas(await sideSchemas(live.name));
    await live?.drop();
    await source?.drop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** Run the CLI until it reports the fault point, then SIGKILL it. */
  async function killAt(point: string, from = file): Promise<void> {
    const info = mysqlInfo();
    const child = spawn(
      process.execPath,
      [
        BIN,
        'restore',
        from,
        '--url',
        `mysql://${info.user}@${info.host}:${info.port}/${live.name}`,
        '--confirm',
        'RESTORE',
        '--lock-timeout',
        String(TEST_LOCK_TIMEOUT_SECONDS),
        '--json',
      ],
      {
        env: {
          ...process.env,
          SYSNDD_ADMIN_HOME: home,
          SYSNDD_ADMIN_SECRETS: 'memory',
          MYSQL_PWD: info.password,
          SYSNDD_ADMIN_FAULT: point,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    children.push(child);
    let stderr = '';
    const reached = new Promise<void>((resolve, reject) => {
      child.stderr?.on('data', (d: Buffer) => {
        stderr += d.toString();
        if (stderr.includes(`FAULT-POINT ${point}`)) resolve();
      });
      child.on('exit', (code) => reject(new Error(`CLI exited (${code}) before ${point}:\n${stderr}`)));
    });
    await reached;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }

  /** The next run: an app on the same home (journal), through a saved profile for the same server. */
  async function nextRun<T>(fn: (t: TestApp, profileId: string) => Promise<T>): Promise<T> {
    const t = createTestApp({ home });
    try {
      // Secrets live in memory per app: each run saves its own profile (same server, so the same journal key).
      const profileId = (await createProfileForTestDb(t, live.name, { name: `crash target ${++runs}` })).id;
      return await fn(t, profileId);
    } finally {
      await t.close();
    }
  }

  it.each(['restore:mid-load', 'restore:before-swap'])('SIGKILL at %s: live unchanged, the next run cleans up', async (point) => {
    await killAt(point);
    expect(await snapshot(live.name)).toEqual(before);
    const left = await sideSchemas(live.name);
    expect(left.some((s) => s.includes('__restore_'))).toBe(true);
    // Killed mid-load, the run's temporary load account is still there; before the swap it was already dropped.
    const dead = (await nextRun((t) => t.ok('restore.list', { limit: 1 })))[0]?.id ?? '';
    expect((await loadAccounts(loadAccountName(dead))).length).toBe(point === 'restore:mid-load' ? 1 : 0);
    const report = await nextRun((t, profileId) => t.ok('restore.cleanupLeftovers', { profileId }));
    expect(report.cleaned.map((c) => c.action).join('\n')).toMatch(/dropped the shadow schema/);
    if (point === 'restore:mid-load')
      expect(report.cleaned.map((c) => c.action).join('\n')).toMatch(/dropped the temporary load account sysndd_rst_/);
    expect(await loadAccounts(loadAccountName(dead))).toEqual([]);
    expect(await sideSchemas(live.name)).toEqual([]);
    expect(await snapshot(live.name)).toEqual(before);
    const records = await nextRun((t) => t.ok('restore.list', { limit: 10 }));
    expect(records[0]?.phase).toBe('failed');
    expect(records[0]?.error?.message).toMatch(/interrupted/);
  });

  it('SIGKILL after the live triggers are dropped, before the RENAME: the next restore puts them back first', async () => {
    await killAt('restore:triggers-dropped');
    // Data untouched; the triggers are gone (the dead run dropped them), everything else is as before.
    const now = await snapshot(live.name);
    expect(now.checksums).toEqual(before.checksums);
    const triggerKeys = Object.keys(before.definitions).filter((k) => /trigger/i.test(k));
    expect(triggerKeys.length).toBeGreaterThan(0);
    expect(Object.keys(now.definitions).filter((k) => /trigger/i.test(k))).toEqual([]);
    // The next restore run (no explicit cleanup) recovers the dead run first: killed mid-load, before it
    // could change live, it shows what the recovery alone did.
    await killAt('restore:mid-load');
    expect(await snapshot(live.name)).toEqual(before);
    const records = await nextRun((t) => t.ok('restore.list', { limit: 10 }));
    // Newest first: the run killed mid-load, then the one killed with its triggers dropped (recovered).
    expect(records[0]?.phase).toBe('loading');
    expect(records[1]?.phase).toBe('failed');
    expect(records[1]?.error?.message).toMatch(/interrupted/);
    // Only the second dead run's shadow is left; cleaning it up leaves live whole.
    const left = await sideSchemas(live.name);
    expect(left.filter((x) => x.includes('__prev_'))).toEqual([]);
    const report = await nextRun((t, profileId) => t.ok('restore.cleanupLeftovers', { profileId }));
    expect(report.cleaned.map((c) => c.action).join('\n')).toMatch(/dropped the shadow schema/);
    expect(await sideSchemas(live.name)).toEqual([]);
    expect(await snapshot(live.name)).toEqual(before);
  });

  it('SIGKILL before the swap with our own .sql.gz backup as the source: live unchanged, the next run cleans up', async () => {
    const backup = await nextRun(async (t) => {
      const profileId = (await createProfileForTestDb(t, source.name, { name: `crash source ${++runs}` })).id;
      const job = await t.ok('backups.create', { profileId, options: { checksums: false } });
      const final = await t.ok('jobs.wait', { id: job.id, timeoutMs: 120_000 });
      expect(final.state, final.error?.message).toBe('succeeded');
      return (final.result as { path: string }).path;
    });
    expect(backup).toMatch(/\.sql\.gz$/);
    await killAt('restore:before-swap', backup);
    expect(await snapshot(live.name)).toEqual(before);
    expect((await sideSchemas(live.name)).some((x) => x.includes('__restore_'))).toBe(true);
    const report = await nextRun((t, profileId) => t.ok('restore.cleanupLeftovers', { profileId }));
    expect(report.cleaned.map((c) => c.action).join('\n')).toMatch(/dropped the shadow schema/);
    expect(await sideSchemas(live.name)).toEqual([]);
    expect(await snapshot(live.name)).toEqual(before);
  });

  it('SIGKILL right after the RENAME: the next run swaps the previous tables back', async () => {
    await killAt('restore:after-rename');
    // The dead run had swapped the tables in: live now holds the source's rows, without its objects.
    const c = await rootConnection({ database: live.name });
    expect((await query<{ name: string }>(c, 'SELECT name FROM parent WHERE id = 1'))[0]?.name).toBe('changed in source');
    await c.end();
    // The next restore cleans up first (rolls back), then restores: check the cleanup through the CLI.
    const info = mysqlInfo();
    const out = await new Promise<string>((resolve, reject) => {
      const child = spawn(
        process.execPath,
        [BIN, 'restore', 'cleanup', '--url', `mysql://${info.user}@${info.host}:${info.port}/${live.name}`],
        {
          env: { ...process.env, SYSNDD_ADMIN_HOME: home, SYSNDD_ADMIN_SECRETS: 'memory', MYSQL_PWD: info.password },
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      let text = '';
      child.stdout?.on('data', (d: Buffer) => {
        text += d.toString();
      });
      child.stderr?.on('data', (d: Buffer) => {
        text += d.toString();
      });
      child.on('exit', (code) => (code === 0 ? resolve(text) : reject(new Error(`cleanup exited ${code}: ${text}`))));
    });
    expect(out).toMatch(/swapped the previous tables back/);
    expect(await snapshot(live.name)).toEqual(before);
    expect(await sideSchemas(live.name)).toEqual([]);
  });

  it('cancel during the load: cancelled, live unchanged, shadow dropped, no pre-restore backup', async () => {
    await nextRun(async (t, profileId) => {
      const options = { lockTimeoutSeconds: TEST_LOCK_TIMEOUT_SECONDS };
      const job = await t.ok('restore.start', { profileId, file, confirm: 'RESTORE', options });
      // Cancel as soon as the load is under way (the stage names the table being loaded).
      while (!/^loading/.test(t.app.jobs.get(job.id).progress.stage ?? '')) {
        expect(['queued', 'running']).toContain(t.app.jobs.get(job.id).state);
        await sleep(10);
      }
      t.app.jobs.cancel(job.id);
      const final = await t.app.jobs.wait(job.id, 600_000);
      expect(final.state, await jobErrors(t, final)).toBe('cancelled');
      expect(await snapshot(live.name)).toEqual(before);
      expect(await sideSchemas(live.name)).toEqual([]);
      const record = (await t.ok('restore.list', { profileId, limit: 1 }))[0];
      expect(record?.phase).toBe('cancelled');
      expect(record?.preRestoreBackup).toBeNull();
    });
  });

  it('a loader connection killed mid-load fails the restore before the swap and drops the shadow schema', async () => {
    await nextRun(async (t, profileId) => {
      const options = { workers: 2, lockTimeoutSeconds: TEST_LOCK_TIMEOUT_SECONDS };
      const job = await t.ok('restore.start', { profileId, file, confirm: 'RESTORE', options });
      const root = await rootConnection();
      let killed: number | null = null;
      try {
        // Poll for as long as the job runs (it may first wait for the migration lock), not a fixed time.
        while (killed === null && ['queued', 'running'].includes(t.app.jobs.get(job.id).state)) {
          // SHOW PROCESSLIST: information_schema.PROCESSLIST fails on MySQL while the load runs 4-byte text.
          const row = (await processList(root, { full: false })).find(
            (r) => r.db?.startsWith(`${live.name}__restore_`) && r.Command === 'Query' && r.Info?.startsWith('INSERT'),
          );
          if (row) {
            killed = Number(row.Id);
            await root.query(`KILL ${killed}`);
          } else await sleep(10);
        }
      } finally {
        await root.end();
      }
      expect(killed, 'never saw a loader running an INSERT').not.toBeNull();
      const final = await t.app.jobs.wait(job.id, 600_000);
      expect(final.state, await jobErrors(t, final)).toBe('failed');
      expect(await snapshot(live.name)).toEqual(before);
      expect(await sideSchemas(live.name)).toEqual([]);
      // And the same restore, uninterrupted, goes through (the source's data replaces live).
      const ok = await t.app.jobs.wait(
        (await t.ok('restore.start', { profileId, file, confirm: 'RESTORE', options })).id,
        600_000,
      );
      expect(ok.state, await jobErrors(t, ok)).toBe('succeeded');
      expect((await snapshot(live.name)).checksums).toEqual((await snapshot(source.name)).checksums);
    });
  });
});

/** Temporary load accounts (restore/confinement/loadAccount.ts) on the test server. */
async function loadAccounts(user: string): Promise<string[]> {
  const c = await rootConnection();
  try {
    const [r] = await c.query("SELECT CONCAT(User, '@', Host) AS a FROM mysql.user WHERE User = ?", [user]);
    return (r as Array<{ a: string }>).map((x) => x.a);
  } finally {
    await c.end();
  }
}
