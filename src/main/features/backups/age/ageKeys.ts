import {
  createHmac,
  createPrivateKey,
  createPublicKey,
  diffieHellman,
  generateKeyPairSync,
  hkdfSync,
  type KeyObject,
} from 'node:crypto';
import { AppError } from '../../../core/AppError';
import { bech32Decode, bech32Encode } from './bech32';

/**
 * age v1 keys (https://age-encryption.org/v1): X25519 recipients `age1…` and identities
 * `AGE-SECRET-KEY-1…`, as `age-keygen` writes them, on node:crypto.
 */
const PKCS8_X25519 = Buffer.from('302e020100300506032b656e04220420', 'hex');
const SPKI_X25519 = Buffer.from('302a300506032b656e032100', 'hex');

export interface AgeIdentity {
  privateKey: KeyObject;
  publicKey: Buffer;
}

export function x25519Private(raw: Buffer): KeyObject {
  return createPrivateKey({ key: Buffer.concat([PKCS8_X25519, raw]), format: 'der', type: 'pkcs8' });
}

export function x25519Public(raw: Buffer): KeyObject {
  return createPublicKey({ key: Buffer.concat([SPKI_X25519, raw]), format: 'der', type: 'spki' });
}

export function rawX25519Public(key: KeyObject): Buffer {
  return (key.export({ format: 'der', type: 'spki' }) as Buffer).subarray(SPKI_X25519.length);
}

/** X25519 that refuses the all-zero shared secret (a low-order point), as the spec requires. */
export function x25519(privateKey: KeyObject, publicRaw: Buffer): Buffer {
  const shared = diffieHellman({ privateKey, publicKey: x25519Public(publicRaw) });
  if (shared.every((b) => b === 0)) throw new AppError('INVALID_ARGUMENT', 'age: X25519 share of low order.');
  return shared;
}

export function hkdf(ikm: Buffer, salt: Buffer, info: string, length = 32): Buffer {
  return Buffer.from(hkdfSync('sha256', ikm, salt, info, length));
}

export function hmac(key: Buffer, data: Buffer): Buffer {
  return createHmac('sha256', key).update(data).digest();
}

export function parseRecipient(text: string): Buffer {
  const d = bech32Decode(text.trim());
  if (d?.hrp !== 'age' || d.data.length !== 32 || text.trim() !== text.trim().toLowerCase())
    throw new AppError('INVALID_ARGUMENT', `Not an age X25519 recipient (age1…): "${text.slice(0, 80)}"`);
  return d.data;
}

export function encodeRecipient(publicKey: Buffer): string {
  return bech32Encode('age', publicKey);
}

/** Identities from an `age-keygen` file (comments and blank lines ignored). */
export function parseIdentityFile(text: string): AgeIdentity[] {
  const ids: AgeIdentity[] = [];
  for (const line of text.split(/\r?\n/)) {
    const l = line.trim();
    if (!l || l.startsWith('#')) continue;
    const d = bech32Decode(l);
    if (d?.hrp !== 'age-secret-key-' || d.data.length !== 32 || l !== l.toUpperCase())
      throw new AppError('INVALID_ARGUMENT', 'The identity file holds a line that is not an age secret key (AGE-SECRET-KEY-1…).');
    const privateKey = x25519Private(d.data);
    ids.push({ privateKey, publicKey: rawX25519Public(createPublicKey(privateKey)) });
  }
  if (!ids.length) throw new AppError('INVALID_ARGUMENT', 'The identity file holds no age secret key.');
  return ids;
}

/** A new identity, as `age-keygen` would write it: `{ file text, recipient }`. */
export function generateIdentity(): { text: string; recipient: string } {
  const { privateKey, publicKey } = generateKeyPairSync('x25519');
  const raw = (privateKey.export({ format: 'der', type: 'pkcs8' }) as Buffer).subarray(PKCS8_X25519.length);
  const recipient = encodeRecipient(rawX25519Public(publicKey));
  const secret = bech32Encode('age-secret-key-', raw).toUpperCase();
  return { text: `# created: ${new Date().toISOString()}\n# public key: ${recipient}\n${secret}\n`, recipient };
}
