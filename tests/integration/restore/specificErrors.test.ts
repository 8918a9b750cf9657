import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { baseTables } from '../../../src/main/features/restore/liveSchema';
import { refuseUnsupportedEngines } from '../../../src/main/features/restore/loadErrors';
import { createTestApp, type TestApp } from '../../fixtures/app';
import { createProfileForTestDb, createTestDatabase, rootConnection, type TestDatabase } from '../../fixtures/mysql';
import { cli } from '../backups/cliRun';
import { jobErrors, restoreAndWait, schemasContaining, sideSchemas, snapshot } from './restoreHelpers';

/**
 * Failures that used to end INTERNAL or a generic RESTORE_FAILED get their own code: a storage engine the
 * server lacks (error 1286), a MERGE table (refused: it names tables by path), a target name the
 * server cannot hold (refused before anything runs). Each leaves the live database as it was.
 */
describe('restore errors with their own code', () => {
  let t: TestApp;
  let live: TestDatabase;
  let profileId: string;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rs-codes-'));
  const dump = (name: string, body: string) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, `${body}\n-- Dump completed on 2026-01-01  0:00:00\n`);
    return file;
  };

  beforeAll(async () => {
    t = createTestApp();
    live = await createTestDatabase('rs_codes');
    const c = await rootConnection({ database: live.name });
    await c.query('CREATE TABLE gene (id INT PRIMARY KEY, symbol VARCHAR(20))');
    await c.query("INSERT INTO gene VALUES (1, 'ARID1B'), (2, 'SCN2A')");
    await c.end();
    profileId = (await createProfileForTestDb(t, live.name, { localBackupDir: path.join(dir, 'backups') })).id;
  });

  afterAll(async () => {
    await t?.close();
    await live?.drop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('an engine the server does not have: RESTORE_UNSUPPORTED_ENGINE with the server words, nothing changed', async () => {
    const before = await snapshot(live.name);
    // ROCKSDB is an engine a dump may name (the statement check lets it through) that this server lacks.
    const file = dump('rocksdb.sql', 'CREATE TABLE f (id INT PRIMARY KEY) ENGINE=ROCKSDB;\nINSERT INTO f VALUES (1);');
    const final = await restoreAndWait(t, { profileId, file });
    expect(final.state, await jobErrors(t, final)).toBe('failed');
    expect(final.error?.code, final.error?.message).toBe('RESTORE_UNSUPPORTED_ENGINE');
    expect(final.error?.message).toContain("Unknown storage engine 'ROCKSDB' (error 1286)");
    expect(final.error?.message).toContain('InnoDB');
    expect(await snapshot(live.name)).toEqual(before);
    expect(await sideSchemas(live.name)).toEqual([]);
  });

  it('a MERGE table is refused with a specific code before the swap, nothing changed', async () => {
    const before = await snapshot(live.name);
    const file = dump(
      'merge.sql',
      [
        'CREATE TABLE part1 (id INT NOT NULL) ENGINE=MyISAM;',
        'CREATE TABLE part2 (id INT NOT NULL) ENGINE=MyISAM;',
        'INSERT INTO part1 VALUES (1);',
        'CREATE TABLE whole (id INT NOT NULL) ENGINE=MRG_MyISAM UNION=(part1,part2) INSERT_METHOD=LAST;',
      ].join('\n'),
    );
    const final = await restoreAndWait(t, { profileId, file });
    expect(final.state, await jobErrors(t, final)).toBe('failed');
    // The statement check refuses it while reading the file; the shadow schema's engines are checked again
    // after the load (below), whichever comes first names the engine.
    expect(['RESTORE_UNSUPPORTED_ENGINE', 'RESTORE_STATEMENT_REFUSED'], final.error?.message).toContain(final.error?.code);
    expect(final.error?.message).toContain('MRG_MyISAM');
    expect(await snapshot(live.name)).toEqual(before);
    expect(await sideSchemas(live.name)).toEqual([]);
  });

  it('after the load, the engines the server reports for the shadow schema are checked (MERGE refused)', async () => {
    const scratch = await createTestDatabase('rs_codes_merge');
    const c = await rootConnection({ database: scratch.name });
    try {
      await c.query('CREATE TABLE part1 (id INT NOT NULL) ENGINE=MyISAM');
      await c.query('CREATE TABLE whole (id INT NOT NULL) ENGINE=MRG_MyISAM UNION=(part1)');
      const tables = await baseTables(c, scratch.name);
      // MariaDB reports MRG_MyISAM, MySQL MRG_MYISAM.
      const engine = tables.find((x) => x.name === 'whole')?.engine;
      expect(engine?.toUpperCase()).toBe('MRG_MYISAM');
      expect(() => refuseUnsupportedEngines(tables)).toThrow(expect.objectContaining({ code: 'RESTORE_UNSUPPORTED_ENGINE' }));
      expect(() => refuseUnsupportedEngines(tables)).toThrow(`whole (ENGINE=${engine})`);
    } finally {
      await c.end();
      await scratch.drop();
    }
  });

  it('a target name with a trailing space is refused at validation: no job, no schema', async () => {
    const file = dump('ok.sql', 'CREATE TABLE t (id INT PRIMARY KEY);');
    const jobsBefore = (await t.ok('jobs.list', { kind: 'restore', limit: 1000 })).length;
    for (const targetDatabase of [`${live.name} `, 'a/b', 'a.b', 'x\\y']) {
      const r = await t.call('restore.start', { profileId, file, targetDatabase, confirm: 'RESTORE' });
      expect(r.ok ? 'ok' : r.code, JSON.stringify(targetDatabase)).toBe('INVALID_DATABASE_NAME');
      const p = await t.call('restore.preflight', { profileId, file, targetDatabase });
      expect(p.ok ? 'ok' : p.code, JSON.stringify(targetDatabase)).toBe('INVALID_DATABASE_NAME');
    }
    expect((await t.ok('jobs.list', { kind: 'restore', limit: 1000 })).length).toBe(jobsBefore);
    expect(await schemasContaining('a/b')).toEqual([]);
    expect(await schemasContaining('a.b')).toEqual([]);

    // The CLI refuses it as a usage error before anything else (no password prompt: MYSQL_PWD is unset).
    const r = await cli(
      ['restore', file, '--profile', `test ${live.name}`, '--target-db', `${live.name} `, '--confirm', 'RESTORE'],
      t.home,
    );
    expect(r.code).toBe(2);
    expect(r.err.match(/INVALID_DATABASE_NAME/g)).toHaveLength(1);
    expect(r.err).toContain(`"${live.name} "`);
    expect(r.err).toContain('ends with a space');
  });
});
