import type { SecretStore } from '../secrets/SecretStore';

export const SCRUBBED = '[redacted]';

/**
 * `scheme://user:password@host` anywhere in a text (mysql://, mariadb://, smtp://, smtps://, http://…). The
 * password runs to the last `@` before the host: an unescaped `@` inside it is a common mistake, and
 * stopping at the first would leave the rest of the password in the log. Whitespace, `/` and quotes end
 * the authority, so the match never runs past the URL (or out of a JSON string).
 */
const URL_USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/[^\s/:@"'<>]*):[^\s/"'<>]*@/gi;

export function scrubUrlPasswords(text: string): string {
  return text.replace(URL_USERINFO, `$1:${SCRUBBED}@`);
}

/**
 * Values below this length are not scrubbed: a 1–3 character value would shred every log line that
 * happens to contain those letters, and such a "secret" guesses in a blink anyway.
 */
export const MIN_SCRUBBED_LENGTH = 4;

/**
 * Secret values this process has seen (read from or written to the secret store, taken from an env var,
 * typed at a prompt). Key-name redaction misses a password that ended up inside a message ("connect as
 * root with pw …", an error text quoting a DSN); scrubbing the known values catches it wherever it lands.
 * Values live only in memory, like the secrets themselves once read.
 */
export class KnownSecrets {
  /** Each value with the forms it takes in a line: as written and inside a JSON string (`"`, `\\` escaped). */
  private values: Array<{ value: string; forms: string[] }> = [];

  add(value: string | null | undefined): void {
    if (!value || value.length < MIN_SCRUBBED_LENGTH || this.values.some((v) => v.value === value)) return;
    const escaped = JSON.stringify(value).slice(1, -1);
    const forms = escaped === value ? [value] : [value, escaped];
    // Longest first: when one secret contains another, the whole of the longer one is replaced.
    this.values = [...this.values, { value, forms }].sort((a, b) => b.value.length - a.value.length);
  }

  get size(): number {
    return this.values.length;
  }

  /**
   * Replaces every known value, as written and as it appears inside a JSON string (a `"` or `\` in a
   * password is escaped in a log line), then every URL password.
   */
  scrub(text: string): string {
    let out = text;
    for (const { forms } of this.values) {
      for (const form of forms) out = out.split(form).join(SCRUBBED);
    }
    return scrubUrlPasswords(out);
  }
}

/**
 * The App's secret store, reporting every value that passes through it to `known` (the clean hook: all
 * stored secrets — saved profiles, safeStorage, keyring, memory — go through get/set). Reading a value is
 * when it can start to leak, so get registers too, not only set.
 */
export class ObservedSecretStore implements SecretStore {
  constructor(
    private readonly inner: SecretStore,
    private readonly known: KnownSecrets,
  ) {}

  get name(): string {
    return this.inner.name;
  }
  get persistent(): boolean {
    return this.inner.persistent;
  }
  get warning(): string | null {
    return this.inner.warning;
  }

  async get(key: string): Promise<string | null> {
    const value = await this.inner.get(key);
    this.known.add(value);
    return value;
  }

  async set(key: string, value: string): Promise<void> {
    this.known.add(value);
    await this.inner.set(key, value);
  }

  delete(key: string): Promise<void> {
    return this.inner.delete(key);
  }
}
