import { MemorySecretStore, type SecretStore } from './SecretStore';

const SERVICE = 'sysndd-admin';

interface KeyringEntry {
  getPassword(): string | null | undefined;
  setPassword(value: string): void;
  deletePassword(): boolean;
}
interface EntryOptions {
  linux?: { store?: 'secret-service' | 'keyutils' };
}
type EntryCtor = new (service: string, account: string, options?: EntryOptions) => KeyringEntry;

/**
 * On Linux the binding would silently fall back from the Secret Service to the kernel keyutils keyring,
 * which lives in kernel memory and is gone after a reboot; a store that claims to be persistent must not
 * do that, so entries are pinned to the Secret Service (gnome-keyring, KWallet, KeePassXC).
 */
const ENTRY_OPTIONS: EntryOptions = { linux: { store: 'secret-service' } };

export type KeyringProbe = { ok: true; store: KeyringSecretStore } | { ok: false; reason: string };

/**
 * OS keyring for the CLI and browser mode (Secret Service / Keychain / Credential Manager through
 * @napi-rs/keyring). Probed once with a throw-away entry: on a headless machine without a Secret Service
 * it reports why it is unusable and the caller falls back to memory.
 */
export class KeyringSecretStore implements SecretStore {
  readonly name = 'os-keyring';
  readonly persistent = true;
  readonly warning = null;

  private constructor(private readonly Entry: EntryCtor) {}

  static async probe(): Promise<KeyringProbe> {
    try {
      const mod = (await import('@napi-rs/keyring')) as unknown as { Entry: EntryCtor };
      const probe = new mod.Entry(SERVICE, `probe-${process.pid}`, ENTRY_OPTIONS);
      probe.setPassword('probe');
      const ok = probe.getPassword() === 'probe';
      probe.deletePassword();
      return ok
        ? { ok: true, store: new KeyringSecretStore(mod.Entry) }
        : { ok: false, reason: 'the keyring did not return the value just stored' };
    } catch (err) {
      return { ok: false, reason: err instanceof Error ? err.message : String(err) };
    }
  }

  static async open(): Promise<KeyringSecretStore | null> {
    const probe = await KeyringSecretStore.probe();
    return probe.ok ? probe.store : null;
  }

  private entry(key: string): KeyringEntry {
    return new this.Entry(SERVICE, key, ENTRY_OPTIONS);
  }

  async get(key: string): Promise<string | null> {
    return this.entry(key).getPassword() ?? null;
  }
  async set(key: string, value: string): Promise<void> {
    this.entry(key).setPassword(value);
  }
  async delete(key: string): Promise<void> {
    try {
      this.entry(key).deletePassword();
    } catch {
      // Deleting a secret that was never stored is not an error.
    }
  }
}

/** The best persistent store this process can use, or memory with a warning that says why. */
export async function openHeadlessSecretStore(preferMemory = false): Promise<SecretStore> {
  if (preferMemory) {
    return new MemorySecretStore(
      'Passwords are kept in memory only (SYSNDD_ADMIN_SECRETS=memory): they are not saved and will be asked for again.',
    );
  }
  const probe = await KeyringSecretStore.probe();
  if (probe.ok) return probe.store;
  return new MemorySecretStore(
    `Passwords are not saved: no usable OS keyring (${probe.reason}). They are kept in memory for this run and asked ` +
      'for again; on Linux install and unlock gnome-keyring or KWallet (Secret Service) to save them.',
  );
}
