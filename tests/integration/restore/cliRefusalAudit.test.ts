import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../../src/shared/contract/audit';
import { createTestApp, type TestApp } from '../../fixtures/app';
import { createProfileForTestDb, createTestDatabase, mysqlInfo, rootConnection, type TestDatabase } from '../../fixtures/mysql';
import { cli } from '../backups/cliRun';
import { dropSchemas, restoreAndWait, sideSchemas, snapshot } from './restoreHelpers';

/**
 * A CLI refusal (no or a wrong `--confirm`) is audited like the UI's: the call goes through dispatch, which
 * refuses it before anything runs and writes the `refused` row — for restore, rollback and discard, with a
 * saved profile and with a one-off `--url` target (where no password is asked for first).
 */
describe('CLI refusals are audited', () => {
  let t: TestApp;
  let live: TestDatabase;
  let profileId: string;
  let profileName: string;
  let file: string;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rs-cli-audit-'));

  beforeAll(async () => {
    t = createTestApp();
    live = await createTestDatabase('rs_cli_audit');
    const c = await rootConnection({ database: live.name });
    await c.query('CREATE TABLE gene (id INT PRIMARY KEY, symbol VARCHAR(20))');
    await c.query("INSERT INTO gene VALUES (1, 'ARID1B')");
    await c.end();
    const p = await createProfileForTestDb(t, live.name, { localBackupDir: path.join(dir, 'backups') });
    profileId = p.id;
    profileName = p.name;
    file = path.join(dir, 'dump.sql');
    fs.writeFileSync(
      file,
      "CREATE TABLE gene (id INT PRIMARY KEY, symbol VARCHAR(20));\nINSERT INTO gene VALUES (2, 'SCN2A');\n-- Dump completed\n",
    );
  });

  afterAll(async () => {
    await t?.close();
    await dropSchemas(await sideSchemas(live?.name ?? 'none'));
    await live?.drop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  async function refusedRows(after: number): Promise<AuditEntry[]> {
    return (await t.ok('audit.list', { limit: 500 })).filter((e) => e.id > after && e.result === 'refused');
  }
  const lastId = async () => (await t.ok('audit.list', { limit: 1 }))[0]?.id ?? 0;
  /** The row names the CLI door (its own column, or the actor of older rows). */
  const fromCli = (e: AuditEntry) => `${(e as { door?: string | null }).door ?? ''} ${e.actor}`.includes('cli');

  it('`restore FILE` without or with a wrong --confirm: exit 3, one refused row, nothing started or changed', async () => {
    const before = await snapshot(live.name);
    const jobsBefore = (await t.ok('jobs.list', { kind: 'restore', limit: 1000 })).length;
    for (const confirm of [[], ['--confirm', 'restore'], ['--confirm', 'RESTORE ']]) {
      const mark = await lastId();
      const r = await cli(['restore', file, '--profile', profileName, ...confirm], t.home);
      expect(r.code, r.err).toBe(3);
      expect(r.err.match(/CONFIRMATION_REQUIRED/g), r.err).toHaveLength(1);
      expect(r.err).toContain('--confirm RESTORE');
      const rows = await refusedRows(mark);
      expect(rows, JSON.stringify(confirm)).toHaveLength(1);
      expect(rows[0]).toMatchObject({ profileId });
      expect(rows[0]?.action).toMatch(/^restore/);
      expect(fromCli(rows[0] as AuditEntry)).toBe(true);
    }
    expect((await t.ok('jobs.list', { kind: 'restore', limit: 1000 })).length).toBe(jobsBefore);
    expect(await snapshot(live.name)).toEqual(before);
    expect(await sideSchemas(live.name)).toEqual([]);
  });

  it('a one-off --url target is refused and audited without asking for a password', async () => {
    const info = mysqlInfo();
    const prev = process.env.MYSQL_PWD;
    delete process.env.MYSQL_PWD;
    try {
      const mark = await lastId();
      const r = await cli(['restore', file, '--url', `mysql://${info.user}@${info.host}:${info.port}/${live.name}`], t.home);
      expect(r.code, r.err).toBe(3);
      expect(r.err).toContain('CONFIRMATION_REQUIRED');
      expect(r.err).not.toMatch(/password/i);
      expect(await refusedRows(mark)).toHaveLength(1);
    } finally {
      if (prev !== undefined) process.env.MYSQL_PWD = prev;
    }
  });

  it('`restore rollback` and `restore discard` refusals are audited too, and keep the previous tables', async () => {
    const done = await restoreAndWait(t, { profileId, file });
    expect(done.state).toBe('succeeded');
    const result = done.result as { restoreId: string; prevSchema: string };
    const restored = await snapshot(live.name);
    const id = result.restoreId.slice(0, 8);
    for (const [cmd, action] of [
      ['rollback', 'restore.rollback'],
      ['discard', 'restore.discard'],
    ] as const) {
      const mark = await lastId();
      const r = await cli(['restore', cmd, id, '--profile', profileName, '--confirm', 'yes'], t.home);
      expect(r.code, r.err).toBe(3);
      expect(r.err).toContain('CONFIRMATION_REQUIRED');
      const rows = await refusedRows(mark);
      expect(rows.map((x) => x.action)).toEqual([action]);
      expect(fromCli(rows[0] as AuditEntry)).toBe(true);
    }
    expect(await snapshot(live.name)).toEqual(restored);
    expect(await sideSchemas(live.name)).toEqual([result.prevSchema]);
  });
});
