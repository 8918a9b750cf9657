/**
 * Where passwords and passphrases live. Values never reach the app database, logs or the renderer:
 * the store keeps them in the OS facility (Electron safeStorage, the OS keyring) or, where none is usable,
 * only in memory for this process ("not saved, will prompt").
 */
export interface SecretStore {
  readonly name: string;
  /** True when a value survives a restart. */
  readonly persistent: boolean;
  /** Why secrets are not persistent, or a caveat the UI should show; null when all is well. */
  readonly warning: string | null;
  get(key: string): Promise<string | null>;
  set(key: string, value: string): Promise<void>;
  delete(key: string): Promise<void>;
}

/** Kept for the life of the process only. Used when no OS secret facility works (headless CI, basic_text). */
export class MemorySecretStore implements SecretStore {
  readonly name = 'memory';
  readonly persistent = false;
  private readonly values = new Map<string, string>();

  constructor(
    readonly warning: string | null = 'No OS secret store is available: passwords are not saved and will be asked for again.',
  ) {}

  async get(key: string): Promise<string | null> {
    return this.values.get(key) ?? null;
  }
  async set(key: string, value: string): Promise<void> {
    this.values.set(key, value);
  }
  async delete(key: string): Promise<void> {
    this.values.delete(key);
  }
}

export function secretKey(profileId: string, name: string): string {
  return `profile:${profileId}:${name}`;
}
