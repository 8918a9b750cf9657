import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../fixtures/app';
import { createProfileForTestDb, createTestDatabase, mysqlInfo, rootConnection, type TestDatabase } from '../../fixtures/mysql';

/** Direct MySQL connections (no SSH): the pool, the staged test and the failures people hit most. */
describe('direct connections and the staged test', () => {
  let t: TestApp;
  let db: TestDatabase;
  let other: TestDatabase;
  let migrationsDir: string;
  const limitedUser = `lim_${randomBytes(3).toString('hex')}`;
  const limitedPassword = `L${randomBytes(8).toString('hex')}`;

  beforeAll(async () => {
    [db, other] = await Promise.all([createTestDatabase('conn_direct'), createTestDatabase('conn_direct_other')]);
    t = createTestApp();
    migrationsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sysndd-migrations-'));
    for (const f of ['000_initialize_base_schema.sql', '001_add_a.sql', '002_add_b.sql'])
      fs.writeFileSync(path.join(migrationsDir, f), 'SELECT 1;\n');
    const root = await rootConnection();
    try {
      await root.query('CREATE USER ?@? IDENTIFIED BY ?', [limitedUser, '%', limitedPassword]);
      await root.query(`GRANT SELECT ON \`${other.name}\`.* TO ?@?`, [limitedUser, '%']);
    } finally {
      await root.end();
    }
  });

  afterAll(async () => {
    await t?.close();
    const root = await rootConnection();
    await root.query('DROP USER IF EXISTS ?@?', [limitedUser, '%']).finally(() => root.end());
    await Promise.all([db?.drop(), other?.drop()]);
    fs.rmSync(migrationsDir, { recursive: true, force: true });
  });

  it('connects directly, pools, and reports state', async () => {
    const p = await createProfileForTestDb(t, db.name, { name: 'direct ok' });
    const got = await t.app.connections.withConnection(p.id, async (c) => (await c.query('SELECT DATABASE() AS d'))[0]);
    expect(got).toEqual([{ d: db.name }]);
    expect(await t.ok('connections.state', { profileId: p.id })).toMatchObject({
      state: 'connected',
      via: 'direct',
      lastError: null,
    });
    expect(await t.ok('connections.poolStats', { profileId: p.id })).toMatchObject({ total: 1, idle: 1, active: 0 });
    await t.ok('connections.close', { profileId: p.id });
    expect(await t.ok('connections.poolStats', { profileId: p.id })).toMatchObject({ total: 0 });
  });

  it('counts pending migrations against schema_version (success = TRUE rows only)', async () => {
    const p = await createProfileForTestDb(t, db.name, { name: 'direct migrations', migrationsDir });
    let r = await t.ok('connections.test', { profileId: p.id });
    expect(r.ok).toBe(true);
    expect(r.stages.map((s) => s.id)).toEqual([
      'mysql.tcp',
      'mysql.handshake',
      'mysql.auth',
      'mysql.select1',
      'mysql.version',
      'mysql.grants',
      'mysql.database',
      'mysql.migrations',
    ]);
    expect(r.migrations).toEqual({ schemaVersionPresent: false, applied: 0, files: 3, pending: 3, folder: migrationsDir });
    const root = await rootConnection({ database: db.name });
    try {
      await root.query(
        'CREATE TABLE schema_version (filename VARCHAR(255) PRIMARY KEY, applied_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP, success BOOLEAN DEFAULT TRUE)',
      );
      await root.query(
        "INSERT INTO schema_version (filename, success) VALUES ('000_initialize_base_schema.sql', TRUE), ('001_add_a.sql', FALSE)",
      );
    } finally {
      await root.end();
    }
    r = await t.ok('connections.test', { profileId: p.id });
    expect(r.migrations).toMatchObject({ schemaVersionPresent: true, applied: 1, files: 3, pending: 2 });
    expect(r.stages.find((s) => s.id === 'mysql.migrations')?.detail).toMatch(/2 of 3/);
  });

  it('tells a wrong password, a refused port and an unknown database apart', async () => {
    const wrong = await createProfileForTestDb(t, db.name, { name: 'direct wrong pw', secrets: { 'mysql.password': 'nope' } });
    const r1 = await t.ok('connections.test', { profileId: wrong.id });
    expect(r1.failure).toMatchObject({ stage: 'mysql.auth', code: 'DB_AUTH_FAILED' });
    expect(r1.stages.find((s) => s.id === 'mysql.handshake')).toMatchObject({ status: 'ok' });
    expect(r1.stages.find((s) => s.id === 'mysql.auth')?.cause).toMatch(/password/);
    const failed = await t.call('profiles.get', { id: wrong.id });
    expect(failed.ok).toBe(true);
    await expect(t.app.connections.withConnection(wrong.id, async () => 1)).rejects.toMatchObject({ code: 'DB_AUTH_FAILED' });
    expect(t.app.connections.state(wrong.id)).toMatchObject({ state: 'failed', lastError: { code: 'DB_AUTH_FAILED' } });

    const refused = await createProfileForTestDb(t, db.name, { name: 'direct refused', mysql: { port: 1 } });
    const r2 = await t.ok('connections.test', { profileId: refused.id });
    expect(r2.failure).toMatchObject({ stage: 'mysql.tcp', code: 'HOST_UNREACHABLE' });

    const unknown = await createProfileForTestDb(t, 'conn_no_such_database', { name: 'direct unknown db' });
    const r3 = await t.ok('connections.test', { profileId: unknown.id });
    expect(r3.failure).toMatchObject({ stage: 'mysql.database', code: 'DB_UNKNOWN_DATABASE' });
    await expect(t.app.connections.withConnection(unknown.id, async () => 1)).rejects.toMatchObject({
      code: 'DB_UNKNOWN_DATABASE',
    });
  });

  it('says when the login works but the database is off limits (1044), with the grants it has', async () => {
    const p = await createProfileForTestDb(t, db.name, {
      name: 'direct limited',
      mysql: { user: limitedUser },
      secrets: { 'mysql.password': limitedPassword },
    });
    const r = await t.ok('connections.test', { profileId: p.id });
    expect(r.failure).toMatchObject({ stage: 'mysql.database', code: 'DB_ACCESS_DENIED' });
    expect(r.grants.join('\n')).toContain(`GRANT SELECT ON \`${other.name}\`.*`);
    expect(r.stages.find((s) => s.id === 'mysql.grants')?.detail).toContain(`SELECT ON \`${other.name}\`.*`);
    await expect(t.app.connections.withConnection(p.id, async () => 1)).rejects.toMatchObject({ code: 'DB_ACCESS_DENIED' });
  });

  it('refuses TLS "required" against a server that offers no TLS, at the handshake', async () => {
    const p = await createProfileForTestDb(t, db.name, { name: 'direct tls on plain server', mysql: { tls: 'required' } });
    const r = await t.ok('connections.test', { profileId: p.id });
    if (r.server === null && r.failure?.stage === 'mysql.handshake') {
      expect(r.failure.code).toBe('DB_TLS_FAILED');
      await expect(t.app.connections.withConnection(p.id, async () => 1)).rejects.toMatchObject({ code: 'DB_TLS_FAILED' });
    } else {
      // A MYSQL_TEST_URL server may have TLS configured, and MySQL always offers TLS (a certificate made
      // by --initialize); then "required" simply works.
      expect(r.ok).toBe(true);
      expect(mysqlInfo().external || mysqlInfo().engine === 'mysql').toBe(true);
    }
  });
});
