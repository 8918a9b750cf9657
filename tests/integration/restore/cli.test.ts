import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, mysqlInfo, rootConnection, type TestDatabase } from '../../fixtures/mysql';
import { cli } from '../backups/cliRun';
import { buildFixtureDb, dropSchemas, mariadbDump, sideSchemas, snapshot, TEST_LOCK_TIMEOUT_SECONDS } from './restoreHelpers';

interface RestoreJobJson {
  state: string;
  result: { restoreId: string; targetDatabase: string; prevSchema: string | null };
}

/**
 * The restore CLI paths through `sysndd-admin` (in-process, memory secret store, password from MYSQL_PWD,
 * target from --url): `restore FILE --target-db`, `restore rollback ID` and `restore discard ID`, each
 * refused with exit 3 and nothing changed without `--confirm RESTORE`.
 */
describe('restore CLI', () => {
  let live: TestDatabase;
  let source: TestDatabase;
  let other: TestDatabase;
  let file: string;
  let url: string;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rs-cli-'));
  const home = path.join(dir, 'home');

  beforeAll(async () => {
    [live, source, other] = await Promise.all([
      createTestDatabase('rs_cli'),
      createTestDatabase('rs_cli_src'),
      createTestDatabase('rs_cli_other'),
    ]);
    await buildFixtureDb(live.name);
    await buildFixtureDb(source.name);
    const c = await rootConnection({ database: source.name });
    await c.query("UPDATE parent SET name = 'changed in source'");
    // mariadb-dump prints FLOAT with ~6 digits (environment.md): keep them out of this source.
    await c.query('ALTER TABLE every_type DROP COLUMN t_float, DROP COLUMN t_float_md');
    await c.end();
    file = await mariadbDump(source.name, path.join(dir, 'source.sql'));
    const info = mysqlInfo();
    url = `mysql://${info.user}@${info.host}:${info.port}/${live.name}`;
    process.env.MYSQL_PWD = info.password;
  });

  afterAll(async () => {
    delete process.env.MYSQL_PWD;
    await dropSchemas([...(await sideSchemas(live?.name ?? 'none')), ...(await sideSchemas(other?.name ?? 'none'))]);
    await Promise.all([live?.drop(), source?.drop(), other?.drop()]);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const lock = ['--lock-timeout', String(TEST_LOCK_TIMEOUT_SECONDS)];

  async function restoreLive(): Promise<RestoreJobJson['result']> {
    const r = await cli(['--json', 'restore', file, '--url', url, '--confirm', 'RESTORE', ...lock], home);
    if (r.code !== 0) throw new Error(`restore exited ${r.code}: ${r.err} ${r.out}`);
    const job = r.json<RestoreJobJson>();
    expect(job.state).toBe('succeeded');
    return job.result;
  }

  it('`restore FILE --target-db X --confirm RESTORE` restores into X; the --url schema is untouched', async () => {
    const before = await snapshot(live.name);
    const r = await cli(
      ['--json', 'restore', file, '--url', url, '--target-db', other.name, '--confirm', 'RESTORE', ...lock],
      home,
    );
    if (r.code !== 0) throw new Error(`restore exited ${r.code}: ${r.err} ${r.out}`);
    expect(r.json<RestoreJobJson>().result.targetDatabase).toBe(other.name);
    expect((await snapshot(other.name)).checksums).toEqual((await snapshot(source.name)).checksums);
    expect(await snapshot(live.name)).toEqual(before);
    expect(await sideSchemas(live.name)).toEqual([]);
  });

  it('`restore rollback ID`: exit 3 and nothing changed without --confirm ROLLBACK (RESTORE is not it); with it the previous tables are back', async () => {
    const original = await snapshot(live.name);
    const done = await restoreLive();
    expect(done.prevSchema).toBeTruthy();
    const restored = await snapshot(live.name);
    expect(restored.checksums).toEqual((await snapshot(source.name)).checksums);
    const id = done.restoreId.slice(0, 8);

    // The restore's own word does not roll back: a rollback asks for ROLLBACK.
    for (const confirm of [[], ['--confirm', 'rollback'], ['--confirm', 'RESTORE']]) {
      const refused = await cli(['restore', 'rollback', id, '--url', url, ...confirm, ...lock], home);
      expect(refused.code).toBe(3);
      expect(refused.err).toContain('CONFIRMATION_REQUIRED');
      expect(await snapshot(live.name)).toEqual(restored);
      expect(await sideSchemas(live.name)).toContain(done.prevSchema);
    }
    const ok = await cli(['restore', 'rollback', id, '--url', url, '--confirm', 'ROLLBACK', ...lock], home);
    expect(ok.code, ok.err).toBe(0);
    expect(await snapshot(live.name)).toEqual(original);
    expect(await sideSchemas(live.name)).toEqual([]);
    const list = await cli(['--json', 'restore', 'list'], home);
    const record = list.json<Array<{ id: string; phase: string }>>().find((x) => x.id === done.restoreId);
    expect(record?.phase).toBe('rolled-back');
  });

  it('`restore discard ID`: exit 3 and the previous tables kept without --confirm DROP (RESTORE is not it); with it they are dropped', async () => {
    const done = await restoreLive();
    const restored = await snapshot(live.name);
    const id = done.restoreId.slice(0, 8);
    for (const confirm of [[], ['--confirm', 'RESTORE']]) {
      const refused = await cli(['restore', 'discard', id, '--url', url, ...confirm], home);
      expect(refused.code).toBe(3);
      expect(refused.err).toContain('CONFIRMATION_REQUIRED');
      expect(refused.err).toContain('--confirm DROP');
    }
    expect(await sideSchemas(live.name)).toEqual([done.prevSchema]);
    expect(await snapshot(live.name)).toEqual(restored);
    const ok = await cli(['restore', 'discard', id, '--url', url, '--confirm', 'DROP'], home);
    expect(ok.code, ok.err).toBe(0);
    expect(await sideSchemas(live.name)).toEqual([]);
    expect(await snapshot(live.name)).toEqual(restored);
    // Nothing left to roll back to.
    const gone = await cli(['restore', 'rollback', id, '--url', url, '--confirm', 'ROLLBACK', ...lock], home);
    expect(gone.code).not.toBe(0);
    expect(await snapshot(live.name)).toEqual(restored);
  });
});
