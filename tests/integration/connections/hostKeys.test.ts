import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../fixtures/app';
import { createProfileForTestDb, createTestDatabase, type TestDatabase } from '../../fixtures/mysql';
import { keyAuthHop, type SshdFixture, startSshd } from '../../fixtures/sshd';

/** Host key trust against a real sshd: first contact, pinning, a changed key, and ~/.ssh/known_hosts. */
describe('SSH host keys', () => {
  let t: TestApp;
  let sshd: SshdFixture;
  let db: TestDatabase;
  let sshDir: string;
  let profileId: string;
  const savedSshDir = process.env.SYSNDD_ADMIN_SSH_DIR;

  beforeAll(async () => {
    [sshd, db] = await Promise.all([startSshd(), createTestDatabase('conn_hostkeys')]);
    // The app reads known_hosts from this folder instead of the real ~/.ssh.
    sshDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sysndd-ssh-dir-'));
    process.env.SYSNDD_ADMIN_SSH_DIR = sshDir;
    t = createTestApp();
    const p = await createProfileForTestDb(t, db.name, {
      name: 'host key profile',
      ssh: keyAuthHop(sshd),
    });
    profileId = p.id;
  });

  afterAll(async () => {
    if (savedSshDir === undefined) delete process.env.SYSNDD_ADMIN_SSH_DIR;
    else process.env.SYSNDD_ADMIN_SSH_DIR = savedSshDir;
    await t?.close();
    await Promise.all([sshd?.stop(), db?.drop()]);
    fs.rmSync(sshDir, { recursive: true, force: true });
  });

  it('stops at first contact with the SHA-256 fingerprint, before sending credentials', async () => {
    const r = await t.ok('connections.test', { profileId });
    expect(r.ok).toBe(false);
    expect(r.failure).toMatchObject({ stage: 'ssh.handshake', code: 'HOST_KEY_UNKNOWN' });
    expect(r.failure?.message).toContain(sshd.hostKeyFingerprint);
    expect(r.hostKeys).toEqual([
      expect.objectContaining({
        status: 'unknown',
        fingerprint: sshd.hostKeyFingerprint,
        keyType: 'ssh-ed25519',
        port: sshd.port,
      }),
    ]);
    expect(r.stages.find((s) => s.id === 'ssh.auth')?.status).toBe('skipped');
    // The pool path refuses the same way, with the fingerprint in the failure details for the UI dialog.
    const via = await t.call('connections.state', { profileId });
    expect(via.ok).toBe(true);
    await expect(t.app.connections.withConnection(profileId, async () => 1)).rejects.toMatchObject({
      code: 'HOST_KEY_UNKNOWN',
      details: expect.objectContaining({ fingerprint: sshd.hostKeyFingerprint }),
    });
    expect(t.app.connections.state(profileId)).toMatchObject({ state: 'failed', lastError: { code: 'HOST_KEY_UNKNOWN' } });
    // Nothing was pinned by merely looking.
    expect((await t.ok('connections.knownHosts.list', {})).entries).toEqual([]);
  });

  it('accepts the key only when the offered fingerprint matches', async () => {
    const wrong = 'SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';
    const r1 = await t.ok('connections.test', { profileId, acceptHostKey: wrong });
    expect(r1.failure?.code).toBe('HOST_KEY_UNKNOWN');
    const r2 = await t.ok('connections.test', { profileId, acceptHostKey: sshd.hostKeyFingerprint });
    expect(r2.ok).toBe(true);
    const list = await t.ok('connections.knownHosts.list', {});
    expect(list.entries).toEqual([
      expect.objectContaining({
        host: '127.0.0.1',
        port: sshd.port,
        keyType: 'ssh-ed25519',
        fingerprint: sshd.hostKeyFingerprint,
      }),
    ]);
    // Pinned: later connections go through without asking, also from the pool.
    expect(await t.app.connections.withConnection(profileId, async (c) => (await c.query('SELECT 7 AS n'))[0])).toEqual([
      { n: 7 },
    ]);
  });

  it('refuses a changed host key, naming both fingerprints', async () => {
    await t.app.connections.closeProfile(profileId);
    const old = sshd.hostKeyFingerprint;
    await sshd.restart({ newHostKey: true });
    expect(sshd.hostKeyFingerprint).not.toBe(old);
    const r = await t.ok('connections.test', { profileId, acceptHostKey: sshd.hostKeyFingerprint });
    expect(r.failure).toMatchObject({ stage: 'ssh.handshake', code: 'HOST_KEY_CHANGED' });
    expect(r.failure?.message).toContain(old);
    expect(r.failure?.message).toContain(sshd.hostKeyFingerprint);
    expect(r.hostKeys[0]).toMatchObject({ status: 'changed', knownFingerprint: old, fingerprint: sshd.hostKeyFingerprint });
    await expect(t.app.connections.withConnection(profileId, async () => 1)).rejects.toMatchObject({ code: 'HOST_KEY_CHANGED' });
    // Trusting the new key over the pinned one is refused; forgetting first is the explicit way.
    const clash = await t.call('connections.trustHostKey', {
      host: sshd.host,
      port: sshd.port,
      keyType: 'ssh-ed25519',
      fingerprint: sshd.hostKeyFingerprint,
    });
    expect(clash).toMatchObject({ ok: false, code: 'CONFLICT' });
    expect(await t.ok('connections.knownHosts.forget', { host: sshd.host, port: sshd.port })).toEqual({ removed: 1 });
    await t.ok('connections.trustHostKey', {
      host: sshd.host,
      port: sshd.port,
      keyType: 'ssh-ed25519',
      fingerprint: sshd.hostKeyFingerprint,
    });
    expect((await t.ok('connections.test', { profileId })).ok).toBe(true);
    const audit = t.app.audit.list({ action: 'connections.knownHosts.forget' });
    expect(audit[0]).toMatchObject({ target: `127.0.0.1:${sshd.port}`, result: 'succeeded' });
  });

  it("honours the user's OpenSSH known_hosts, hashed or plain", async () => {
    await t.app.connections.closeProfile(profileId);
    await t.ok('connections.knownHosts.forget', { host: sshd.host, port: sshd.port });
    const pub = fs
      .readFileSync(path.join(sshd.dir, 'ssh_host_ed25519_key.pub'), 'utf8')
      .trim()
      .split(/\s+/)
      .slice(0, 2)
      .join(' ');
    const file = path.join(sshDir, 'known_hosts');

    fs.writeFileSync(file, `# plain entry\n[127.0.0.1]:${sshd.port} ${pub}\n`);
    let r = await t.ok('connections.test', { profileId });
    expect(r.ok).toBe(true);
    expect(r.hostKeys[0]).toMatchObject({ status: 'trusted', source: 'openssh' });

    // `ssh-keygen -H` hashes the host names the way HashKnownHosts does.
    execFileSync('ssh-keygen', ['-H', '-f', file], { stdio: 'ignore' });
    expect(fs.readFileSync(file, 'utf8')).toMatch(/^\|1\|/m);
    r = await t.ok('connections.test', { profileId });
    expect(r.hostKeys[0]).toMatchObject({ status: 'trusted', source: 'openssh' });
    expect((await t.ok('connections.knownHosts.list', {})).opensshFiles).toEqual([{ path: file, entries: 1 }]);

    // A different key of the same type for this host in known_hosts means "changed", like OpenSSH says.
    const otherKey = path.join(sshDir, 'other');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', otherKey], { stdio: 'ignore' });
    const otherPub = fs.readFileSync(`${otherKey}.pub`, 'utf8').trim().split(/\s+/).slice(0, 2).join(' ');
    fs.writeFileSync(file, `[127.0.0.1]:${sshd.port} ${otherPub}\n`);
    r = await t.ok('connections.test', { profileId });
    expect(r.failure?.code).toBe('HOST_KEY_CHANGED');
    expect(r.failure?.message).toContain('known_hosts');
    fs.rmSync(file);
  });
});

/** First contact inside a tunnel (what backup/migrate/restore meet): the prompt the CLI installs on a terminal. */
describe('SSH host keys: first contact in a tunnel', () => {
  let t: TestApp;
  let sshd: SshdFixture;
  let db: TestDatabase;
  let profileId: string;

  beforeAll(async () => {
    [sshd, db] = await Promise.all([startSshd(), createTestDatabase('conn_hostkey_prompt')]);
    t = createTestApp();
    const p = await createProfileForTestDb(t, db.name, {
      name: 'prompted',
      ssh: keyAuthHop(sshd),
    });
    profileId = p.id;
  });

  afterAll(async () => {
    await t?.close();
    await Promise.all([sshd?.stop(), db?.drop()]);
  });

  const select1 = () => t.app.connections.withConnection(profileId, async (c) => (await c.query('SELECT 1 AS one'))[0]);

  it('a declined prompt fails with HOST_KEY_UNKNOWN; an accepted one pins the key and the query runs', async () => {
    const asked: string[] = [];
    t.app.connections.hostKeyPrompt = async (check) => {
      asked.push(check.fingerprint);
      return false;
    };
    await expect(select1()).rejects.toMatchObject({ code: 'HOST_KEY_UNKNOWN' });
    expect(asked).toEqual([sshd.hostKeyFingerprint]);
    expect(t.app.connections.hostKeys.list()).toEqual([]);

    // The failed tunnel stays failed until the next use; a fresh link asks again.
    await t.app.connections.closeProfile(profileId);
    t.app.connections.hostKeyPrompt = async (check) => {
      asked.push(check.fingerprint);
      t.app.connections.hostKeys.trust(check.host, check.port, check.keyType, check.fingerprint);
      return true;
    };
    expect(await select1()).toEqual([{ one: 1 }]);
    expect(asked).toEqual([sshd.hostKeyFingerprint, sshd.hostKeyFingerprint]);
    expect(t.app.connections.hostKeys.list()).toEqual([expect.objectContaining({ fingerprint: sshd.hostKeyFingerprint })]);
  });
});
