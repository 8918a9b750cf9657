import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ReadinessReport } from '../../../src/shared/contract/health';
import { createTestApp, type TestApp } from '../../fixtures/app';
import { createProfileForTestDb, createTestDatabase, type TestDatabase } from '../../fixtures/mysql';
import { type SshdFixture, startSshd } from '../../fixtures/sshd';

/** The tunnel row through a real OpenSSH sshd: connected after the database row used it, failed with the cause. */
describe('readiness over an SSH tunnel', () => {
  let t: TestApp;
  let sshd: SshdFixture;
  let db: TestDatabase;

  beforeAll(async () => {
    [sshd, db] = await Promise.all([startSshd(), createTestDatabase('ready_tunnel')]);
    t = createTestApp();
  });
  afterAll(async () => {
    await t?.close();
    await Promise.all([sshd?.stop(), db?.drop()]);
  });

  const ssh = () => ({
    host: sshd.host,
    port: sshd.port,
    user: sshd.user,
    auth: 'key' as const,
    privateKeyPath: sshd.privateKeyPath,
    keepaliveSeconds: 5,
  });

  it('an unknown host key fails the database and the tunnel row with HOST_KEY_UNKNOWN', async () => {
    const p = await createProfileForTestDb(t, db.name, { name: 'untrusted', ssh: ssh() });
    const r = ReadinessReport.parse(await t.ok('health.readiness', { profileId: p.id }));
    const rows = Object.fromEntries(r.checks.map((c) => [c.id, c]));
    expect(rows.database).toMatchObject({ status: 'fail', code: 'HOST_KEY_UNKNOWN', fixPage: 'connections' });
    expect(rows.tunnel).toMatchObject({ status: 'fail', code: 'HOST_KEY_UNKNOWN', fixPage: 'connections' });
    expect(rows.database?.detail).toContain(`via SSH ${sshd.host}`);
    expect(rows.pool?.status).toBe('skipped');
    expect(r.ready).toBe(false);
  });

  it('a trusted tunnel is connected and the pool row shows the tunnelled connection', async () => {
    await t.ok('connections.trustHostKey', {
      host: sshd.host,
      port: sshd.port,
      keyType: 'ssh-ed25519',
      fingerprint: sshd.hostKeyFingerprint,
    });
    const p = await createProfileForTestDb(t, db.name, { name: 'tunnelled', ssh: ssh() });
    const r = ReadinessReport.parse(await t.ok('health.readiness', { profileId: p.id }));
    const rows = Object.fromEntries(r.checks.map((c) => [c.id, c]));
    expect(rows.database?.status).toBe('ok');
    expect(rows.tunnel).toMatchObject({ status: 'ok', metrics: { state: 'connected', via: 'ssh', reconnects: 0 } });
    expect(rows.tunnel?.summary).toMatch(/^connected \(ssh\) since /);
    expect(rows.pool).toMatchObject({ status: 'ok', metrics: { total: 1, idle: 1, active: 0 } });
  });
});
