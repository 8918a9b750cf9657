import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { App } from '../../src/main/app/App';
import { dispatch } from '../../src/main/core/dispatch';
import { openSafeStorageSecretStore } from '../../src/main/electron/SafeStorageSecretStore';
import { AppDatabase } from '../../src/main/platform/store/AppDatabase';
import type { ArgsIn, OperationName, ResultOf } from '../../src/shared/contract/index';
import { FakeSafeStorage } from '../fixtures/fakeSafeStorage';

/**
 * Plant unique secrets, use the app the way a person would, then read every byte the app wrote under its
 * home (SQLite, WAL, SHM, logs, anything else) looking for them in the encodings a leak would take.
 * The App runs as the Electron door runs it: safeStorage (a real-AES fake of the electron module) keeping
 * ciphertext in the app database, so secrets do reach disk, encrypted, and the scan has something to miss.
 */

const planted = {
  password: `PLANTEDpw${randomBytes(12).toString('hex')}`,
  passphrase: `PLANTEDpp${randomBytes(12).toString('hex')}`,
  updated: `PLANTEDup${randomBytes(12).toString('hex')}`,
};

/** The forms a leaked string takes on disk: raw, UTF-16, hex, base64/base64url at each byte alignment. */
function encodings(secret: string): Array<{ name: string; bytes: Buffer }> {
  const raw = Buffer.from(secret, 'utf8');
  const forms = [
    { name: 'utf8', bytes: raw },
    { name: 'utf16le', bytes: Buffer.from(secret, 'utf16le') },
    { name: 'hex', bytes: Buffer.from(raw.toString('hex')) },
    { name: 'HEX', bytes: Buffer.from(raw.toString('hex').toUpperCase()) },
  ];
  for (let shift = 0; shift < 3; shift++) {
    // With `shift` unknown bytes before the secret, only the characters of whole 3-byte groups that lie
    // inside the secret are fixed: drop the first and last 4 characters to stay clear of the edges.
    const aligned = Buffer.concat([Buffer.alloc(shift), raw]);
    for (const encoding of ['base64', 'base64url'] as const) {
      const text = aligned.toString(encoding).replace(/=+$/, '');
      forms.push({ name: `${encoding}+${shift}`, bytes: Buffer.from(text.slice(4, -4)) });
    }
  }
  return forms;
}

function filesUnder(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => path.join(e.parentPath, e.name));
}

function findLeaks(dir: string, secrets: string[]): string[] {
  const leaks: string[] = [];
  for (const file of filesUnder(dir)) {
    const content = fs.readFileSync(file);
    for (const secret of secrets) {
      for (const form of encodings(secret)) {
        if (content.includes(form.bytes)) leaks.push(`${path.relative(dir, file)}: ${form.name} of ${secret.slice(0, 9)}…`);
      }
    }
  }
  return leaks;
}

async function openApp(home: string, safeStorage: FakeSafeStorage): Promise<{ app: App; db: AppDatabase }> {
  const db = new AppDatabase(path.join(home, 'sysndd-admin.sqlite'));
  const secrets = await openSafeStorageSecretStore({ safeStorage, database: db, platform: 'linux' });
  const app = new App({ door: 'electron', secrets, home });
  app.onClose(() => db.close());
  return { app, db };
}

async function ok<K extends OperationName>(app: App, name: K, args: ArgsIn<K>): Promise<ResultOf<K>> {
  const r = await dispatch(app.handlers, name, args, { door: 'electron', actor: 'electron' });
  if (!r.ok) throw new Error(`${name}: ${r.code} ${r.message}`);
  return r.value as ResultOf<K>;
}

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

describe('planted secrets never reach a file the app writes', () => {
  it('the scanner finds a planted secret in each encoding (so a clean scan means something)', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sysndd-scan-control-'));
    dirs.push(dir);
    for (const form of encodings(planted.password)) {
      fs.writeFileSync(
        path.join(dir, `${form.name}.bin`),
        Buffer.concat([Buffer.from('prefix '), form.bytes, Buffer.from(' suffix')]),
      );
    }
    const shifted = Buffer.concat([Buffer.from('x'), Buffer.from(planted.password)]).toString('base64');
    fs.writeFileSync(path.join(dir, 'embedded-base64.txt'), `{"blob":"${shifted}"}`);
    const leaks = findLeaks(dir, [planted.password]);
    expect(leaks.length).toBeGreaterThanOrEqual(encodings(planted.password).length + 1);
    expect(leaks.some((l) => l.startsWith('embedded-base64.txt'))).toBe(true);
  });

  it('profiles, jobs, system info and a restart leave no planted secret in the store, WAL or logs', async () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'sysndd-planted-'));
    dirs.push(home);
    const safeStorage = new FakeSafeStorage();
    const { app, db } = await openApp(home, safeStorage);

    const profile = await ok(app, 'profiles.create', {
      profile: {
        name: 'planted',
        environment: 'production',
        mysql: { host: '127.0.0.1', port: 3306, user: 'sysndd', database: 'sysndd_db' },
        ssh: { host: 'bastion.example', user: 'admin', auth: 'key', privateKeyPath: '/home/admin/.ssh/id_ed25519' },
      },
      secrets: { 'mysql.password': planted.password, 'ssh.passphrase': planted.passphrase },
    });
    expect(profile.secrets).toEqual(['mysql.password', 'ssh.passphrase']);
    expect(JSON.stringify(await ok(app, 'profiles.list', {}))).not.toContain('PLANTED');
    expect(JSON.stringify(await ok(app, 'profiles.get', { id: profile.id }))).not.toContain('PLANTED');
    const { id: _id, transient: _t, secrets: _s, createdAt: _c, updatedAt: _u, ...body } = profile;
    await ok(app, 'profiles.update', {
      id: profile.id,
      profile: { ...body, name: 'planted (renamed)' },
      secrets: { 'mysql.password': planted.updated },
    });
    const copy = await ok(app, 'profiles.duplicate', { id: profile.id, name: 'planted copy' });
    await ok(app, 'profiles.remove', { id: copy.id });
    const job = await ok(app, 'jobs.demo', { steps: 5, stepMs: 1 });
    expect((await ok(app, 'jobs.wait', { id: job.id, timeoutMs: 10_000 })).state).toBe('succeeded');
    await ok(app, 'jobs.log', { id: job.id, afterSeq: 0 });
    const info = await ok(app, 'system.info', {});
    expect(info.secretBackend).toEqual({ name: 'electron-safe-storage', persistent: true, warning: null });
    app.logger.info(
      { profile: { id: profile.id, password: planted.updated }, passphrase: planted.passphrase },
      'careless log line',
    );

    // The secrets are really stored (as ciphertext in this very database) and usable by services.
    expect(await app.profiles.secret(profile.id, 'mysql.password')).toBe(planted.updated);
    expect(await app.profiles.secret(profile.id, 'ssh.passphrase')).toBe(planted.passphrase);
    expect(db.db.prepare('SELECT COUNT(*) AS n FROM secrets').get()).toEqual({ n: 2 });

    // Scan while open (the WAL still holds recent pages), then after closing.
    expect(fs.existsSync(path.join(home, 'sysndd-admin.sqlite-wal'))).toBe(true);
    expect(findLeaks(home, Object.values(planted))).toEqual([]);
    await app.close();
    expect(findLeaks(home, Object.values(planted))).toEqual([]);

    // A restart reads the saved secrets back: they were persisted, only never in the clear.
    const again = await openApp(home, safeStorage);
    expect(await again.app.profiles.secret(profile.id, 'mysql.password')).toBe(planted.updated);
    await again.app.close();

    const written = filesUnder(home).map((f) => path.relative(home, f));
    expect(written).toEqual(expect.arrayContaining(['sysndd-admin.sqlite', path.join('logs', 'sysndd-admin.log')]));
    expect(fs.readFileSync(path.join(home, 'logs', 'sysndd-admin.log'), 'utf8')).toContain('careless log line');
    expect(findLeaks(home, Object.values(planted))).toEqual([]);
  });
});
