import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MariaDbServer, type MariaDbServerInfo } from '../../../src/main/features/sandbox/MariaDbServer';
import { createTestApp, type TestApp } from '../../fixtures/app';
import { FIXTURE_SERVERS_DIR, fixtureTemplateDir } from '../../fixtures/mysql';

/** TLS modes against a private MariaDB with a certificate from our own CA and require_secure_transport. */
describe('MySQL TLS modes', () => {
  let t: TestApp;
  let server: MariaDbServer;
  let info: MariaDbServerInfo;
  let dir: string;
  const password = `P${randomBytes(8).toString('hex')}`;

  beforeAll(async () => {
    fs.mkdirSync(FIXTURE_SERVERS_DIR, { recursive: true });
    dir = fs.mkdtempSync(path.join(FIXTURE_SERVERS_DIR, 'mariadb-tls-'));
    makeCertificates(dir);
    server = new MariaDbServer({
      baseDir: path.join(dir, 'server'),
      rootPassword: `R${randomBytes(8).toString('hex')}`,
      durable: false,
      templateDataDir: await fixtureTemplateDir(),
      extraArgs: [
        `--ssl-ca=${path.join(dir, 'ca.pem')}`,
        `--ssl-cert=${path.join(dir, 'server.pem')}`,
        `--ssl-key=${path.join(dir, 'server.key')}`,
      ],
    });
    info = await server.start();
    const root = await mysql.createConnection({
      host: info.host,
      port: info.port,
      user: info.rootUser,
      password: info.rootPassword,
    });
    try {
      await root.query('CREATE USER tlsuser@? IDENTIFIED BY ?', ['%', password]);
      await root.query('GRANT ALL ON *.* TO tlsuser@?', ['%']);
      await root.query('SET GLOBAL require_secure_transport = ON');
    } finally {
      await root.end();
    }
    t = createTestApp();
  });

  afterAll(async () => {
    await t?.close();
    await server?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  async function profileWith(name: string, tls: 'off' | 'required' | 'verify', caFile?: string) {
    return t.ok('profiles.create', {
      profile: { name, mysql: { host: info.host, port: info.port, user: 'tlsuser', tls, caFile } },
      secrets: { 'mysql.password': password },
    });
  }

  it('explains that the server requires TLS when TLS is off (MariaDB answers 1045 like a bad password)', async () => {
    const p = await profileWith('tls off', 'off');
    const r = await t.ok('connections.test', { profileId: p.id });
    expect(r.stages.find((s) => s.id === 'mysql.handshake')?.detail).toMatch(/TLS offered/);
    expect(r.failure).toMatchObject({ stage: 'mysql.auth', code: 'DB_TLS_REQUIRED' });
    expect(r.stages.find((s) => s.id === 'mysql.auth')?.cause).toMatch(/required/);
  });

  it('connects encrypted with "required" and with "verify" against the right CA', async () => {
    for (const [name, mode, ca] of [
      ['tls required', 'required', undefined],
      ['tls verify', 'verify', path.join(dir, 'ca.pem')],
    ] as const) {
      const p = await profileWith(name, mode, ca);
      const r = await t.ok('connections.test', { profileId: p.id });
      expect(r.ok).toBe(true);
      expect(r.server?.tlsCipher).toMatch(/TLS|AES|CHACHA/);
      const cipher = await t.app.connections.withConnection(
        p.id,
        async (c) => (await c.query("SHOW SESSION STATUS LIKE 'Ssl_cipher'"))[0],
      );
      expect((cipher as Array<{ Value: string }>)[0]?.Value).not.toBe('');
    }
  });

  it('refuses "verify" when the certificate is not signed by the given CA, or no CA is given', async () => {
    const wrong = await profileWith('tls wrong ca', 'verify', path.join(dir, 'other-ca.pem'));
    const r = await t.ok('connections.test', { profileId: wrong.id });
    expect(r.failure).toMatchObject({ stage: 'mysql.auth', code: 'DB_TLS_FAILED' });
    await expect(t.app.connections.withConnection(wrong.id, async () => 1)).rejects.toMatchObject({ code: 'DB_TLS_FAILED' });
    const none = await profileWith('tls no ca', 'verify');
    const r2 = await t.ok('connections.test', { profileId: none.id });
    expect(r2.failure).toMatchObject({ code: 'DB_TLS_FAILED' });
    expect(r2.failure?.message).toMatch(/CA file/);
  });
});

/** A CA, a server certificate it signed (for 127.0.0.1/localhost), and an unrelated CA. */
function makeCertificates(dir: string): void {
  const run = (args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  for (const ca of ['ca', 'other-ca']) {
    run([
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      `${ca}.key`,
      '-out',
      `${ca}.pem`,
      '-days',
      '2',
      '-subj',
      `/CN=${ca} test`,
    ]);
  }
  run(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=localhost']);
  fs.writeFileSync(path.join(dir, 'san.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  run([
    'x509',
    '-req',
    '-in',
    'server.csr',
    '-CA',
    'ca.pem',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-out',
    'server.pem',
    '-days',
    '2',
    '-extfile',
    'san.ext',
  ]);
}
