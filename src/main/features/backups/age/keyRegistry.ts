import path from 'node:path';
import type { AgeKeys } from './ageHeader';

/**
 * The keys of encrypted backups this process was given, by file, in memory only (never SQLite, logs or
 * argv). Every reader of a backup opens it through `openLocalSource` (format/byteSource.ts), which decrypts
 * an age file with the keys registered here — so verify, the restore's sources and member streams read an
 * encrypted backup unchanged. The unwrapped file key is cached with them (one scrypt per file, not per read).
 * Entries expire after `ttlMs` (default 6 h) or when released.
 */
interface Entry {
  keys: AgeKeys;
  fileKey: Promise<{ fileKey: Buffer; headerLength: number }> | null;
  expires: number;
  /** Taken from the process-wide default keys: dropped when those change (with the file key they opened). */
  fromDefault?: boolean;
}

const entries = new Map<string, Entry>();
/** Keys for any encrypted file this process opens (the CLI sets them from --identity / the env). */
let fallback: Entry | null = null;

export function registerDefaultBackupKeys(keys: AgeKeys | null): void {
  fallback = keys ? { keys, fileKey: null, expires: Number.POSITIVE_INFINITY } : null;
  // A file opened with the previous default keys must not stay open through its cached file key.
  for (const [file, e] of entries) if (e.fromDefault) entries.delete(file);
}

/** `unwrapped`: the file key itself, when this process wrote the file (a download checking its own copy). */
export function registerBackupKeys(
  file: string,
  keys: AgeKeys,
  ttlMs = 6 * 3600_000,
  unwrapped?: { fileKey: Buffer; headerLength: number },
): () => void {
  const key = path.resolve(file);
  const entry: Entry = { keys, fileKey: unwrapped ? Promise.resolve(unwrapped) : null, expires: Date.now() + ttlMs };
  entries.set(key, entry);
  return () => {
    if (entries.get(key) === entry) entries.delete(key);
  };
}

export function registeredKeys(file: string): Entry | null {
  const key = path.resolve(file);
  const e = entries.get(key);
  if (!e) {
    if (!fallback) return null;
    const own: Entry = { keys: fallback.keys, fileKey: null, expires: Date.now() + 6 * 3600_000, fromDefault: true };
    entries.set(key, own);
    return own;
  }
  if (e.expires < Date.now()) {
    entries.delete(key);
    return null;
  }
  return e;
}
