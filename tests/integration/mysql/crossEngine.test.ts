import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CreateBackupResult } from '../../../src/shared/contract/backups';
import type { PreflightReport } from '../../../src/shared/contract/restore';
import { createTestApp, type TestApp } from '../../fixtures/app';
import { createProfileForTestDb, createTestDatabase, rootConnection, type TestDatabase, testEngine } from '../../fixtures/mysql';
import { type OtherEngine, startOtherEngine } from '../../fixtures/otherEngine';
import { cli } from '../backups/cliRun';
import {
  jobErrors,
  mariadbDump,
  preflightWhenLockFree,
  restoreAndWait,
  TEST_LOCK_TIMEOUT_SECONDS,
} from '../restore/restoreHelpers';

/**
 * Restores across engines with both real servers: the shared MySQL of the integration-mysql project and a
 * private MariaDB beside it (fixtures/otherEngine.ts). On the MariaDB project this file has nothing to do.
 */
const onMySqlRun = testEngine() === 'mysql';

const SOURCE_DDL = [
  `CREATE TABLE person (
     id INT PRIMARY KEY,
     name VARCHAR(40) COLLATE utf8mb4_0900_ai_ci NOT NULL,
     uuid CHAR(36) NOT NULL,
     uuid_bin BINARY(16) GENERATED ALWAYS AS (uuid_to_bin(uuid)) STORED,
     name_len INT GENERATED ALWAYS AS (char_length(name)) VIRTUAL,
     KEY by_name (name)
   ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_0900_ai_ci`,
  "INSERT INTO person (id, name, uuid) VALUES (1, 'Ärzte', '3f06af63-a93c-11e4-9797-00505690773f'), (2, 'Zoë', 'aab5d5fd-70c1-11e5-a4fb-b026b977eb28'), (3, 'plain', '0c63ba32-95c0-11ee-b9d1-0242ac120002')",
  'CREATE VIEW person_names AS SELECT id, name FROM person',
];

async function rowsOf(c: mysql.Connection, sql: string): Promise<unknown[]> {
  const [r] = await c.query(sql);
  return r as unknown[];
}

function check(report: PreflightReport, id: string) {
  return report.checks.find((c) => c.id === id);
}

describe.skipIf(!onMySqlRun)('restore across engines (MySQL ↔ MariaDB)', () => {
  let t: TestApp;
  let other: OtherEngine;
  let source: TestDatabase;
  let dir: string;
  let dumpFile: string;

  beforeAll(async () => {
    t = createTestApp();
    other = await startOtherEngine();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xe-'));
    source = await createTestDatabase('xe_src');
    const c = await rootConnection({ database: source.name });
    try {
      await c.query(`ALTER DATABASE \`${source.name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_0900_ai_ci`);
      for (const sql of SOURCE_DDL) await c.query(sql);
    } finally {
      await c.end();
    }
    // --databases: the CREATE DATABASE line carries MySQL 8's /*!80016 DEFAULT ENCRYPTION='N' */.
    dumpFile = await mariadbDump(source.name, path.join(dir, 'mysql.sql'), ['--databases']);
  });

  afterAll(async () => {
    await source?.drop();
    await other?.stop();
    await t?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('the mysqldump file holds what MariaDB lacks', () => {
    const text = fs.readFileSync(dumpFile, 'utf8');
    expect(text).toMatch(/utf8mb4_0900_ai_ci/);
    expect(text).toMatch(/\/\*!80016 DEFAULT ENCRYPTION='N' \*\//);
    expect(text).toMatch(/GENERATED ALWAYS AS \(uuid_to_bin\(`uuid`\)\) STORED/);
  });

  it('dry run into MariaDB: names the collation mapping and refuses the generated column with its code', async () => {
    const profile = await other.profile(t, 'xe_dry');
    const report = await preflightWhenLockFree(t, { profileId: profile.id, file: dumpFile });
    expect(report.ok).toBe(false);
    expect(report.crossEngine.collations).toContainEqual({ from: 'utf8mb4_0900_ai_ci', to: 'utf8mb4_uca1400_ai_ci' });
    expect(report.crossEngine.generatedColumns).toEqual([
      expect.objectContaining({ table: 'person', column: 'uuid_bin', action: 'refused', expression: 'uuid_to_bin(`uuid`)' }),
    ]);
    expect(report.crossEngine.ddlRejected).toEqual([]);
    expect(report.crossEngine.ddlRehearsed).toBeGreaterThanOrEqual(3);
    expect(check(report, 'generated-columns')).toMatchObject({ status: 'fail', code: 'RESTORE_GENERATED_COLUMN_REJECTED' });
    // The same run refuses with the code, before anything is written.
    const job = await restoreAndWait(t, { profileId: profile.id, file: dumpFile, targetDatabase: 'xe_refused' });
    expect(job.state).toBe('failed');
    expect(job.error?.code).toBe('RESTORE_GENERATED_COLUMN_REJECTED');
    const c = await other.root();
    try {
      expect(await rowsOf(c, "SHOW DATABASES LIKE 'xe\\_refused%'")).toEqual([]);
      expect(await rowsOf(c, "SELECT User FROM mysql.user WHERE User LIKE 'sysndd\\_rst\\_%'")).toEqual([]);
    } finally {
      await c.end();
    }
  });

  it('with "store as a plain column" the restore completes and the data matches', async () => {
    const profile = await other.profile(t, 'xe_plain');
    const options = { storeGeneratedAsPlain: true };
    const report = await preflightWhenLockFree(t, { profileId: profile.id, file: dumpFile, options });
    expect(report.ok, JSON.stringify(report.checks)).toBe(true);
    expect(check(report, 'generated-columns')?.status).toBe('warn');
    const job = await restoreAndWait(t, { profileId: profile.id, file: dumpFile, options });
    expect(job.state, await jobErrors(t, job)).toBe('succeeded');
    const src = await rootConnection({ database: source.name });
    const dst = await other.root('xe_plain');
    try {
      const cols = 'SELECT id, name, uuid, name_len FROM person ORDER BY id';
      expect(await rowsOf(dst, cols)).toEqual(await rowsOf(src, cols));
      // mysqldump leaves generated columns out: the plain column holds NULL, as the preflight said.
      expect(await rowsOf(dst, 'SELECT COUNT(*) AS n FROM person WHERE uuid_bin IS NULL')).toEqual([{ n: 3 }]);
      expect(await rowsOf(dst, 'SELECT name FROM person_names ORDER BY id')).toEqual(
        await rowsOf(src, 'SELECT name FROM person_names ORDER BY id'),
      );
      const [create] = (await rowsOf(dst, 'SHOW CREATE TABLE person')) as Array<Record<string, string>>;
      expect(create?.['Create Table']).toMatch(/utf8mb4_uca1400_ai_ci/);
      expect(create?.['Create Table']).toMatch(/`name_len` int\(11\) GENERATED ALWAYS AS/);
    } finally {
      await src.end();
      await dst.end();
    }
    const record = (await t.ok('restore.list', {})).find((r) => r.targetDatabase === 'xe_plain');
    expect(record?.stats?.warnings.join('\n')).toMatch(/utf8mb4_0900_ai_ci.*utf8mb4_uca1400_ai_ci/);
    expect(record?.stats?.warnings.join('\n')).toMatch(/person\.uuid_bin stored as a plain column/);
  });

  it('our own backup of a MySQL database restores into MariaDB', async () => {
    const mysqlProfile = await createProfileForTestDb(t, source.name);
    const backup = await t.ok('backups.create', { profileId: mysqlProfile.id, options: { dir, checksums: true } });
    const done = await t.ok('jobs.wait', { id: backup.id, timeoutMs: 120_000 });
    expect(done.state, done.error?.message).toBe('succeeded');
    const file = (done.result as CreateBackupResult).path;
    const profile = await other.profile(t, 'xe_ours');
    const refused = await preflightWhenLockFree(t, { profileId: profile.id, file });
    expect(check(refused, 'generated-columns')?.code).toBe('RESTORE_GENERATED_COLUMN_REJECTED');
    const job = await restoreAndWait(t, { profileId: profile.id, file, options: { storeGeneratedAsPlain: true } });
    expect(job.state, await jobErrors(t, job)).toBe('succeeded');
    const src = await rootConnection({ database: source.name });
    const dst = await other.root('xe_ours');
    try {
      const cols = 'SELECT id, name, uuid FROM person ORDER BY id';
      expect(await rowsOf(dst, cols)).toEqual(await rowsOf(src, cols));
    } finally {
      await src.end();
      await dst.end();
    }
  });

  it('CLI dry run prints the mapping and the refused column with its code; the audit names the option', async () => {
    process.env.MYSQL_PWD = other.password;
    try {
      const url = `mysql://${other.user}@127.0.0.1:${other.port}/xe_cli`;
      const dry = await cli(['restore', dumpFile, '--url', url, '--dry-run'], t.home);
      expect(dry.code, dry.err).toBe(3);
      expect(dry.out).toMatch(/collation utf8mb4_0900_ai_ci → utf8mb4_uca1400_ai_ci/);
      expect(dry.out).toMatch(/generated person\.uuid_bin AS \(uuid_to_bin\(`uuid`\)\): REFUSED/);
      expect(dry.out).toMatch(/\[RESTORE_GENERATED_COLUMN_REJECTED\]/);
      const args = ['restore', dumpFile, '--url', url, '--generated-as-plain', '--confirm', 'RESTORE'];
      const run = await cli([...args, '--lock-timeout', String(TEST_LOCK_TIMEOUT_SECONDS)], t.home);
      expect(run.code, run.err + run.out).toBe(0);
    } finally {
      delete process.env.MYSQL_PWD;
    }
    const audit = await cli(['--json', 'audit', 'list'], t.home);
    expect(audit.out).toMatch(/xe_cli ← [^"]*\(generated columns the target rejects stored as plain\)/);
  });

  it('a collation with no counterpart is refused by the rehearsal with RESTORE_DDL_REJECTED; the scratch schema is gone', async () => {
    const db = await createTestDatabase('xe_ks');
    try {
      const c = await rootConnection({ database: db.name });
      try {
        await c.query('CREATE TABLE kana (id INT PRIMARY KEY, k VARCHAR(10) COLLATE utf8mb4_ja_0900_as_cs_ks)');
      } finally {
        await c.end();
      }
      const file = await mariadbDump(db.name, path.join(dir, 'ks.sql'));
      const profile = await other.profile(t, 'xe_ks');
      const report = await preflightWhenLockFree(t, { profileId: profile.id, file });
      expect(check(report, 'ddl')).toMatchObject({ status: 'fail', code: 'RESTORE_DDL_REJECTED' });
      expect(report.crossEngine.ddlRejected).toEqual([
        expect.objectContaining({
          statement: 'CREATE TABLE kana',
          name: 'kana',
          serverMessage: expect.stringMatching(/1273.*utf8mb4_ja_0900_as_cs_ks/),
        }),
      ]);
      const job = await restoreAndWait(t, { profileId: profile.id, file });
      expect(job.error?.code).toBe('RESTORE_DDL_REJECTED');
      const r = await other.root();
      try {
        expect(await rowsOf(r, "SHOW DATABASES LIKE 'xe\\_ks%'")).toEqual([]);
      } finally {
        await r.end();
      }
    } finally {
      await db.drop();
    }
  });

  it('a MariaDB dump with uca1400 collations restores into MySQL as 0900', async () => {
    const c = await other.root();
    try {
      await c.query('CREATE DATABASE xe_maria CHARACTER SET utf8mb4 COLLATE utf8mb4_uca1400_ai_ci');
      await c.query(
        'CREATE TABLE xe_maria.word (id INT PRIMARY KEY, w VARCHAR(20) COLLATE utf8mb4_uca1400_as_cs, b VARCHAR(10) COLLATE utf8mb4_nopad_bin) COLLATE utf8mb4_uca1400_ai_ci',
      );
      await c.query("INSERT INTO xe_maria.word VALUES (1, 'Straße', 'x '), (2, 'café', 'y')");
    } finally {
      await c.end();
    }
    const file = await other.dump('xe_maria', path.join(dir, 'maria.sql'));
    const target = await createTestDatabase('xe_from_maria');
    try {
      const profile = await createProfileForTestDb(t, target.name);
      const report = await preflightWhenLockFree(t, { profileId: profile.id, file, targetDatabase: target.name });
      expect(report.ok, JSON.stringify(report.checks)).toBe(true);
      expect(report.crossEngine.collations).toEqual(
        expect.arrayContaining([
          { from: 'utf8mb4_uca1400_ai_ci', to: 'utf8mb4_0900_ai_ci' },
          { from: 'utf8mb4_uca1400_as_cs', to: 'utf8mb4_0900_as_cs' },
          { from: 'utf8mb4_nopad_bin', to: 'utf8mb4_0900_bin' },
        ]),
      );
      const job = await restoreAndWait(t, {
        profileId: profile.id,
        file,
        targetDatabase: target.name,
        options: { lockTimeoutSeconds: TEST_LOCK_TIMEOUT_SECONDS },
      });
      expect(job.state, await jobErrors(t, job)).toBe('succeeded');
      const dst = await rootConnection({ database: target.name });
      try {
        expect(await rowsOf(dst, 'SELECT id, w, b FROM word ORDER BY id')).toEqual([
          { id: 1, w: 'Straße', b: 'x ' },
          { id: 2, w: 'café', b: 'y' },
        ]);
        const [create] = (await rowsOf(dst, 'SHOW CREATE TABLE word')) as Array<Record<string, string>>;
        expect(create?.['Create Table']).toMatch(/utf8mb4_0900_as_cs/);
        expect(create?.['Create Table']).not.toMatch(/uca1400/);
      } finally {
        await dst.end();
      }
    } finally {
      await target.drop();
    }
  });
});
