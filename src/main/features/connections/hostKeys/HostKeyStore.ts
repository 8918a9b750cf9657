import type { HostKeyCheck, KnownHost } from '../../../../shared/contract/connections';
import type { AppDatabase } from '../../../platform/store/AppDatabase';
import { camelCaseColumns } from '../../../platform/store/columns';
import { fingerprintOf, keyTypeOf, normaliseHost } from './fingerprint';
import { KnownHostsFile } from './KnownHostsFile';

const SCHEMA = [
  `CREATE TABLE known_hosts (host TEXT NOT NULL, port INTEGER NOT NULL, key_type TEXT NOT NULL, fingerprint TEXT NOT NULL,
     added_at TEXT NOT NULL, last_seen_at TEXT, PRIMARY KEY (host, port, key_type));`,
];

interface KnownHostRow {
  host: string;
  port: number;
  key_type: string;
  fingerprint: string;
  added_at: string;
  last_seen_at: string | null;
}

/**
 * Trusted SSH host keys. The app pins keys in its own SQLite table (host, port, key type → SHA-256
 * fingerprint) and also honours the user's OpenSSH known_hosts files, read fresh on every check so an
 * `ssh-keygen -R` by the user is seen at once. The verdict, in OpenSSH's order:
 * revoked anywhere → refuse; same key known → trusted; a different key of the same type known → changed
 * (refuse, naming both fingerprints); otherwise unknown (ask a person).
 */
export class HostKeyStore {
  constructor(
    private readonly store: AppDatabase,
    /** OpenSSH files to honour, usually `~/.ssh/known_hosts`; a function so tests and settings can change it. */
    private readonly opensshFiles: () => string[],
  ) {
    store.ensureSchema('known_hosts', SCHEMA);
  }

  check(host: string, port: number, blob: Buffer): HostKeyCheck {
    const h = normaliseHost(host);
    const keyType = keyTypeOf(blob);
    const fingerprint = fingerprintOf(blob);
    const base = { host: h, port, keyType, fingerprint };

    const fileMatches = this.opensshFiles().flatMap((p) => KnownHostsFile.read(p)?.lookup(h, port, blob) ?? []);
    if (fileMatches.some((m) => m.entry.marker === 'revoked' && m.sameKey)) {
      return { ...base, status: 'revoked', source: 'openssh', knownFingerprint: null };
    }
    const pinned = this.rows(h, port);
    const appSame = pinned.find((r) => r.fingerprint === fingerprint);
    if (appSame) {
      this.store.db
        .prepare('UPDATE known_hosts SET last_seen_at = ? WHERE host = ? AND port = ? AND key_type = ?')
        .run(new Date().toISOString(), h, port, appSame.key_type);
      return { ...base, status: 'trusted', source: 'app', knownFingerprint: fingerprint };
    }
    const fileSame = fileMatches.find((m) => m.entry.marker === null && m.sameKey);
    if (fileSame) return { ...base, status: 'trusted', source: 'openssh', knownFingerprint: fingerprint };

    const appOther = pinned.find((r) => r.key_type === keyType);
    if (appOther) return { ...base, status: 'changed', source: 'app', knownFingerprint: appOther.fingerprint };
    const fileOther = fileMatches.find((m) => m.entry.marker === null && m.entry.keyType === keyType);
    if (fileOther) return { ...base, status: 'changed', source: 'openssh', knownFingerprint: fileOther.entry.fingerprint };
    return { ...base, status: 'unknown', source: null, knownFingerprint: null };
  }

  /** Pin a key. Replaces an older key of the same type only through `forget` first (see trust()). */
  trust(host: string, port: number, keyType: string, fingerprint: string): KnownHost {
    const h = normaliseHost(host);
    const now = new Date().toISOString();
    this.store.db
      .prepare(
        `INSERT INTO known_hosts (host, port, key_type, fingerprint, added_at, last_seen_at) VALUES (?, ?, ?, ?, ?, NULL)
         ON CONFLICT(host, port, key_type) DO UPDATE SET fingerprint = excluded.fingerprint, added_at = excluded.added_at`,
      )
      .run(h, port, keyType, fingerprint, now);
    const row = this.rows(h, port).find((r) => r.key_type === keyType) as KnownHostRow;
    return toKnownHost(row);
  }

  /** The pinned fingerprint of this type, if any (so callers can refuse silently replacing a changed key). */
  pinned(host: string, port: number, keyType: string): string | null {
    return this.rows(normaliseHost(host), port).find((r) => r.key_type === keyType)?.fingerprint ?? null;
  }

  list(): KnownHost[] {
    const rows = this.store.db.prepare('SELECT * FROM known_hosts ORDER BY host, port, key_type').all() as KnownHostRow[];
    return rows.map(toKnownHost);
  }

  forget(host: string, port: number): number {
    return this.store.db.prepare('DELETE FROM known_hosts WHERE host = ? AND port = ?').run(normaliseHost(host), port).changes;
  }

  opensshSummary(): Array<{ path: string; entries: number }> {
    return this.opensshFiles().flatMap((p) => {
      const f = KnownHostsFile.read(p);
      return f ? [{ path: p, entries: f.entries.length }] : [];
    });
  }

  private rows(host: string, port: number): KnownHostRow[] {
    return this.store.db.prepare('SELECT * FROM known_hosts WHERE host = ? AND port = ?').all(host, port) as KnownHostRow[];
  }
}

/** The table's columns are the contract's fields, snake_cased. */
function toKnownHost(r: KnownHostRow): KnownHost {
  return camelCaseColumns(r);
}
