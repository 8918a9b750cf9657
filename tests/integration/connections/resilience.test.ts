import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConnectionState } from '../../../src/shared/contract/events';
import { createTestApp, type TestApp } from '../../fixtures/app';
import { createProfileForTestDb, createTestDatabase, processList, type TestDatabase } from '../../fixtures/mysql';
import { keyAuthHop, type SshdFixture, startSshd } from '../../fixtures/sshd';

/** A tunnel that holds: drops are noticed, reconnected with backoff, callers never hang. Plus jump hosts. */
describe('tunnel drops, keepalive, reconnect and jump hosts', () => {
  let t: TestApp;
  let sshd: SshdFixture;
  let jump: SshdFixture;
  let db: TestDatabase;
  const states = new Map<string, Array<{ state: ConnectionState; at: number }>>();

  beforeAll(async () => {
    [sshd, jump, db] = await Promise.all([startSshd(), startSshd(), createTestDatabase('conn_resilience')]);
    t = createTestApp();
    t.app.events.subscribe((e) => {
      if (e.type !== 'connection.state') return;
      const list = states.get(e.profileId) ?? [];
      list.push({ state: e.state, at: Date.now() });
      states.set(e.profileId, list);
    });
    for (const s of [sshd, jump]) {
      await t.ok('connections.trustHostKey', {
        host: s.host,
        port: s.port,
        keyType: 'ssh-ed25519',
        fingerprint: s.hostKeyFingerprint,
      });
    }
  });

  afterAll(async () => {
    await t?.close();
    await Promise.all([sshd?.stop(), jump?.stop(), db?.drop()]);
  });

  async function tunnelProfile(name: string, keepaliveSeconds: number) {
    return createProfileForTestDb(t, db.name, {
      name,
      ssh: { ...keyAuthHop(sshd), keepaliveSeconds },
    });
  }

  const one = (id: string) =>
    t.app.connections.withConnection(id, async (c) => ((await c.query('SELECT 1 AS one'))[0] as Array<{ one: number }>)[0]?.one);

  it('fails the in-flight query at once when sshd is killed, reconnects, and the next query works', async () => {
    const p = await tunnelProfile('drop', 5);
    expect(await one(p.id)).toBe(1);
    const started = Date.now();
    // Settled into a value at once, so the rejection is never "unhandled" while we kill sshd's sessions.
    const inFlight = t.app.connections
      .withConnection(p.id, (c) => c.query('SELECT SLEEP(20)'))
      .then(
        () => null,
        (err: unknown) => err,
      );
    // The query is really running on the server (through the tunnel) before sshd's sessions are killed.
    await expect
      .poll(async () => (await processList()).some((r) => r.Info === 'SELECT SLEEP(20)'), { timeout: 10_000 })
      .toBe(true);
    expect(await sshd.killSessions()).toBeGreaterThan(0);
    expect(await inFlight).toMatchObject({ code: 'TUNNEL_DROPPED' });
    // Failed by the drop, not by the statement ending: SLEEP(20) would have taken 20 s.
    expect(Date.now() - started).toBeLessThan(15_000);
    // A caller arriving while the tunnel reconnects waits for it instead of failing.
    expect(await one(p.id)).toBe(1);
    const seen = (states.get(p.id) ?? []).map((s) => s.state);
    expect(seen).toEqual(['connecting', 'connected', 'reconnecting', 'connected']);
    expect(t.app.connections.state(p.id)).toMatchObject({ state: 'connected', reconnects: 1 });
    expect(t.app.connections.poolStats(p.id).total).toBe(1);
  });

  it('notices a silent hang through keepalive (no FIN, no RST) and reconnects', async () => {
    const p = await tunnelProfile('silent hang', 1);
    expect(await one(p.id)).toBe(1);
    const before = sessionPids(sshd);
    expect(before.length).toBeGreaterThan(0);
    for (const pid of before) process.kill(pid, 'SIGSTOP');
    try {
      const started = Date.now();
      const inFlight = t.app.connections.withConnection(p.id, (c) => c.query('SELECT SLEEP(30)'));
      await expect(inFlight).rejects.toMatchObject({ code: 'TUNNEL_DROPPED' });
      // keepalive 1 s and 2 unanswered → dead after ~3 s (15 s with the default 5 s).
      const detectedAfter = Date.now() - started;
      expect(detectedAfter).toBeGreaterThan(1_500);
      expect(detectedAfter).toBeLessThan(6_000);
      expect(await one(p.id)).toBe(1);
      expect(t.app.connections.state(p.id)).toMatchObject({ state: 'connected', reconnects: 1 });
    } finally {
      for (const pid of before) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // Already gone.
        }
      }
    }
  });

  it('reaches MySQL through a jump host (a second ssh2 client over a forwarded channel)', async () => {
    const p = await createProfileForTestDb(t, db.name, {
      name: 'via jump',
      ssh: {
        ...keyAuthHop(sshd),
        jump: { host: jump.host, port: jump.port, user: jump.user, auth: 'key', privateKeyPath: jump.privateKeyPath },
      },
    });
    const r = await t.ok('connections.test', { profileId: p.id });
    expect(r.failure).toBeNull();
    expect(r.stages.slice(0, 7).map((s) => `${s.id}:${s.status}`)).toEqual([
      'jump.tcp:ok',
      'jump.handshake:ok',
      'jump.auth:ok',
      'jump.forward:ok',
      'ssh.handshake:ok',
      'ssh.auth:ok',
      'ssh.forward:ok',
    ]);
    expect(r.hostKeys.map((k) => k.fingerprint)).toEqual([jump.hostKeyFingerprint, sshd.hostKeyFingerprint]);
    expect(await one(p.id)).toBe(1);
    expect(t.app.connections.state(p.id)).toMatchObject({ state: 'connected', via: 'ssh+jump' });
    // Killing the jump host's sessions drops the inner link too; once that is noticed, both come back.
    await jump.killSessions();
    await waitFor(() => t.app.connections.state(p.id).reconnects === 1, 5_000);
    expect(await one(p.id)).toBe(1);
    expect(t.app.connections.state(p.id).reconnects).toBe(1);
  });

  it('asks about an unknown target key behind a known jump host', async () => {
    await t.ok('connections.knownHosts.forget', { host: sshd.host, port: sshd.port });
    try {
      const p = await createProfileForTestDb(t, db.name, {
        name: 'jump unknown target',
        ssh: {
          ...keyAuthHop(sshd),
          jump: { host: jump.host, port: jump.port, user: jump.user, auth: 'key', privateKeyPath: jump.privateKeyPath },
        },
      });
      const r = await t.ok('connections.test', { profileId: p.id });
      expect(r.failure).toMatchObject({ stage: 'ssh.handshake', code: 'HOST_KEY_UNKNOWN' });
      expect(r.stages.find((s) => s.id === 'jump.forward')?.status).toBe('ok');
    } finally {
      await t.ok('connections.trustHostKey', {
        host: sshd.host,
        port: sshd.port,
        keyType: 'ssh-ed25519',
        fingerprint: sshd.hostKeyFingerprint,
      });
    }
  });

  it('gives up after the backoff schedule when the SSH host stays away, and tells waiting callers', async () => {
    const lonely = await startSshd();
    await t.ok('connections.trustHostKey', {
      host: lonely.host,
      port: lonely.port,
      keyType: 'ssh-ed25519',
      fingerprint: lonely.hostKeyFingerprint,
    });
    t.app.connections.tuning.reconnectDelaysMs = [50, 100, 200];
    try {
      const p = await createProfileForTestDb(t, db.name, {
        name: 'goes away',
        ssh: {
          host: lonely.host,
          port: lonely.port,
          user: lonely.user,
          auth: 'key',
          privateKeyPath: lonely.privateKeyPath,
          keepaliveSeconds: 5,
        },
      });
      expect(await one(p.id)).toBe(1);
      await lonely.stop();
      await expect(one(p.id)).rejects.toMatchObject({ code: expect.stringMatching(/TUNNEL_DROPPED|HOST_UNREACHABLE/) });
      await waitFor(() => t.app.connections.state(p.id).state === 'failed', 5_000);
      expect(t.app.connections.state(p.id).lastError?.code).toMatch(/TUNNEL_DROPPED|HOST_UNREACHABLE/);
      expect((states.get(p.id) ?? []).map((s) => s.state)).toContain('failed');
    } finally {
      t.app.connections.tuning.reconnectDelaysMs = [250, 500, 1000, 2000, 4000, 8000, 15000, 15000];
    }
  });
});

/** sshd's per-connection processes: everything below the listener whose pid sshd wrote to its PidFile. */
function sessionPids(s: SshdFixture): number[] {
  const listener = Number(fs.readFileSync(path.join(s.dir, 'sshd.pid'), 'utf8').trim());
  const parentOf = new Map<number, number>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      parentOf.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // Ended meanwhile.
    }
  }
  const found: number[] = [];
  const queue = [listener];
  while (queue.length) {
    const parent = queue.shift() as number;
    for (const [pid, ppid] of parentOf) if (ppid === parent) found.push(pid), queue.push(pid);
  }
  return found;
}

async function waitFor(cond: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 25));
  }
}
