import { createHmac } from 'node:crypto';
import fs from 'node:fs';
import { fingerprintOf, keyTypeOf, normaliseHost } from './fingerprint';

/** One usable line of an OpenSSH known_hosts file. */
export interface KnownHostsEntry {
  marker: 'revoked' | null;
  /** Comma-separated patterns as written; hashed entries (`|1|salt|hash`) stay hashed. */
  patterns: string[];
  keyType: string;
  fingerprint: string;
}

export interface KnownHostsMatch {
  entry: KnownHostsEntry;
  sameKey: boolean;
}

/**
 * Reads OpenSSH known_hosts files (read-only: we never edit the user's file). Supports plain host names,
 * `[host]:port` for non-22 ports, wildcards `*` and `?`, negation `!`, hashed names (`HashKnownHosts yes`,
 * HMAC-SHA1 keyed by the per-line salt) and the `@revoked` marker. `@cert-authority` lines are skipped: the
 * app does not accept host certificates.
 */
export class KnownHostsFile {
  readonly entries: KnownHostsEntry[];

  constructor(
    readonly path: string,
    text: string,
  ) {
    this.entries = parseKnownHosts(text);
  }

  static read(path: string): KnownHostsFile | null {
    try {
      return new KnownHostsFile(path, fs.readFileSync(path, 'utf8'));
    } catch {
      return null;
    }
  }

  /** Lines that name this host and port, each telling whether its key equals the presented one. */
  lookup(host: string, port: number, presented: Buffer): KnownHostsMatch[] {
    const names = hostNamesFor(host, port);
    const presentedFp = fingerprintOf(presented);
    const out: KnownHostsMatch[] = [];
    for (const entry of this.entries) {
      if (matchesPatterns(entry.patterns, names)) out.push({ entry, sameKey: entry.fingerprint === presentedFp });
    }
    return out;
  }
}

export function parseKnownHosts(text: string): KnownHostsEntry[] {
  const entries: KnownHostsEntry[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const fields = line.split(/\s+/);
    let marker: KnownHostsEntry['marker'] = null;
    if (fields[0]?.startsWith('@')) {
      const m = fields.shift();
      if (m === '@cert-authority') continue;
      if (m !== '@revoked') continue;
      marker = 'revoked';
    }
    const [hosts, keyTypeField, keyBase64] = fields;
    if (!hosts || !keyTypeField || !keyBase64) continue;
    const blob = Buffer.from(keyBase64, 'base64');
    if (blob.length < 8) continue;
    const keyType = keyTypeOf(blob);
    if (keyType === 'unknown') continue;
    entries.push({ marker, patterns: hosts.split(','), keyType, fingerprint: fingerprintOf(blob) });
  }
  return entries;
}

/** The names OpenSSH writes for a host: `host` on port 22, `[host]:port` otherwise. */
function hostNamesFor(host: string, port: number): string[] {
  const h = normaliseHost(host);
  return port === 22 ? [h] : [`[${h}]:${port}`];
}

function matchesPatterns(patterns: string[], names: string[]): boolean {
  let matched = false;
  for (const pattern of patterns) {
    if (pattern.startsWith('|1|')) {
      if (names.some((n) => hashedMatches(pattern, n))) matched = true;
      continue;
    }
    const negated = pattern.startsWith('!');
    const glob = normaliseHost(negated ? pattern.slice(1) : pattern);
    if (names.some((n) => globMatches(glob, n))) {
      if (negated) return false; // A matching negation wins over every positive pattern on the line.
      matched = true;
    }
  }
  return matched;
}

function hashedMatches(pattern: string, name: string): boolean {
  const [, , salt, hash] = pattern.split('|');
  if (!salt || !hash) return false;
  const digest = createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest('base64');
  return digest === hash;
}

function globMatches(glob: string, name: string): boolean {
  if (!/[*?]/.test(glob)) return glob === name;
  const re = new RegExp(
    `^${glob
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
  );
  return re.test(name);
}
