import type { SafeStorage } from 'electron';
import { AppError } from '../core/AppError';
import { MemorySecretStore, type SecretStore } from '../platform/secrets/SecretStore';
import type { AppDatabase } from '../platform/store/AppDatabase';

/** The part of Electron's `safeStorage` we use: only the async API (the sync one is deprecated). */
export type AsyncSafeStorage = Pick<
  SafeStorage,
  'isAsyncEncryptionAvailable' | 'encryptStringAsync' | 'decryptStringAsync' | 'getSelectedStorageBackend'
>;

const SCHEMA = [
  `CREATE TABLE secrets (key TEXT PRIMARY KEY, ciphertext TEXT NOT NULL, backend TEXT NOT NULL, updated_at TEXT NOT NULL);`,
];

/**
 * Secrets encrypted by the OS through Electron's safeStorage (Keychain, DPAPI, libsecret/KWallet); only the
 * ciphertext (base64) is kept, in the app's SQLite `secrets` table. It takes the database rather than the
 * App so it can be built before the App that receives it.
 */
export class SafeStorageSecretStore implements SecretStore {
  readonly name = 'electron-safe-storage';
  readonly persistent = true;
  readonly warning = null;

  constructor(
    private readonly safeStorage: AsyncSafeStorage,
    private readonly database: AppDatabase,
    /** Recorded with each row, so a later backend change can be explained to the user. */
    private readonly backend: string,
  ) {
    database.ensureSchema('secrets', SCHEMA);
  }

  async get(key: string): Promise<string | null> {
    const row = this.database.db.prepare('SELECT ciphertext FROM secrets WHERE key = ?').get(key) as
      | { ciphertext: string }
      | undefined;
    if (!row) return null;
    let decrypted: { result: string; shouldReEncrypt: boolean };
    try {
      decrypted = await this.safeStorage.decryptStringAsync(Buffer.from(row.ciphertext, 'base64'));
    } catch (err) {
      // The OS key changed (new keychain, other user, copied app folder): the value is lost, not wrong.
      const reason = err instanceof Error ? err.message : String(err);
      throw new AppError(
        'SECRET_UNAVAILABLE',
        `The saved secret "${key}" could not be decrypted by the OS key store (${reason}); enter it again to replace it.`,
      );
    }
    // The OS rotated its key or offers a stronger one: store the value again under the current key.
    if (decrypted.shouldReEncrypt) await this.set(key, decrypted.result);
    return decrypted.result;
  }

  async set(key: string, value: string): Promise<void> {
    const ciphertext = (await this.safeStorage.encryptStringAsync(value)).toString('base64');
    this.database.db
      .prepare(
        `INSERT INTO secrets (key, ciphertext, backend, updated_at) VALUES (?, ?, ?, ?)
         ON CONFLICT(key) DO UPDATE SET ciphertext = excluded.ciphertext, backend = excluded.backend, updated_at = excluded.updated_at`,
      )
      .run(key, ciphertext, this.backend, new Date().toISOString());
  }

  async delete(key: string): Promise<void> {
    this.database.db.prepare('DELETE FROM secrets WHERE key = ?').run(key);
  }
}

export interface OpenSafeStorageOptions {
  safeStorage: AsyncSafeStorage;
  database: AppDatabase;
  platform?: NodeJS.Platform;
  /** Receives the reason when secrets fall back to memory (the logger, a console). */
  warn?: (message: string) => void;
}

/**
 * The Electron door's secret store. Call after `app.whenReady()` (before it the Linux backend reads
 * 'unknown'). Refuses to persist on Linux's `basic_text` backend, where Chromium would encrypt with a
 * hard-coded key, and falls back to memory with a warning that says why and how to fix it.
 */
export async function openSafeStorageSecretStore(options: OpenSafeStorageOptions): Promise<SecretStore> {
  const platform = options.platform ?? process.platform;
  const fallBack = (warning: string): SecretStore => {
    options.warn?.(warning);
    return new MemorySecretStore(warning);
  };
  // getSelectedStorageBackend exists on Linux only; elsewhere the OS facility is always the real one.
  const backend = platform === 'linux' ? options.safeStorage.getSelectedStorageBackend() : `${platform}-os`;
  if (backend === 'basic_text') {
    return fallBack(
      'Passwords are not saved: Electron found no Secret Service or KWallet on this Linux desktop and would only ' +
        "obfuscate them with a hard-coded key ('basic_text'). They are kept in memory and asked for again after a " +
        'restart. Install and unlock gnome-keyring (libsecret) or KWallet, or start with --password-store=gnome-libsecret.',
    );
  }
  let available = false;
  try {
    available = await options.safeStorage.isAsyncEncryptionAvailable();
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    return fallBack(`Passwords are not saved: the OS key store failed to start (${reason}). They are kept in memory only.`);
  }
  if (!available) {
    return fallBack(
      `Passwords are not saved: the OS key store (${backend}) reports that encryption is unavailable (locked or not ` +
        'set up). They are kept in memory and asked for again after a restart.',
    );
  }
  return new SafeStorageSecretStore(options.safeStorage, options.database, backend);
}
