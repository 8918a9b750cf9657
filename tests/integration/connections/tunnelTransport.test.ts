import { createHash } from 'node:crypto';
import type { Duplex } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../fixtures/app';
import { createProfileForTestDb, createTestDatabase, mysqlInfo, type TestDatabase } from '../../fixtures/mysql';
import { keyAuthHop, type SshdFixture, startSshd } from '../../fixtures/sshd';

/** The ssh2 internals ackNudge.ts uses, to watch what it sends (the same cast as the product code). */
interface ChannelInternals {
  outgoing: { id: number };
  _client: { _protocol: { channelWindowAdjust(id: number, amount: number): void } };
}

/**
 * The tunnel's transport (issue #16): replies larger than one SSH packet arrive intact and each burst is
 * ACKed at once (a zero window adjust, so sshd's Nagle does not wait 40 ms for our delayed ACK), and the
 * handshake settles on an AEAD cipher, the cheapest choice for both ends.
 */
describe('SSH tunnel transport', () => {
  let t: TestApp;
  let sshd: SshdFixture;
  let db: TestDatabase;
  let profileId: string;

  beforeAll(async () => {
    [sshd, db] = await Promise.all([startSshd(), createTestDatabase('conn_transport')]);
    t = createTestApp();
    await t.ok('connections.trustHostKey', {
      host: sshd.host,
      port: sshd.port,
      keyType: 'ssh-ed25519',
      fingerprint: sshd.hostKeyFingerprint,
    });
    profileId = (await createProfileForTestDb(t, db.name, { name: 'transport', ssh: keyAuthHop(sshd) })).id;
  });

  afterAll(async () => {
    await t?.close();
    await Promise.all([sshd?.stop(), db?.drop()]);
  });

  it('carries replies of many SSH packets byte for byte', async () => {
    const { rows, serverHash } = await t.app.connections.withConnection(profileId, async (conn) => {
      await conn.query('CREATE TABLE rows_1k (id INT PRIMARY KEY, payload VARCHAR(1000) NOT NULL)');
      // Every row differs, so a lost, doubled or reordered piece changes the hash.
      await conn.query(
        `INSERT INTO rows_1k WITH RECURSIVE n (i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 300)
         SELECT i, CONCAT(LPAD(i, 6, '0'), REPEAT(CHAR(65 + i % 26), 994)) FROM n`,
      );
      await conn.query('SET SESSION group_concat_max_len = 1048576');
      const [hash] = await conn.query("SELECT SHA2(GROUP_CONCAT(payload ORDER BY id SEPARATOR ''), 256) AS h FROM rows_1k");
      const [all] = await conn.query('SELECT id, payload FROM rows_1k ORDER BY id');
      return { rows: all as Array<{ id: number; payload: string }>, serverHash: (hash as Array<{ h: string }>)[0]?.h };
    });
    expect(rows).toHaveLength(300);
    const clientHash = createHash('sha256')
      .update(rows.map((r) => r.payload).join(''))
      .digest('hex');
    expect(clientHash).toBe(serverHash);
  });

  it('ACKs received channel data at once with a zero window adjust', async () => {
    const info = mysqlInfo();
    const channel: Duplex = await t.app.connections.forwardTo(profileId, info.host, info.port);
    const internals = channel as unknown as ChannelInternals;
    const protocol = internals._client._protocol;
    const sent: Array<[number, number]> = [];
    const original = protocol.channelWindowAdjust;
    protocol.channelWindowAdjust = function (this: unknown, id: number, amount: number) {
      sent.push([id, amount]);
      return original.call(this, id, amount);
    };
    try {
      const greeting = await new Promise<Buffer>((resolve, reject) => {
        channel.once('data', resolve);
        channel.once('error', reject);
      });
      // A MySQL/MariaDB greeting: 3-byte length, sequence 0, protocol version 10.
      expect(greeting[3]).toBe(0);
      expect(greeting[4]).toBe(10);
      await expect.poll(() => sent, { timeout: 5_000, interval: 10 }).toContainEqual([internals.outgoing.id, 0]);
    } finally {
      protocol.channelWindowAdjust = original;
      channel.destroy();
    }
  });

  it('negotiates an AEAD cipher with OpenSSH, so no separate MAC is computed', async () => {
    const report = await t.ok('connections.test', { profileId });
    expect(report.ok).toBe(true);
    const detail = report.stages.find((s) => s.id === 'ssh.handshake')?.detail ?? '';
    expect(detail).toMatch(/; (aes128-gcm@openssh\.com|aes256-gcm@openssh\.com|chacha20-poly1305@openssh\.com)$/);
  });
});
