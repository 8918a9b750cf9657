import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../fixtures/app';
import { createTestDatabase, mysqlInfo, onMySql, rootConnection, type TestDatabase } from '../../fixtures/mysql';
import { cli } from '../backups/cliRun';

/** `connect test` shows the account's grants; the password hash MariaDB prints with them never leaves the core. */
// MySQL never prints a password hash in SHOW GRANTS (MariaDB does: IDENTIFIED BY PASSWORD '*…').
describe.skipIf(onMySql())('connection test never shows a password hash from SHOW GRANTS', () => {
  let t: TestApp;
  let db: TestDatabase;
  const user = `hash_${randomBytes(3).toString('hex')}`;
  const password = `H${randomBytes(8).toString('hex')}`;
  let hash = '';

  beforeAll(async () => {
    db = await createTestDatabase('conn_grants');
    t = createTestApp();
    const root = await rootConnection();
    try {
      await root.query('CREATE USER ?@? IDENTIFIED BY ?', [user, '%', password]);
      await root.query(`GRANT SELECT ON \`${db.name}\`.* TO ?@?`, [user, '%']);
      const [rows] = await root.query('SHOW GRANTS FOR ?@?', [user, '%']);
      const lines = (rows as Array<Record<string, string>>).map((r) => Object.values(r)[0] ?? '');
      hash = /'(\*[0-9A-F]{40})'/.exec(lines.join('\n'))?.[1] ?? '';
    } finally {
      await root.end();
    }
  });

  afterAll(async () => {
    await t?.close();
    const root = await rootConnection();
    await root.query('DROP USER IF EXISTS ?@?', [user, '%']).finally(() => root.end());
    await db?.drop();
  });

  it('the server does print the hash (so the checks below can fail)', () => {
    expect(hash).toMatch(/^\*[0-9A-F]{40}$/);
  });

  it('the report (every door reads it) has the grants with the hash redacted', async () => {
    const info = mysqlInfo();
    const p = await t.ok('profiles.create', {
      profile: {
        name: 'hashed account',
        environment: 'development',
        mysql: { host: info.host, port: info.port, user, database: db.name },
      },
      secrets: { 'mysql.password': password },
    });
    const r = await t.ok('connections.test', { profileId: p.id });
    expect(r.ok).toBe(true);
    const text = JSON.stringify(r);
    expect(text).not.toContain(hash);
    expect(text).not.toContain(hash.slice(1));
    expect(r.grants.some((g) => g.includes("IDENTIFIED BY PASSWORD '<redacted>'"))).toBe(true);
    expect(r.grants.some((g) => g.includes(`GRANT SELECT ON \`${db.name}\`.*`))).toBe(true);
  });

  it('`connect test` prints no hash, in words or JSON', async () => {
    const info = mysqlInfo();
    const home = fs.mkdtempSync('/tmp/sysndd-grants-cli-');
    const prev = process.env.MYSQL_PWD;
    process.env.MYSQL_PWD = password;
    try {
      const url = `mysql://${user}@${info.host}:${info.port}/${db.name}`;
      for (const args of [
        ['connect', 'test', '--url', url],
        ['--json', 'connect', 'test', '--url', url],
      ]) {
        const r = await cli(args, home);
        expect(r.code, r.err).toBe(0);
        expect(r.out).toContain('<redacted>');
        expect(r.out + r.err).not.toContain(hash.slice(1));
      }
    } finally {
      if (prev === undefined) delete process.env.MYSQL_PWD;
      else process.env.MYSQL_PWD = prev;
      fs.rmSync(home, { recursive: true, force: true });
    }
  });
});
