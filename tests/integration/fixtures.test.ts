import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Duplex } from 'node:stream';
import mysql from 'mysql2/promise';
import nodemailer from 'nodemailer';
import { Client, type ConnectConfig } from 'ssh2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../fixtures/app';
import { createProfileForTestDb, createTestDatabase, mysqlInfo, rootConnection, type TestDatabase } from '../fixtures/mysql';
import { startSmtpSink } from '../fixtures/smtp';
import { ensurePasswordUser, type SshdFixture, startSshAgent, startSshd } from '../fixtures/sshd';

describe('MariaDB fixture', () => {
  let db: TestDatabase;
  let testApp: TestApp;
  beforeAll(async () => {
    db = await createTestDatabase('fixture check');
    testApp = createTestApp();
  });
  afterAll(async () => {
    await testApp?.close();
    await db?.drop();
  });

  it('logs in as the non-root test user with its password and sees the test database', async () => {
    const info = mysqlInfo();
    expect(info.user).not.toBe(info.rootUser);
    expect(db.name).toMatch(/^fixture_check_[0-9a-f]{10}$/);
    const conn = await mysql.createConnection({
      host: info.host,
      port: info.port,
      user: info.user,
      password: info.password,
      database: db.name,
    });
    try {
      const [rows] = await conn.query<mysql.RowDataPacket[]>(
        'SELECT CURRENT_USER() AS u, DATABASE() AS d, @@character_set_server AS cs',
      );
      expect(rows[0]).toMatchObject({ u: `${info.user}@%`, d: db.name });
      if (!info.external) {
        const [limits] = await conn.query<mysql.RowDataPacket[]>(
          'SELECT @@max_connections AS mc, @@max_connect_errors AS mce, @@log_bin AS lb',
        );
        expect(limits[0]).toMatchObject({ mc: 500, lb: 0 });
        expect(Number(limits[0]?.mce)).toBeGreaterThanOrEqual(1_000_000);
      }
      await conn.query('CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(10))');
      await conn.query('CREATE EVENT ev ON SCHEDULE EVERY 1 HOUR DO DELETE FROM t');
      const [events] = await conn.query<mysql.RowDataPacket[]>('SHOW EVENTS');
      expect(events.map((e) => e.Name)).toEqual(['ev']);
    } finally {
      await conn.end();
    }
  });

  it('refuses a wrong password for the test user', async () => {
    const info = mysqlInfo();
    await expect(
      mysql.createConnection({ host: info.host, port: info.port, user: info.user, password: 'wrong' }),
    ).rejects.toMatchObject({
      code: 'ER_ACCESS_DENIED_ERROR',
    });
  });

  it('drops the test database', async () => {
    const extra = await createTestDatabase('fixture_drop');
    await extra.drop();
    const root = await rootConnection();
    try {
      const [rows] = await root.query<mysql.RowDataPacket[]>(
        'SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?',
        [extra.name],
      );
      expect(rows).toHaveLength(0);
    } finally {
      await root.end();
    }
  });

  it('creates a saved profile whose password is in the secret store', async () => {
    const profile = await createProfileForTestDb(testApp, db.name, { name: 'fixture profile' });
    expect(profile.mysql).toMatchObject({
      host: mysqlInfo().host,
      port: mysqlInfo().port,
      user: 'sysndd_test',
      database: db.name,
    });
    expect(profile.secrets).toContain('mysql.password');
    expect(await testApp.app.profiles.secret(profile.id, 'mysql.password')).toBe(mysqlInfo().password);
  });
});

function sha256Fingerprint(key: Buffer): string {
  return `SHA256:${createHash('sha256').update(key).digest('base64').replace(/=+$/, '')}`;
}

/** Connects with ssh2, recording the host key fingerprint the server presented. */
function sshConnect(sshd: SshdFixture, auth: Partial<ConnectConfig>): Promise<{ client: Client; seenFingerprint: string }> {
  return new Promise((resolve, reject) => {
    const client = new Client();
    let seenFingerprint = '';
    client.once('ready', () => resolve({ client, seenFingerprint }));
    client.once('error', reject);
    client.connect({
      host: sshd.host,
      port: sshd.port,
      username: sshd.user,
      readyTimeout: 10_000,
      hostVerifier: (key: Buffer) => {
        seenFingerprint = sha256Fingerprint(key);
        return true;
      },
      ...auth,
    });
  });
}

describe('OpenSSH sshd fixture', () => {
  let sshd: SshdFixture;
  beforeAll(async () => {
    sshd = await startSshd();
  });
  afterAll(async () => {
    await sshd?.stop();
  });

  it('accepts the ed25519 key and forwards a MariaDB connection through forwardOut', async () => {
    const { client, seenFingerprint } = await sshConnect(sshd, { privateKey: fs.readFileSync(sshd.privateKeyPath) });
    try {
      expect(seenFingerprint).toBe(sshd.hostKeyFingerprint);
      const info = mysqlInfo();
      const stream = await new Promise<Duplex>((resolve, reject) =>
        client.forwardOut('127.0.0.1', 0, info.host, info.port, (err, s) => (err ? reject(err) : resolve(s))),
      );
      const conn = await mysql.createConnection({ user: info.user, password: info.password, stream });
      try {
        const [rows] = await conn.query<mysql.RowDataPacket[]>('SELECT CURRENT_USER() AS u, 6 * 7 AS answer');
        expect(rows[0]).toEqual({ u: `${info.user}@%`, answer: 42 });
      } finally {
        await conn.end();
      }
    } finally {
      client.end();
    }
  });

  it('accepts the passphrase-protected key only with its passphrase', async () => {
    const privateKey = fs.readFileSync(sshd.encryptedKeyPath);
    const { client } = await sshConnect(sshd, { privateKey, passphrase: sshd.keyPassphrase });
    client.end();
    await expect(sshConnect(sshd, { privateKey, passphrase: 'wrong' })).rejects.toThrow(/passphrase|decrypt|parse/i);
  });

  it('rejects a key that is not authorized', async () => {
    const stranger = path.join(sshd.dir, 'stranger');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', stranger]);
    await expect(sshConnect(sshd, { privateKey: fs.readFileSync(stranger) })).rejects.toThrow(/authentication methods failed/);
  });

  it('authenticates through a real ssh-agent', async () => {
    const agent = await startSshAgent(sshd.encryptedKeyPath, sshd.keyPassphrase);
    try {
      const { client } = await sshConnect(sshd, { agent: agent.socket });
      client.end();
    } finally {
      await agent.stop();
    }
  });

  const passwordUser = ensurePasswordUser();
  it.skipIf(!passwordUser.ok)('authenticates a local user by password and refuses a wrong one', async () => {
    if (!passwordUser.ok) return;
    const { client } = await sshConnect(sshd, { username: passwordUser.user, password: passwordUser.password });
    client.end();
    await expect(sshConnect(sshd, { username: passwordUser.user, password: 'not-it' })).rejects.toThrow(
      /authentication methods failed/,
    );
  });

  it('drops live sessions on killSessions and serves a new host key after restart', async () => {
    const { client } = await sshConnect(sshd, { privateKey: fs.readFileSync(sshd.privateKeyPath) });
    const closed = new Promise<void>((resolve) => client.once('close', () => resolve()));
    expect(await sshd.killSessions()).toBeGreaterThan(0);
    await closed;

    const before = sshd.hostKeyFingerprint;
    const port = sshd.port;
    await sshd.restart({ newHostKey: true });
    expect(sshd.port).toBe(port);
    expect(sshd.hostKeyFingerprint).not.toBe(before);
    const again = await sshConnect(sshd, { privateKey: fs.readFileSync(sshd.privateKeyPath) });
    expect(again.seenFingerprint).toBe(sshd.hostKeyFingerprint);
    again.client.end();
  });
});

describe('SMTP sink fixture', () => {
  it('receives a nodemailer message over STARTTLS with AUTH, and refuses a wrong password', async () => {
    const sink = await startSmtpSink({ security: 'starttls', auth: { user: 'mailer', pass: 's3cret' } });
    try {
      const transport = nodemailer.createTransport({
        host: sink.host,
        port: sink.port,
        secure: false,
        requireTLS: true,
        auth: { user: 'mailer', pass: 's3cret' },
        tls: { ca: sink.cert?.cert, servername: 'localhost' },
      });
      await transport.sendMail({
        from: 'noreply@sysndd.local',
        to: 'curator@example.org',
        subject: 'Fixture check',
        text: 'Hello from the fixture test',
      });
      const message = await sink.waitForMessage((m) => m.parsed.subject === 'Fixture check', 5_000);
      expect(message).toMatchObject({
        from: 'noreply@sysndd.local',
        to: ['curator@example.org'],
        authUser: 'mailer',
        secure: true,
      });
      expect(message.parsed.text?.trim()).toBe('Hello from the fixture test');

      const wrong = nodemailer.createTransport({
        host: sink.host,
        port: sink.port,
        requireTLS: true,
        auth: { user: 'mailer', pass: 'nope' },
        tls: { ca: sink.cert?.cert, servername: 'localhost' },
      });
      await expect(wrong.sendMail({ from: 'a@b.c', to: 'd@e.f', text: 'x' })).rejects.toMatchObject({
        code: 'EAUTH',
        responseCode: 535,
      });
      expect(sink.messages).toHaveLength(1);
    } finally {
      await sink.stop();
    }
  });

  it('offers a silent server that accepts connections and never greets', async () => {
    const sink = await startSmtpSink({ silent: true });
    try {
      const transport = nodemailer.createTransport({
        host: sink.host,
        port: sink.port,
        greetingTimeout: 300,
        connectionTimeout: 300,
      });
      await expect(transport.verify()).rejects.toMatchObject({ code: 'ETIMEDOUT' });
      expect(sink.connectionCount()).toBe(1);
    } finally {
      await sink.stop();
    }
  });
});
