import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { SealKeyInfo, SealState } from '../../../../shared/contract/backups';
import { AppError } from '../../../core/AppError';
import type { SecretStore } from '../../../platform/secrets/SecretStore';
import type { AppDatabase } from '../../../platform/store/AppDatabase';
import { fingerprintOf, publicKeyObject, rawPublicKey, type Sealer, type SealInfo } from '../format/seal';

/**
 * The keys of sealed backups (docs/backups.md, "Sealed backups"):
 *   - this installation's Ed25519 key: generated on first use, its private half (PKCS#8 PEM) in the
 *     SecretStore under `seal:ed25519:private-key`, never in SQLite or logs;
 *   - or a team key file (PKCS#8 PEM, e.g. `openssl genpkey -algorithm ed25519`): its path (not the key) in
 *     `SYSNDD_ADMIN_SEAL_KEY_FILE` or saved with `backup keys use-file`;
 *   - colleagues' public keys trusted by fingerprint, in the app SQLite (public keys only).
 * A seal is shown as "sealed by <name>" only when its signature matches and its key is ours or trusted.
 */
const SCHEMA = [
  `CREATE TABLE seal_trusted_keys (
     fingerprint TEXT PRIMARY KEY, name TEXT NOT NULL, public_key TEXT NOT NULL, added_at TEXT NOT NULL);
   CREATE TABLE seal_settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);`,
];
export const SEAL_SECRET_KEY = 'seal:ed25519:private-key';
export const SEAL_KEY_FILE_ENV = 'SYSNDD_ADMIN_SEAL_KEY_FILE';

export class SealKeys {
  private own: Promise<Sealer> | null = null;
  /** The sealer once loaded: `judge` (synchronous, for catalog listings) recognises our own key by it. */
  private loaded: Sealer | null = null;

  constructor(
    private readonly store: AppDatabase,
    private readonly secrets: SecretStore,
    private readonly ownerName: () => string,
  ) {
    store.ensureSchema('seal', SCHEMA);
  }

  /** The key file in use, if any (env first, then the saved setting). */
  keyFile(): string | null {
    const env = process.env[SEAL_KEY_FILE_ENV];
    if (env) return path.resolve(env);
    const row = this.store.db.prepare("SELECT value FROM seal_settings WHERE key = 'keyFile'").get() as
      | { value: string }
      | undefined;
    return row?.value ?? null;
  }

  setKeyFile(file: string | null): void {
    this.own = null;
    this.loaded = null;
    if (file === null) {
      this.store.db.prepare("DELETE FROM seal_settings WHERE key = 'keyFile'").run();
      return;
    }
    const full = path.resolve(file);
    loadKeyFile(full); // refuse a file that holds no Ed25519 private key
    this.store.db
      .prepare(
        "INSERT INTO seal_settings (key, value) VALUES ('keyFile', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
      )
      .run(full);
  }

  /** The sealer of this installation (its key file, else its own key, created on first use). */
  sealer(): Promise<Sealer> {
    this.own ??= this.loadOwn().then(
      (s) => {
        this.loaded = s;
        return s;
      },
      (err: unknown) => {
        this.own = null;
        throw err;
      },
    );
    return this.own;
  }

  private async loadOwn(): Promise<Sealer> {
    const file = this.keyFile();
    const privateKey = file ? loadKeyFile(file) : await this.installationKey();
    return { privateKey, publicKey: rawPublicKey(createPublicKey(privateKey)), name: this.ownerName() };
  }

  private async installationKey(): Promise<KeyObject> {
    const pem = await this.secrets.get(SEAL_SECRET_KEY);
    if (pem) return createPrivateKey(pem);
    const { privateKey } = generateKeyPairSync('ed25519');
    await this.secrets.set(SEAL_SECRET_KEY, privateKey.export({ format: 'pem', type: 'pkcs8' }).toString());
    return privateKey;
  }

  async ownKey(): Promise<SealKeyInfo & { publicKeyPem: string; source: 'key-file' | 'secret-store'; persistent: boolean }> {
    const s = await this.sealer();
    const file = this.keyFile();
    return {
      fingerprint: fingerprintOf(s.publicKey),
      name: s.name,
      publicKey: s.publicKey.toString('base64url'),
      publicKeyPem: publicKeyObject(s.publicKey).export({ format: 'pem', type: 'spki' }).toString(),
      source: file ? 'key-file' : 'secret-store',
      persistent: file ? true : this.secrets.persistent,
      addedAt: null,
    };
  }

  trusted(): SealKeyInfo[] {
    const rows = this.store.db
      .prepare('SELECT fingerprint, name, public_key, added_at FROM seal_trusted_keys ORDER BY name')
      .all() as Array<{ fingerprint: string; name: string; public_key: string; added_at: string }>;
    return rows.map((r) => ({ fingerprint: r.fingerprint, name: r.name, publicKey: r.public_key, addedAt: r.added_at }));
  }

  /**
   * Trust a colleague's public key (PEM, or the base64url raw key `backup keys export` prints) under a
   * name. `expectFingerprint`, when given, must match: the fingerprint read out over another channel.
   */
  trust(publicKeyText: string, name: string, expectFingerprint?: string): SealKeyInfo {
    const raw = parsePublicKey(publicKeyText);
    const fingerprint = fingerprintOf(raw);
    if (expectFingerprint && expectFingerprint !== fingerprint)
      throw new AppError('INVALID_ARGUMENT', `The key's fingerprint is ${fingerprint}, not ${expectFingerprint}: not trusted.`);
    const addedAt = new Date().toISOString();
    this.store.db
      .prepare(
        `INSERT INTO seal_trusted_keys (fingerprint, name, public_key, added_at) VALUES (?, ?, ?, ?)
         ON CONFLICT(fingerprint) DO UPDATE SET name = excluded.name`,
      )
      .run(fingerprint, name, raw.toString('base64url'), addedAt);
    return { fingerprint, name, publicKey: raw.toString('base64url'), addedAt };
  }

  untrust(fingerprint: string): boolean {
    return this.store.db.prepare('DELETE FROM seal_trusted_keys WHERE fingerprint = ?').run(fingerprint).changes > 0;
  }

  /** The seal state shown by verify, the catalog and a restore's preflight. */
  async stateOf(seal: SealInfo | null): Promise<SealState> {
    await this.sealer().catch(() => null);
    return this.judge(seal);
  }

  /** `stateOf` without loading the own key (a listing calls `sealer()` once before). */
  judge(seal: SealInfo | null): SealState {
    if (!seal) return { state: 'unsealed', keyName: null, fingerprint: null, summary: 'not sealed' };
    const { fingerprint } = seal;
    if (!seal.valid)
      return {
        state: 'invalid',
        keyName: null,
        fingerprint,
        summary: `not sealed: the signature does not match the content (altered after sealing; key ${fingerprint})`,
      };
    const own = this.loaded;
    if (own && fingerprintOf(own.publicKey) === fingerprint)
      return { state: 'sealed', keyName: own.name, fingerprint, summary: `sealed by ${own.name} (this installation)` };
    const trusted = this.trusted().find((k) => k.fingerprint === fingerprint);
    if (trusted) return { state: 'sealed', keyName: trusted.name, fingerprint, summary: `sealed by ${trusted.name}` };
    return {
      state: 'unknown-key',
      keyName: null,
      fingerprint,
      summary: `unknown key ${fingerprint} (claims "${seal.claimedName}"; not trusted here)`,
    };
  }
}

function loadKeyFile(file: string): KeyObject {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new AppError('NOT_FOUND', `Cannot read the seal key file ${file}: ${(err as Error).message}`);
  }
  try {
    const key = createPrivateKey(text);
    if (key.asymmetricKeyType !== 'ed25519') throw new Error(`a ${key.asymmetricKeyType} key`);
    return key;
  } catch (err) {
    throw new AppError('INVALID_ARGUMENT', `${file} holds no Ed25519 private key (PKCS#8 PEM): ${(err as Error).message}`);
  }
}

function parsePublicKey(text: string): Buffer {
  const t = text.trim();
  try {
    if (t.includes('-----BEGIN')) return rawPublicKey(createPublicKey(t));
    const raw = Buffer.from(t, 'base64url');
    if (raw.length !== 32) throw new Error('not 32 bytes');
    publicKeyObject(raw);
    return raw;
  } catch (err) {
    throw new AppError('INVALID_ARGUMENT', `Not an Ed25519 public key (PEM or base64url): ${(err as Error).message}`);
  }
}
