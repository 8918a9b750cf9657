import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadAccountName } from '../../../src/main/features/restore/confinement/loadAccount';
import { createTestApp, type TestApp } from '../../fixtures/app';
import { createTestDatabase, mysqlInfo, rootConnection, type TestDatabase } from '../../fixtures/mysql';
import { mariadbDump, preflightWhenLockFree, restoreAndWait, snapshot } from './restoreHelpers';

/**
 * Server-enforced confinement: the file is loaded by a temporary account granted only the shadow schema.
 * An account without CREATE USER is refused with the two ways out; parser-only confinement is the
 * explicit, audited alternative. A statement the allowlist lets through is still stopped by the server.
 */
describe('restore load account', () => {
  let t: TestApp;
  let src: TestDatabase;
  let dir: string;
  let dump: string;
  const suffix = randomBytes(3).toString('hex');
  const limitedUser = `lim_${suffix}`;
  const limitedPassword = randomBytes(9).toString('hex');
  const target = `limdb_${suffix}`;

  beforeAll(async () => {
    t = createTestApp();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rs-acct-'));
    src = await createTestDatabase('limsrc');
    const c = await rootConnection({ database: src.name });
    try {
      await c.query('CREATE TABLE t (id int PRIMARY KEY, v varchar(10))');
      await c.query("INSERT INTO t VALUES (1,'a'),(2,'b')");
      await c.query(`CREATE USER '${limitedUser}'@'%' IDENTIFIED BY '${limitedPassword}'`);
      await c.query(`GRANT ALL PRIVILEGES ON \`limdb\\_${suffix}%\`.* TO '${limitedUser}'@'%'`);
      await c.query(`CREATE DATABASE \`${target}\``);
      await c.query(`CREATE TABLE \`${target}\`.keep (id int)`);
      await c.query(`INSERT INTO \`${target}\`.keep VALUES (42)`);
    } finally {
      await c.end();
    }
    dump = await mariadbDump(src.name, path.join(dir, 'src.sql'));
  });

  afterAll(async () => {
    const c = await rootConnection();
    try {
      await c.query(`DROP USER IF EXISTS '${limitedUser}'@'%'`);
      await c.query(`DROP DATABASE IF EXISTS \`${target}\``);
    } finally {
      await c.end();
    }
    await src.drop();
    await t.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const limitedProfile = async (name: string) => {
    const info = mysqlInfo();
    return (
      await t.ok('profiles.create', {
        profile: {
          name,
          environment: 'development',
          mysql: { host: info.host, port: info.port, user: limitedUser, database: target },
        },
        secrets: { 'mysql.password': limitedPassword },
      })
    ).id;
  };

  /** The run's own load account (named after the run, whose id is the job's), if it is still there. */
  async function loadAccountsLeft(jobId: string): Promise<string[]> {
    const c = await rootConnection();
    try {
      const [r] = await c.query('SELECT User AS u FROM mysql.user WHERE User = ?', [loadAccountName(jobId)]);
      return (r as Array<{ u: string }>).map((x) => x.u);
    } finally {
      await c.end();
    }
  }

  it('refuses an account without CREATE USER, naming both ways out, and changes nothing', async () => {
    const profileId = await limitedProfile('limited, server confinement');
    const before = await snapshot(target);
    const report = await preflightWhenLockFree(t, { profileId, file: dump });
    const check = report.checks.find((c) => c.id === 'confinement');
    expect(check?.status).toBe('fail');
    expect(check?.message).toMatch(/CREATE USER/);
    expect(check?.message).toMatch(/--parser-only-confinement/);
    const job = await restoreAndWait(t, { profileId, file: dump });
    expect(job.state).toBe('failed');
    expect(job.error?.code).toBe('RESTORE_CONFINEMENT_UNAVAILABLE');
    expect(await snapshot(target)).toEqual(before);
  });

  it('restores with parser-only confinement when asked, and the audit row says so', async () => {
    const profileId = await limitedProfile('limited, parser-only');
    const job = await restoreAndWait(t, { profileId, file: dump, options: { confinement: 'parser-only' } });
    expect(job.error ?? null).toBeNull();
    expect(job.state).toBe('succeeded');
    const c = await rootConnection();
    try {
      const [r] = await c.query(`SELECT COUNT(*) AS n FROM \`${target}\`.t`);
      expect((r as Array<{ n: number }>)[0]?.n).toBe(2);
    } finally {
      await c.end();
    }
    const audit = await t.ok('audit.list', { action: 'restore.start' });
    const row = audit.find((e) => e.profileId === profileId);
    expect(row?.target).toMatch(/parser-only confinement/);
    expect(row?.result).toBe('succeeded');
  });

  it('holds parser-only rows to literals: a subquery in VALUES is refused before it runs', async () => {
    const profileId = await limitedProfile('limited, parser-only, subquery');
    const file = path.join(dir, 'subquery.sql');
    const text = fs.readFileSync(dump, 'latin1');
    const at = text.indexOf(';', text.indexOf('INSERT INTO')) + 2;
    fs.writeFileSync(file, `${text.slice(0, at)}INSERT INTO t VALUES (3,(SELECT CURRENT_USER()));\n${text.slice(at)}`, 'latin1');
    const job = await restoreAndWait(t, { profileId, file, options: { confinement: 'parser-only' } });
    expect(job.error?.code).toBe('RESTORE_STATEMENT_REFUSED');
  });

  it('with server confinement, what the allowlist lets through is still stopped by the server', async () => {
    // The test account has CREATE USER: the load runs as a temporary account granted only the shadow schema.
    const db = await createTestDatabase('srvconf');
    try {
      const profileId = (
        await t.ok('profiles.create', {
          profile: {
            name: 'server confinement',
            environment: 'development',
            mysql: { host: mysqlInfo().host, port: mysqlInfo().port, user: mysqlInfo().user, database: db.name },
          },
          secrets: { 'mysql.password': mysqlInfo().password },
        })
      ).id;
      const file = path.join(dir, 'reads-mysql.sql');
      const text = fs.readFileSync(dump, 'latin1');
      const at = text.indexOf(';', text.indexOf('INSERT INTO')) + 2;
      // Allowed by the statement check (INSERT … VALUES into its own table); the value calls a function of
      // another database, which only the server can tell.
      const c = await rootConnection({ database: src.name });
      try {
        await c.query("CREATE FUNCTION leak() RETURNS varchar(10) DETERMINISTIC RETURN 'x'");
      } finally {
        await c.end();
      }
      const reads = `INSERT INTO t VALUES (9,\`${src.name}\`.leak());\n`;
      fs.writeFileSync(file, `${text.slice(0, at)}${reads}${text.slice(at)}`, 'latin1');
      const job = await restoreAndWait(t, { profileId, file });
      expect(job.state).toBe('failed');
      expect(job.error?.message).toMatch(/denied to user '?sysndd_rst_/);
      expect(await loadAccountsLeft(job.id)).toEqual([]);
      const ok = await restoreAndWait(t, { profileId, file: dump });
      expect(ok.state).toBe('succeeded');
      expect(await loadAccountsLeft(ok.id)).toEqual([]);
    } finally {
      await db.drop();
    }
  });
});
