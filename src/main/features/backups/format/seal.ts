import { createHash, createPublicKey, type KeyObject, sign, verify } from 'node:crypto';

/**
 * The seal of a backup (docs/backup-format.md, "Seal"): an Ed25519 signature over the SHA-256 of the
 * manifest JSON, written as one SQL comment line after the manifest lines, inside the manifest member (so
 * the end marker's hash covers it and `gunzip | mariadb` ignores it):
 *
 *   -- SYSNDD-ADMIN-SIGNATURE ed25519 key=<base64url raw public key> name=<base64url UTF-8 name> sig=<base64url>
 *
 * The manifest holds the SHA-256 of every data member, so the signature covers every byte of the backup.
 * Anyone can recompute hashes and re-write the manifest (`manifestTail`), but not the signature: an edited
 * file comes out unsealed, or with a signature that does not match (invalid).
 */
export const SEAL_PREFIX = '-- SYSNDD-ADMIN-SIGNATURE ';
const SEAL_RE = /^-- SYSNDD-ADMIN-SIGNATURE ed25519 key=([A-Za-z0-9_-]{43}) name=([A-Za-z0-9_-]{0,400}) sig=([A-Za-z0-9_-]{86})$/;
const CONTEXT = 'sysndd-admin-seal-v1:';

/** What signs: this installation's key, or a team key file (backups/seal/SealKeys.ts). */
export interface Sealer {
  /** Raw 32-byte Ed25519 public key. */
  readonly publicKey: Buffer;
  /** The name written beside the signature (informational: trust goes by the key, never by the name). */
  readonly name: string;
  readonly privateKey: KeyObject;
}

export interface SealLine {
  publicKey: Buffer;
  claimedName: string;
  signature: Buffer;
}

/** A seal as read from a file: which key, and whether the signature matches this manifest. */
export interface SealInfo {
  fingerprint: string;
  publicKey: string;
  claimedName: string;
  valid: boolean;
}

function message(jsonSha256: string): Buffer {
  return Buffer.from(CONTEXT + jsonSha256, 'latin1');
}

/** `SHA256:<base64 of SHA-256 of the raw public key>` (no padding), as ssh-keygen prints key fingerprints. */
export function fingerprintOf(publicKey: Buffer): string {
  return `SHA256:${createHash('sha256').update(publicKey).digest('base64').replace(/=+$/, '')}`;
}

export function rawPublicKey(key: KeyObject): Buffer {
  const jwk = key.export({ format: 'jwk' });
  if (jwk.crv !== 'Ed25519' || typeof jwk.x !== 'string') throw new Error('not an Ed25519 key');
  return Buffer.from(jwk.x, 'base64url');
}

export function publicKeyObject(raw: Buffer): KeyObject {
  return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: raw.toString('base64url') }, format: 'jwk' });
}

export function encodeSealLine(jsonSha256: string, sealer: Sealer): string {
  const sig = sign(null, message(jsonSha256), sealer.privateKey);
  const name = Buffer.from(sealer.name.slice(0, 200), 'utf8').toString('base64url');
  return `${SEAL_PREFIX}ed25519 key=${sealer.publicKey.toString('base64url')} name=${name} sig=${sig.toString('base64url')}\n`;
}

export function parseSealLine(line: string): SealLine | null {
  const m = SEAL_RE.exec(line);
  if (!m) return null;
  return {
    publicKey: Buffer.from(m[1] as string, 'base64url'),
    claimedName: Buffer.from(m[2] as string, 'base64url').toString('utf8'),
    signature: Buffer.from(m[3] as string, 'base64url'),
  };
}

export function checkSeal(jsonSha256: string, line: SealLine): SealInfo {
  let valid = false;
  try {
    valid = verify(null, message(jsonSha256), publicKeyObject(line.publicKey), line.signature);
  } catch {
    valid = false;
  }
  return {
    fingerprint: fingerprintOf(line.publicKey),
    publicKey: line.publicKey.toString('base64url'),
    claimedName: line.claimedName,
    valid,
  };
}
