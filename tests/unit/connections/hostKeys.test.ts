import { execFileSync } from 'node:child_process';
import { createHmac, generateKeyPairSync, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fingerprintOf, keyTypeOf } from '../../../src/main/features/connections/hostKeys/fingerprint';
import { HostKeyStore } from '../../../src/main/features/connections/hostKeys/HostKeyStore';
import { KnownHostsFile, parseKnownHosts } from '../../../src/main/features/connections/hostKeys/KnownHostsFile';
import { AppDatabase } from '../../../src/main/platform/store/AppDatabase';

/** An ssh-ed25519 public key blob as SSH puts it on the wire (string type, string 32-byte key). */
function ed25519Blob(): Buffer {
  const { publicKey } = generateKeyPairSync('ed25519');
  const raw = Buffer.from(publicKey.export({ format: 'jwk' }).x as string, 'base64url');
  const str = (b: Buffer) => Buffer.concat([u32(b.length), b]);
  return Buffer.concat([str(Buffer.from('ssh-ed25519')), str(raw)]);
}
function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n, 0);
  return b;
}
const line = (hosts: string, blob: Buffer) => `${hosts} ssh-ed25519 ${blob.toString('base64')}`;
function hashed(name: string): string {
  const salt = randomBytes(20);
  return `|1|${salt.toString('base64')}|${createHmac('sha1', salt).update(name).digest('base64')}`;
}

describe('host key fingerprints', () => {
  it('match what ssh-keygen -lf prints, and name the key type', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fp-'));
    try {
      execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', path.join(dir, 'k')], { stdio: 'ignore' });
      const pub = fs.readFileSync(path.join(dir, 'k.pub'), 'utf8').split(' ')[1] as string;
      const blob = Buffer.from(pub, 'base64');
      const expected = /SHA256:\S+/.exec(execFileSync('ssh-keygen', ['-lf', path.join(dir, 'k.pub')], { encoding: 'utf8' }))?.[0];
      expect(fingerprintOf(blob)).toBe(expected);
      expect(keyTypeOf(blob)).toBe('ssh-ed25519');
      expect(keyTypeOf(Buffer.from([1, 2]))).toBe('unknown');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('OpenSSH known_hosts', () => {
  const key = ed25519Blob();
  const other = ed25519Blob();

  it('matches plain names, [host]:port, hashed names, wildcards, and honours negation', () => {
    const f = new KnownHostsFile(
      'x',
      [
        '# comment',
        line('db.example.org,10.0.0.5', key),
        line('[bastion.example.org]:2222', key),
        line(hashed('[hidden.example.org]:2200'), key),
        line('*.internal,!secret.internal', other),
        'garbage line',
        '@cert-authority *.example.org ssh-ed25519 AAAA',
      ].join('\n'),
    );
    expect(f.entries).toHaveLength(4);
    expect(f.lookup('DB.example.org', 22, key)).toEqual([expect.objectContaining({ sameKey: true })]);
    expect(f.lookup('10.0.0.5', 22, key)).toHaveLength(1);
    expect(f.lookup('db.example.org', 2222, key)).toHaveLength(0);
    expect(f.lookup('bastion.example.org', 2222, key)).toHaveLength(1);
    expect(f.lookup('bastion.example.org', 22, key)).toHaveLength(0);
    expect(f.lookup('hidden.example.org', 2200, key)).toEqual([expect.objectContaining({ sameKey: true })]);
    expect(f.lookup('a.internal', 22, key)).toEqual([expect.objectContaining({ sameKey: false })]);
    expect(f.lookup('secret.internal', 22, other)).toHaveLength(0);
  });

  it('reads the @revoked marker and skips malformed keys', () => {
    const entries = parseKnownHosts(`@revoked * ${`ssh-ed25519 ${key.toString('base64')}`}\nhost ssh-ed25519 !!!notbase64\n`);
    expect(entries).toEqual([
      expect.objectContaining({ marker: 'revoked', keyType: 'ssh-ed25519', fingerprint: fingerprintOf(key) }),
    ]);
  });
});

describe('HostKeyStore verdicts', () => {
  let dir: string;
  let db: AppDatabase;
  let store: HostKeyStore;
  const key = ed25519Blob();
  const other = ed25519Blob();

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hk-'));
    db = new AppDatabase(path.join(dir, 'app.sqlite'));
    store = new HostKeyStore(db, () => [path.join(dir, 'known_hosts')]);
  });
  afterEach(() => {
    db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('unknown → trusted after trust → changed for another key of the same type', () => {
    expect(store.check('Host.Example', 22, key)).toMatchObject({
      status: 'unknown',
      host: 'host.example',
      fingerprint: fingerprintOf(key),
    });
    store.trust('host.example', 22, 'ssh-ed25519', fingerprintOf(key));
    expect(store.check('host.example', 22, key)).toMatchObject({ status: 'trusted', source: 'app' });
    expect(store.check('host.example', 22, other)).toMatchObject({ status: 'changed', knownFingerprint: fingerprintOf(key) });
    expect(store.check('host.example', 2222, key).status).toBe('unknown');
    expect(store.list()[0]?.lastSeenAt).not.toBeNull();
    expect(store.forget('HOST.example', 22)).toBe(1);
    expect(store.check('host.example', 22, key).status).toBe('unknown');
  });

  it('trusts known_hosts entries, and a revoked key beats everything', () => {
    fs.writeFileSync(path.join(dir, 'known_hosts'), `${line('h', key)}\n`);
    expect(store.check('h', 22, key)).toMatchObject({ status: 'trusted', source: 'openssh' });
    expect(store.check('h', 22, other)).toMatchObject({ status: 'changed', source: 'openssh' });
    store.trust('h', 22, 'ssh-ed25519', fingerprintOf(key));
    fs.appendFileSync(path.join(dir, 'known_hosts'), `@revoked ${line('h', key)}\n`);
    expect(store.check('h', 22, key).status).toBe('revoked');
    expect(store.opensshSummary()).toEqual([{ path: path.join(dir, 'known_hosts'), entries: 2 }]);
  });
});
