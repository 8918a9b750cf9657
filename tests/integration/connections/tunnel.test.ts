import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppEvent } from '../../../src/shared/contract/events';
import { createTestApp, type TestApp } from '../../fixtures/app';
import { createProfileForTestDb, createTestDatabase, mysqlInfo, type TestDatabase } from '../../fixtures/mysql';
import { keyAuthHop, type SshdFixture, startSshd } from '../../fixtures/sshd';

/** MySQL over ssh2 forwardOut channels through a real OpenSSH sshd: pool, dedicated, SFTP, local forward. */
describe('SSH tunnel to MariaDB', () => {
  let t: TestApp;
  let sshd: SshdFixture;
  let db: TestDatabase;
  let profileId: string;
  const events: AppEvent[] = [];

  beforeAll(async () => {
    [sshd, db] = await Promise.all([startSshd(), createTestDatabase('conn_tunnel')]);
    t = createTestApp();
    t.app.events.subscribe((e) => events.push(e));
    await t.ok('connections.trustHostKey', {
      host: sshd.host,
      port: sshd.port,
      keyType: 'ssh-ed25519',
      fingerprint: sshd.hostKeyFingerprint,
    });
    const p = await createProfileForTestDb(t, db.name, {
      name: 'tunnelled',
      ssh: keyAuthHop(sshd),
    });
    profileId = p.id;
  });

  afterAll(async () => {
    await t?.close();
    await Promise.all([sshd?.stop(), db?.drop()]);
  });

  it('runs queries over the tunnel and reports pool figures', async () => {
    const rows = await t.app.connections.withConnection(profileId, async (conn) => {
      const [r] = await conn.query('SELECT DATABASE() AS db, 1 + 1 AS two');
      return r as Array<{ db: string; two: number }>;
    });
    expect(rows[0]).toEqual({ db: db.name, two: 2 });
    const stats = await t.ok('connections.poolStats', { profileId });
    expect(stats).toMatchObject({ total: 1, active: 0, idle: 1, queued: 0, max: 4 });
    const state = await t.ok('connections.state', { profileId });
    expect(state).toMatchObject({ state: 'connected', via: 'ssh' });
    expect(events.some((e) => e.type === 'connection.state' && e.profileId === profileId && e.state === 'connected')).toBe(true);
  });

  it('queues callers beyond the pool size and serves them in turn', async () => {
    const seen: number[] = [];
    let peakQueued = 0;
    const work = Array.from({ length: 7 }, (_, i) =>
      t.app.connections.withConnection(profileId, async (conn) => {
        peakQueued = Math.max(peakQueued, t.app.connections.poolStats(profileId).queued);
        await conn.query('SELECT SLEEP(0.5)');
        seen.push(i);
      }),
    );
    await expect
      .poll(() => t.app.connections.poolStats(profileId), { timeout: 10_000, interval: 10 })
      .toMatchObject({ active: 4, queued: 3 });
    await Promise.all(work);
    expect(seen.sort()).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(t.app.connections.poolStats(profileId)).toMatchObject({ total: 4, active: 0, idle: 4, queued: 0 });
  });

  it('opens several dedicated connections at once, each its own MySQL session', async () => {
    const conns = await Promise.all([0, 1, 2].map(() => t.app.connections.openDedicated(profileId)));
    try {
      const ids = await Promise.all(
        conns.map(async (c) => ((await c.query('SELECT CONNECTION_ID() AS id'))[0] as Array<{ id: number }>)[0]?.id),
      );
      expect(new Set(ids).size).toBe(3);
      // A connection-scoped lock held by one dedicated connection is visible as busy to another.
      const [a, b] = conns as [(typeof conns)[0], (typeof conns)[0]];
      const [got] = await a.query("SELECT GET_LOCK('conn_test_lock', 0) AS got");
      expect((got as Array<{ got: number }>)[0]?.got).toBe(1);
      const [other] = await b.query("SELECT GET_LOCK('conn_test_lock', 0) AS got");
      expect((other as Array<{ got: number }>)[0]?.got).toBe(0);
      expect(t.app.connections.poolStats(profileId).dedicated).toBe(3);
    } finally {
      await Promise.all(conns.map((c) => c.end()));
    }
    await expect.poll(() => t.app.connections.poolStats(profileId).dedicated, { timeout: 10_000 }).toBe(0);
  });

  it('gives an SFTP session on the SSH host', async () => {
    const sftp = await t.app.connections.openSftp(profileId);
    try {
      const list = await new Promise<string[]>((resolve, reject) =>
        sftp.readdir(sshd.dir, (err, entries) => (err ? reject(err) : resolve(entries.map((e) => e.filename)))),
      );
      expect(list).toContain('authorized_keys');
    } finally {
      sftp.end();
    }
  });

  it('offers a 127.0.0.1 port for external tools (the mariadb client runs through it)', async () => {
    const fwd = await t.app.connections.openLocalForward(profileId);
    try {
      expect(fwd.host).toBe('127.0.0.1');
      expect(fwd.port).not.toBe(mysqlInfo().port);
      // Asynchronously: the forward is served by this very process, so a blocking child would deadlock it.
      const { stdout } = await promisify(execFile)(
        'mariadb',
        ['-h', fwd.host, '-P', String(fwd.port), '-u', mysqlInfo().user, '-N', '-e', 'SELECT 40 + 2'],
        { env: { ...process.env, MYSQL_PWD: mysqlInfo().password }, encoding: 'utf8', timeout: 20_000 },
      );
      expect(stdout.trim()).toBe('42');
    } finally {
      await fwd.close();
    }
  });

  it('reports a MySQL wrong password and an unknown database through the tunnel', async () => {
    const bad = await t.ok('profiles.duplicate', { id: profileId, name: 'tunnel bad password' });
    await t.ok('profiles.update', { id: bad.id, profile: strip(bad), secrets: { 'mysql.password': 'wrong-password' } });
    const r1 = await t.ok('connections.test', { profileId: bad.id });
    expect(r1.ok).toBe(false);
    expect(r1.failure).toMatchObject({ stage: 'mysql.auth', code: 'DB_AUTH_FAILED' });
    expect(r1.stages.find((s) => s.id === 'ssh.forward')?.status).toBe('ok');
    await expect(t.app.connections.withConnection(bad.id, async () => 1)).rejects.toMatchObject({ code: 'DB_AUTH_FAILED' });

    const nodb = await t.ok('profiles.duplicate', { id: profileId, name: 'tunnel no db' });
    await t.ok('profiles.update', {
      id: nodb.id,
      profile: { ...strip(nodb), mysql: { ...nodb.mysql, database: 'no_such_db_here' } },
      secrets: { 'mysql.password': mysqlInfo().password },
    });
    const r2 = await t.ok('connections.test', { profileId: nodb.id });
    expect(r2.failure).toMatchObject({ stage: 'mysql.database', code: 'DB_UNKNOWN_DATABASE' });
    expect(r2.stages.find((s) => s.id === 'mysql.select1')?.status).toBe('ok');
    expect(r2.database).toEqual({ name: 'no_such_db_here', exists: false });
    await expect(t.app.connections.withConnection(nodb.id, async () => 1)).rejects.toMatchObject({ code: 'DB_UNKNOWN_DATABASE' });
  });

  it('passes the full staged test through the tunnel', async () => {
    const r = await t.ok('connections.test', { profileId });
    expect(r.failure).toBeNull();
    expect(r.ok).toBe(true);
    expect(r.stages.map((s) => [s.id, s.status])).toEqual([
      ['ssh.tcp', 'ok'],
      ['ssh.handshake', 'ok'],
      ['ssh.auth', 'ok'],
      ['ssh.forward', 'ok'],
      ['mysql.handshake', 'ok'],
      ['mysql.auth', 'ok'],
      ['mysql.select1', 'ok'],
      ['mysql.version', 'ok'],
      ['mysql.grants', 'ok'],
      ['mysql.database', 'ok'],
      ['mysql.migrations', 'ok'],
    ]);
    expect(r.hostKeys[0]).toMatchObject({ status: 'trusted', source: 'app', fingerprint: sshd.hostKeyFingerprint });
    expect(r.server?.version).toContain(mysqlInfo().version.split('-')[0]);
    // MySQL lists ALL PRIVILEGES one by one (static ones, then dynamic ones like BACKUP_ADMIN).
    expect(r.grants.join('\n')).toMatch(
      mysqlInfo().engine === 'mysql' ? /GRANT SELECT, INSERT, .* ON \*\.\*/ : /GRANT ALL PRIVILEGES ON \*\.\*/,
    );
    expect(r.migrations).toMatchObject({ schemaVersionPresent: false, applied: 0 });
    for (const s of r.stages) expect(s.latencyMs).toBeGreaterThanOrEqual(0);
  });
});

function strip<T extends { id: string; transient: boolean; secrets: unknown; createdAt: string; updatedAt: string }>(p: T) {
  const { id: _i, transient: _t, secrets: _s, createdAt: _c, updatedAt: _u, ...body } = p;
  return body;
}
