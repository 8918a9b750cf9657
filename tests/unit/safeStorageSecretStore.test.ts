import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { openSafeStorageSecretStore, SafeStorageSecretStore } from '../../src/main/electron/SafeStorageSecretStore';
import { AppDatabase } from '../../src/main/platform/store/AppDatabase';
import { FakeSafeStorage } from '../fixtures/fakeSafeStorage';

// safeStorage is handed in (a real-AES fake, see the fixture); the module itself must not load Electron at
// run time, or the Node-run CLI and tests could never construct it.
vi.mock('electron', () => {
  throw new Error('SafeStorageSecretStore must not import electron at run time');
});

const dirs: string[] = [];
const databases: AppDatabase[] = [];
afterEach(() => {
  for (const db of databases.splice(0)) db.close();
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

function database(): AppDatabase {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sysndd-safestorage-'));
  dirs.push(dir);
  const db = new AppDatabase(path.join(dir, 'sysndd-admin.sqlite'));
  databases.push(db);
  return db;
}

const SECRET = 'correct horse battery staple ✓ 42';

describe('SafeStorageSecretStore (Electron door)', () => {
  it('round-trips secrets and keeps only base64 ciphertext in the app database', async () => {
    const safeStorage = new FakeSafeStorage();
    const db = database();
    const store = await openSafeStorageSecretStore({ safeStorage, database: db, platform: 'linux' });
    expect(store).toBeInstanceOf(SafeStorageSecretStore);
    expect(store).toMatchObject({ name: 'electron-safe-storage', persistent: true, warning: null });

    await store.set('profile:p1:mysql.password', SECRET);
    expect(await store.get('profile:p1:mysql.password')).toBe(SECRET);
    expect(await store.get('profile:p1:ssh.passphrase')).toBeNull();

    const rows = db.db.prepare('SELECT key, ciphertext, backend FROM secrets').all() as Array<Record<string, string>>;
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ key: 'profile:p1:mysql.password', backend: 'gnome_libsecret' });
    expect(rows[0]?.ciphertext).not.toContain('horse');
    expect(Buffer.from(rows[0]?.ciphertext ?? '', 'base64').toString('utf8')).not.toContain('horse');

    await store.set('profile:p1:mysql.password', 'second value');
    expect(await store.get('profile:p1:mysql.password')).toBe('second value');
    await store.delete('profile:p1:mysql.password');
    expect(await store.get('profile:p1:mysql.password')).toBeNull();
    await store.delete('never-stored');
  });

  it('survives a restart: a new store on the same database file reads what the old one wrote', async () => {
    const safeStorage = new FakeSafeStorage();
    const db = database();
    await (await openSafeStorageSecretStore({ safeStorage, database: db, platform: 'darwin' })).set('k', SECRET);
    const reopened = new AppDatabase(db.file);
    databases.push(reopened);
    const store = await openSafeStorageSecretStore({ safeStorage, database: reopened, platform: 'darwin' });
    expect(await store.get('k')).toBe(SECRET);
  });

  it('re-encrypts a value when safeStorage says the key was rotated', async () => {
    const safeStorage = new FakeSafeStorage();
    const db = database();
    const store = await openSafeStorageSecretStore({ safeStorage, database: db, platform: 'win32' });
    await store.set('k', SECRET);
    const before = db.db.prepare('SELECT ciphertext FROM secrets').get() as { ciphertext: string };
    safeStorage.rotateKey();
    expect(await store.get('k')).toBe(SECRET);
    const after = db.db.prepare('SELECT ciphertext FROM secrets').get() as { ciphertext: string };
    expect(after.ciphertext).not.toBe(before.ciphertext);
    expect(Buffer.from(after.ciphertext, 'base64')[0]).toBe(1);
    expect(await store.get('k')).toBe(SECRET);
  });

  it('says clearly when a saved secret can no longer be decrypted (OS key lost)', async () => {
    const safeStorage = new FakeSafeStorage();
    const store = await openSafeStorageSecretStore({ safeStorage, database: database(), platform: 'darwin' });
    await store.set('profile:p1:mysql.password', SECRET);
    safeStorage.loseKeys();
    await expect(store.get('profile:p1:mysql.password')).rejects.toMatchObject({
      code: 'SECRET_UNAVAILABLE',
      message: expect.stringContaining('enter it again'),
    });
  });

  it("refuses to persist on Linux's basic_text backend: memory only, with a warning that says why", async () => {
    const safeStorage = new FakeSafeStorage();
    safeStorage.backend = 'basic_text';
    const db = database();
    const warn = vi.fn();
    const store = await openSafeStorageSecretStore({ safeStorage, database: db, platform: 'linux', warn });
    expect(store.name).toBe('memory');
    expect(store.persistent).toBe(false);
    expect(store.warning).toContain("'basic_text'");
    expect(store.warning).toContain('gnome-keyring');
    expect(warn).toHaveBeenCalledWith(store.warning);
    await store.set('k', SECRET);
    expect(await store.get('k')).toBe(SECRET);
    expect(safeStorage.encryptCalls).toBe(0);
    const tables = db.db.prepare("SELECT name FROM sqlite_master WHERE name = 'secrets'").all();
    expect(tables).toEqual([]);
  });

  it('falls back to memory when the OS store reports encryption unavailable or fails to start', async () => {
    const unavailable = new FakeSafeStorage();
    unavailable.available = false;
    const a = await openSafeStorageSecretStore({ safeStorage: unavailable, database: database(), platform: 'linux' });
    expect(a).toMatchObject({ name: 'memory', persistent: false });
    expect(a.warning).toContain('gnome_libsecret');

    const broken = new FakeSafeStorage();
    broken.isAsyncEncryptionAvailable = async () => {
      throw new Error('keychain daemon crashed');
    };
    const b = await openSafeStorageSecretStore({ safeStorage: broken, database: database(), platform: 'darwin' });
    expect(b.warning).toContain('keychain daemon crashed');
  });

  it('does not ask for the Linux backend on other platforms (the call is Linux-only)', async () => {
    const safeStorage = new FakeSafeStorage();
    safeStorage.getSelectedStorageBackend = () => {
      throw new Error('getSelectedStorageBackend is Linux-only');
    };
    const db = database();
    const store = await openSafeStorageSecretStore({ safeStorage, database: db, platform: 'darwin' });
    await store.set('k', 'v');
    expect(db.db.prepare('SELECT backend FROM secrets').get()).toEqual({ backend: 'darwin-os' });
  });
});
