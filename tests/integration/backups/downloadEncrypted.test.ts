import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateIdentity } from '../../../src/main/features/backups/age/ageKeys';
import { createAgeDecryptStream } from '../../../src/main/features/backups/age/ageSource';
import type { CreateBackupResult } from '../../../src/shared/contract/index';
import { createTestApp, type TestApp } from '../../fixtures/app';
import { createProfileForTestDb, createTestDatabase, rootConnection, seqRows, type TestDatabase } from '../../fixtures/mysql';
import { keyAuthHop, type SshdFixture, startSshd } from '../../fixtures/sshd';
import { cli } from './cliRun';

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

async function decryptWithPassphrase(file: string, passphrase: string): Promise<Buffer> {
  const parts: Buffer[] = [];
  await pipeline(fs.createReadStream(file), createAgeDecryptStream({ passphrase }), async (src: AsyncIterable<Buffer>) => {
    for await (const c of src) parts.push(c);
  });
  return Buffer.concat(parts);
}

/** Remote plain → local `.age` over a real OpenSSH sshd, opened by Debian's `age`. */
describe('encrypted download (remote plain → local age)', () => {
  let t: TestApp;
  let sshd: SshdFixture;
  let db: TestDatabase;
  let profileId: string;
  let remoteDir: string;
  let localDir: string;
  let ours: string;
  let idFile: string;
  let recipient: string;
  const foreign = 'sysndd_db.2026-01-02T03-00.sql.gz';

  beforeAll(async () => {
    [sshd, db] = await Promise.all([startSshd(), createTestDatabase('bk_dl_age')]);
    const c = await rootConnection({ database: db.name });
    await c.query('CREATE TABLE blobs (id INT PRIMARY KEY, b LONGBLOB) ENGINE=InnoDB');
    await c.query(`INSERT INTO blobs SELECT seq, RANDOM_BYTES(1024) FROM ${seqRows(3000)}`);
    await c.end();
    remoteDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bk-remote-age-'));
    t = createTestApp();
    await t.ok('connections.trustHostKey', {
      host: sshd.host,
      port: sshd.port,
      keyType: 'ssh-ed25519',
      fingerprint: sshd.hostKeyFingerprint,
    });
    const p = await createProfileForTestDb(t, db.name, {
      name: 'age via ssh',
      remoteBackupDir: remoteDir,
      ssh: keyAuthHop(sshd),
    });
    profileId = p.id;
    localDir = t.app.backups.localDir(p);
    const job = await t.ok('backups.create', { profileId, options: { dir: remoteDir } });
    const final = await t.ok('jobs.wait', { id: job.id, timeoutMs: 120_000 });
    if (final.state !== 'succeeded') throw new Error(`backup failed: ${final.error?.message}`);
    ours = path.basename((final.result as CreateBackupResult).path);
    const dump =
      '-- MySQL dump 10.13\nCREATE TABLE `a` (\n  `id` int NOT NULL\n);\nINSERT INTO `a` VALUES (1);\n-- Dump completed on 2026-01-02  3:00:01\n';
    fs.writeFileSync(path.join(remoteDir, foreign), zlib.gzipSync(dump));
    const id = generateIdentity();
    recipient = id.recipient;
    idFile = path.join(t.home, 'dl-key.txt');
    fs.writeFileSync(idFile, id.text, { mode: 0o600 });
  });

  afterAll(async () => {
    await t?.close();
    await Promise.all([sshd?.stop(), db?.drop()]);
    fs.rmSync(remoteDir, { recursive: true, force: true });
  });

  it('writes NAME.age checked against the manifest; Debian age opens it; the catalog marks it encrypted and sealed', async () => {
    const job = await t.ok('backups.download', { profileId, name: ours, encrypt: { recipients: [recipient] } });
    const end = await t.ok('jobs.wait', { id: job.id, timeoutMs: 120_000 });
    expect(end.state, end.error?.message).toBe('succeeded');
    const remoteBytes = fs.readFileSync(path.join(remoteDir, ours));
    const local = path.join(localDir, `${ours}.age`);
    expect(end.result).toMatchObject({ path: local, encrypted: true, format: 'sysndd-admin', sha256: sha(remoteBytes) });
    // No plaintext on disk: only the .age file in the local folder, no partial, no plain copy.
    expect(fs.readdirSync(localDir).filter((n) => n.startsWith(ours.replace(/\.sql\.gz$/, '')))).toEqual([`${ours}.age`]);
    const onDisk = fs.readFileSync(local);
    expect(onDisk.subarray(0, 21).toString('latin1')).toBe('age-encryption.org/v1');
    expect(onDisk.includes(Buffer.from('SysNDD Admin backup'))).toBe(false);
    const log = (await t.ok('jobs.log', { id: job.id, afterSeq: 0 })).map((l) => l.message).join('\n');
    expect(log).toMatch(/members match their SHA-256 in the manifest/);
    // Debian's age with the identity: the exact remote bytes, and the same SQL once gunzipped.
    const opened = execFileSync('age', ['-d', '-i', idFile, local], { maxBuffer: 256 << 20 });
    expect(sha(opened)).toBe(sha(remoteBytes));
    expect(zlib.gunzipSync(opened).equals(zlib.gunzipSync(remoteBytes))).toBe(true);

    const list = await t.ok('backups.list', { profileId, refreshRemote: true });
    const entry = list.entries.find((e) => e.name === `${ours}.age`);
    expect(entry).toMatchObject({ location: 'local', encrypted: true, format: 'sysndd-admin', status: 'complete' });
    expect(entry?.seal?.state).toBe('sealed');
    expect(entry?.tableCount).toBe(1);
    expect(list.entries.find((e) => e.name === ours)).toMatchObject({ location: 'remote', encrypted: false });

    // Never overwritten: a second encrypted download of the same file is a conflict.
    const again = await t.call('backups.download', { profileId, name: ours, encrypt: { recipients: [recipient] } });
    const againEnd = again.ok ? await t.ok('jobs.wait', { id: again.value.id, timeoutMs: 60_000 }) : null;
    expect(againEnd?.state).toBe('failed');
    expect(againEnd?.error?.code).toBe('CONFLICT');
  });

  it('CLI: --encrypt-passphrase reads the env (never argv), a foreign dump becomes NAME.age', async () => {
    const passphrase = 'correct horse battery staple';
    process.env.SYSNDD_ADMIN_BACKUP_PASSPHRASE = passphrase;
    try {
      const dl = await cli(['--json', 'backup', 'download', foreign, '--profile', 'age via ssh', '--encrypt-passphrase'], t.home);
      expect(dl.code, dl.err).toBe(0);
      expect(dl.json()).toMatchObject({ encrypted: true, format: 'foreign' });
    } finally {
      delete process.env.SYSNDD_ADMIN_BACKUP_PASSPHRASE;
    }
    const local = path.join(localDir, `${foreign}.age`);
    expect(fs.existsSync(path.join(localDir, foreign))).toBe(false);
    const plain = await decryptWithPassphrase(local, passphrase);
    expect(plain.equals(fs.readFileSync(path.join(remoteDir, foreign)))).toBe(true);
    await expect(decryptWithPassphrase(local, 'not the passphrase')).rejects.toMatchObject({ code: 'BACKUP_DECRYPT_FAILED' });
  });

  it('refuses to encrypt an already encrypted name and a bad recipient before any job', async () => {
    const bad = await t.call('backups.download', { profileId, name: ours, encrypt: { recipients: ['age1nope'] } });
    expect(bad.ok).toBe(false);
    const twice = await t.call('backups.download', { profileId, name: `${ours}.age`, encrypt: { recipients: [recipient] } });
    expect(twice.ok ? null : twice.code).toBe('PRECONDITION_FAILED');
  });
});
