import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SecretName, SshSettings } from '../../../src/shared/contract/profiles';
import { createTestApp, type TestApp } from '../../fixtures/app';
import { createProfileForTestDb, createTestDatabase, mysqlInfo, type TestDatabase } from '../../fixtures/mysql';
import { ensurePasswordUser, type SshdFixture, startSshAgent, startSshd } from '../../fixtures/sshd';

/** Every SSH authentication method against real OpenSSH, and the failures a person has to tell apart. */
describe('SSH authentication', () => {
  let t: TestApp;
  let sshd: SshdFixture;
  let db: TestDatabase;
  let n = 0;

  beforeAll(async () => {
    [sshd, db] = await Promise.all([startSshd(), createTestDatabase('conn_sshauth')]);
    t = createTestApp();
    await t.ok('connections.trustHostKey', {
      host: sshd.host,
      port: sshd.port,
      keyType: 'ssh-ed25519',
      fingerprint: sshd.hostKeyFingerprint,
    });
  });

  afterAll(async () => {
    await t?.close();
    await Promise.all([sshd?.stop(), db?.drop()]);
  });

  async function testWith(ssh: Partial<SshSettings>, secrets: Partial<Record<SecretName, string>> = {}) {
    const p = await createProfileForTestDb(t, db.name, {
      name: `auth ${++n}`,
      ssh: { host: sshd.host, port: sshd.port, user: sshd.user, auth: 'key', keepaliveSeconds: 5, ...ssh },
      secrets,
    });
    return { profile: p, report: await t.ok('connections.test', { profileId: p.id }) };
  }

  it('logs in with a private key file', async () => {
    const { report } = await testWith({ auth: 'key', privateKeyPath: sshd.privateKeyPath });
    expect(report.ok).toBe(true);
    expect(report.stages.find((s) => s.id === 'ssh.auth')?.detail).toContain(sshd.privateKeyPath);
  });

  it('logs in with an encrypted key and its saved passphrase', async () => {
    const { report, profile } = await testWith(
      { auth: 'key', privateKeyPath: sshd.encryptedKeyPath },
      { 'ssh.passphrase': sshd.keyPassphrase },
    );
    expect(report.ok).toBe(true);
    expect(await t.app.connections.withConnection(profile.id, async (c) => (await c.query('SELECT 1 AS one'))[0])).toEqual([
      { one: 1 },
    ]);
  });

  it('says the key is encrypted when no passphrase is saved, and that a wrong one is wrong', async () => {
    const missing = await testWith({ auth: 'key', privateKeyPath: sshd.encryptedKeyPath });
    expect(missing.report.failure).toMatchObject({ stage: 'ssh.auth', code: 'SECRET_UNAVAILABLE' });
    expect(missing.report.failure?.message).toMatch(/encrypted/);
    // The host key was still checked and shown.
    expect(missing.report.stages.find((s) => s.id === 'ssh.handshake')?.status).toBe('ok');
    const wrong = await testWith(
      { auth: 'key', privateKeyPath: sshd.encryptedKeyPath },
      { 'ssh.passphrase': 'not-the-passphrase' },
    );
    expect(wrong.report.failure).toMatchObject({ stage: 'ssh.auth', code: 'SSH_AUTH_FAILED' });
    expect(wrong.report.failure?.message).toMatch(/passphrase/);
  });

  it('refuses a key that is not in authorized_keys, and a key file that does not exist', async () => {
    const stranger = path.join(sshd.dir, 'stranger_key');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', stranger], { stdio: 'ignore' });
    const { report, profile } = await testWith({ auth: 'key', privateKeyPath: stranger });
    expect(report.failure).toMatchObject({ stage: 'ssh.auth', code: 'SSH_AUTH_FAILED' });
    expect(report.stages.find((s) => s.id === 'ssh.auth')?.cause).toMatch(/authorized_keys/);
    await expect(t.app.connections.withConnection(profile.id, async () => 1)).rejects.toMatchObject({ code: 'SSH_AUTH_FAILED' });
    const none = await testWith({ auth: 'key', privateKeyPath: path.join(sshd.dir, 'no_such_key') });
    expect(none.report.failure).toMatchObject({ stage: 'ssh.auth', code: 'SSH_AUTH_FAILED' });
    expect(none.report.failure?.message).toMatch(/does not exist/);
  });

  it('logs in through a real ssh-agent, and fails clearly when the agent is gone', async () => {
    const agent = await startSshAgent(sshd.privateKeyPath);
    try {
      const { report } = await testWith({ auth: 'agent', agentSocket: agent.socket });
      expect(report.ok).toBe(true);
      expect(report.stages.find((s) => s.id === 'ssh.auth')?.detail).toContain('agent');
    } finally {
      await agent.stop();
    }
    const gone = await testWith({ auth: 'agent', agentSocket: agent.socket });
    expect(gone.report.failure).toMatchObject({ stage: 'ssh.auth', code: 'SSH_AUTH_FAILED' });
    expect(gone.report.failure?.message).toMatch(/agent/);
  });

  const pw = ensurePasswordUser();
  it.skipIf(!pw.ok)('logs in with a password, and refuses a wrong one', async () => {
    if (!pw.ok) return;
    const good = await testWith({ auth: 'password', user: pw.user }, { 'ssh.password': pw.password });
    expect(good.report.ok).toBe(true);
    const bad = await testWith({ auth: 'password', user: pw.user }, { 'ssh.password': 'wrong-password' });
    expect(bad.report.failure).toMatchObject({ stage: 'ssh.auth', code: 'SSH_AUTH_FAILED' });
    const unsaved = await testWith({ auth: 'password', user: pw.user });
    expect(unsaved.report.failure).toMatchObject({ stage: 'ssh.auth', code: 'SECRET_UNAVAILABLE' });
  });

  it('tells an unreachable SSH port from a port that is not SSH', async () => {
    const closed = await testWith({ auth: 'key', privateKeyPath: sshd.privateKeyPath, port: 1 });
    expect(closed.report.failure).toMatchObject({ stage: 'ssh.tcp', code: 'HOST_UNREACHABLE' });
    expect(closed.report.stages.find((s) => s.id === 'ssh.tcp')?.cause).toMatch(/port/);
    const dns = await testWith({ auth: 'key', privateKeyPath: sshd.privateKeyPath, host: 'no-such-host.invalid' });
    expect(dns.report.failure).toMatchObject({ stage: 'ssh.tcp', code: 'DNS_FAILED' });
    const notSsh = await testWith({ auth: 'key', privateKeyPath: sshd.privateKeyPath, port: mysqlInfo().port });
    expect(notSsh.report.failure).toMatchObject({ stage: 'ssh.handshake', code: 'SSH_HANDSHAKE_FAILED' });
    expect(fs.existsSync(sshd.logPath)).toBe(true);
  });
});
