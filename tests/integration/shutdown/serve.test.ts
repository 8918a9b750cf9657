import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobSnapshot } from '../../../src/shared/contract/index';
import { type PrivateMariaDb, startPrivateMariaDb } from '../../fixtures/mysql';
import { type SshdFixture, startSshd } from '../../fixtures/sshd';
import { killLeftovers, startCli, tempHome } from './cliProcess';

/**
 * `sysndd-admin serve` stopped by SIGTERM (a service manager, `docker stop`) while a browser-started job
 * runs through an SSH tunnel: the job ends "cancelled", the tunnel is closed with a proper SSH disconnect,
 * the port stops listening, and the process exits 0 (stopping is how a server ends).
 * A private MariaDB because the migration lock is server-wide (see migrate.test.ts).
 */
let sshd: SshdFixture;
let server: PrivateMariaDb;
const dirs: string[] = [];

beforeAll(async () => {
  [sshd, server] = await Promise.all([startSshd(), startPrivateMariaDb()]);
  const { host, port, rootUser, rootPassword } = server.info;
  const c = await mysql.createConnection({ host, port, user: rootUser, password: rootPassword });
  await c.query('CREATE DATABASE served');
  await c.end();
});
afterAll(async () => {
  killLeftovers();
  await Promise.all([sshd?.stop(), server?.stop()]);
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

/** sshd's side of each client connection: ESTABLISHED sockets on its port (/proc/net/tcp, Linux). */
function sshSessions(port: number): number {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  return fs
    .readFileSync('/proc/net/tcp', 'utf8')
    .split('\n')
    .slice(1)
    .map((line) => line.trim().split(/\s+/))
    .filter((cols) => cols[1]?.endsWith(`:${hexPort}`) && cols[3] === '01').length;
}

async function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });
}

describe('serve stopped by SIGTERM', () => {
  it('cancels the running job, closes the SSH tunnel and the port, exits 0', async () => {
    const home = tempHome('shutdown-serve');
    const migrations = fs.mkdtempSync(path.join(os.tmpdir(), 'sysndd-shutdown-serve-'));
    dirs.push(home, migrations);
    const slow = Array.from({ length: 40 }, (_, i) => `DO SLEEP(0.25);\nINSERT INTO ticks VALUES (${i});\n`).join('');
    fs.writeFileSync(path.join(migrations, '001_ticks.sql'), 'CREATE TABLE ticks (n INT);\n');
    fs.writeFileSync(path.join(migrations, '002_slow.sql'), slow);

    // This test is about the API and shutdown, not the UI: a one-page renderer keeps it independent of
    // `npm run build` (the e2e suite covers the real renderer).
    const renderer = fs.mkdtempSync(path.join(os.tmpdir(), 'sysndd-shutdown-renderer-'));
    dirs.push(renderer);
    fs.writeFileSync(path.join(renderer, 'index.html'), '<!doctype html><title>SysNDD Admin</title>');
    const cli = startCli(['--json', 'serve', '--port', '0', '--renderer-dir', renderer], { SYSNDD_ADMIN_HOME: home });
    const listening = (await cli.waitForLine((l) => l.type === 'listening')) as { url: string; port: number };
    const token = new URL(listening.url).hash.replace('#token=', '');
    const origin = `http://127.0.0.1:${listening.port}`;
    const call = async <T>(op: string, args: unknown): Promise<T> => {
      const res = await fetch(`${origin}/api/call/${op}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
        body: JSON.stringify(args),
      });
      const body = (await res.json()) as { ok: boolean; value?: T; code?: string; message?: string };
      if (!body.ok) throw new Error(`${op}: ${body.code}: ${body.message}`);
      return body.value as T;
    };

    // What a person does in the browser: trust the host key, save a tunnelled profile, start a migration.
    await call('connections.trustHostKey', {
      host: sshd.host,
      port: sshd.port,
      keyType: 'ssh-ed25519',
      fingerprint: sshd.hostKeyFingerprint,
    });
    const profile = await call<{ id: string }>('profiles.create', {
      profile: {
        name: 'served over ssh',
        environment: 'development',
        migrationsDir: migrations,
        mysql: { host: '127.0.0.1', port: server.info.port, user: server.info.rootUser, database: 'served' },
        ssh: { host: sshd.host, port: sshd.port, user: sshd.user, auth: 'key', privateKeyPath: sshd.privateKeyPath },
      },
      secrets: { 'mysql.password': server.info.rootPassword },
    });
    const job = await call<JobSnapshot>('migrations.migrate', { profileId: profile.id });
    await expect
      .poll(async () => (await call<JobSnapshot>('jobs.get', { id: job.id })).progress.stage, { timeout: 60_000, interval: 50 })
      .toMatch(/^002_slow\.sql statement \d+ of/);
    expect(sshSessions(sshd.port)).toBeGreaterThan(0);
    const logBefore = fs.readFileSync(sshd.logPath, 'utf8');

    cli.child.kill('SIGTERM');
    const { code, signal } = await cli.exited;
    expect(cli.stderr()).toContain('SIGTERM: cancelling 1 running job(s)');
    expect({ code, signal }).toEqual({ code: 0, signal: null });
    expect(cli.lines.at(-1)).toEqual({ type: 'stopped' });
    expect(await portOpen(listening.port)).toBe(false);
    await expect.poll(() => sshSessions(sshd.port), { timeout: 10_000 }).toBe(0);
    // Closed by us (an SSH disconnect message), not dropped with the dead process's sockets.
    const logAfter = fs.readFileSync(sshd.logPath, 'utf8').slice(logBefore.length);
    expect(logAfter).toMatch(/Received disconnect from 127\.0\.0\.1/);
    expect(logAfter).not.toMatch(/Connection (reset|closed) by/);

    // The job history in the app-data folder says "cancelled", as the browser saw it.
    const list = startCli(['--json', 'jobs', 'list', '--kind', 'migrate'], { SYSNDD_ADMIN_HOME: home });
    expect((await list.exited).code).toBe(0);
    expect((list.lines[0] as unknown as JobSnapshot[]).map((j) => [j.id, j.state])).toEqual([[job.id, 'cancelled']]);
  });
});
