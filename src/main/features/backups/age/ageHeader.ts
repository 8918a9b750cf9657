import {
  createCipheriv,
  createDecipheriv,
  generateKeyPairSync,
  type KeyObject,
  randomBytes,
  scrypt,
  timingSafeEqual,
} from 'node:crypto';
import { promisify } from 'node:util';
import { AppError } from '../../../core/AppError';
import { type AgeIdentity, hkdf, hmac, x25519 } from './ageKeys';

/**
 * The age v1 header (https://age-encryption.org/v1): version line, one stanza per recipient wrapping the
 * 16-byte file key, and an HMAC over all of it. X25519 recipients, or one scrypt (passphrase) stanza —
 * the spec allows a scrypt stanza only alone, so a file is for keys or for a passphrase, not both.
 */
export const AGE_MAGIC = 'age-encryption.org/v1';
const X25519_LABEL = 'age-encryption.org/v1/X25519';
const SCRYPT_LABEL = 'age-encryption.org/v1/scrypt';
/** 2^17 × 128 × 8 = 128 MiB for scrypt; age's own default 2^18 would need 256 MiB, above our memory bound. */
export const SCRYPT_LOG_N = 17;
/** Refuse headers asking more (age itself stops at 22). */
const SCRYPT_MAX_LOG_N = 20;
const HEADER_MAX = 64 << 10;
const ZERO_NONCE = Buffer.alloc(12);

const scryptAsync = promisify(scrypt) as (pw: string, salt: Buffer, len: number, o: object) => Promise<Buffer>;

export interface AgeRecipients {
  /** Raw X25519 public keys (ageKeys.parseRecipient). */
  x25519?: Buffer[];
  passphrase?: string;
}

export interface AgeKeys {
  identities?: AgeIdentity[];
  passphrase?: string;
}

const b64 = (b: Buffer): string => b.toString('base64').replace(/=+$/, '');

function fromB64(s: string): Buffer {
  if (!/^[A-Za-z0-9+/]*$/.test(s)) throw corrupt('a header field is not base64');
  return Buffer.from(s, 'base64');
}

function seal(key: Buffer, data: Buffer): Buffer {
  const c = createCipheriv('chacha20-poly1305', key, ZERO_NONCE, { authTagLength: 16 });
  return Buffer.concat([c.update(data), c.final(), c.getAuthTag()]);
}

function open(key: Buffer, data: Buffer): Buffer | null {
  if (data.length !== 32) return null;
  const d = createDecipheriv('chacha20-poly1305', key, ZERO_NONCE, { authTagLength: 16 });
  d.setAuthTag(data.subarray(16));
  try {
    return Buffer.concat([d.update(data.subarray(0, 16)), d.final()]);
  } catch {
    return null;
  }
}

function stanza(type: string, args: string[], body: Buffer): string {
  const text = b64(body);
  const lines: string[] = [];
  for (let i = 0; i < text.length; i += 64) lines.push(text.slice(i, i + 64));
  if (text.length % 64 === 0) lines.push('');
  return `-> ${[type, ...args].join(' ')}\n${lines.join('\n')}\n`;
}

/** A new file key and the header that carries it to the recipients. */
export async function makeHeader(to: AgeRecipients): Promise<{ fileKey: Buffer; header: Buffer }> {
  const keys = to.x25519 ?? [];
  if (to.passphrase !== undefined && keys.length)
    throw new AppError('INVALID_ARGUMENT', 'An age file is encrypted to recipients or to a passphrase, not both.');
  if (to.passphrase === undefined && !keys.length) throw new AppError('INVALID_ARGUMENT', 'No age recipient or passphrase.');
  const fileKey = randomBytes(16);
  let text = `${AGE_MAGIC}\n`;
  if (to.passphrase !== undefined) {
    if (!to.passphrase) throw new AppError('INVALID_ARGUMENT', 'The backup passphrase is empty.');
    const salt = randomBytes(16);
    const key = await scryptKey(to.passphrase, salt, SCRYPT_LOG_N);
    text += stanza('scrypt', [b64(salt), String(SCRYPT_LOG_N)], seal(key, fileKey));
  }
  for (const pub of keys) {
    const { privateKey, publicKey } = ephemeral();
    const shared = x25519(privateKey, pub);
    const wrap = hkdf(shared, Buffer.concat([publicKey, pub]), X25519_LABEL);
    text += stanza('X25519', [b64(publicKey)], seal(wrap, fileKey));
  }
  text += '---';
  const mac = hmac(hkdf(fileKey, Buffer.alloc(0), 'header'), Buffer.from(text, 'latin1'));
  return { fileKey, header: Buffer.from(`${text} ${b64(mac)}\n`, 'latin1') };
}

function ephemeral(): { privateKey: KeyObject; publicKey: Buffer } {
  const pair = generateKeyPairSync('x25519');
  return {
    privateKey: pair.privateKey,
    publicKey: (pair.publicKey.export({ format: 'der', type: 'spki' }) as Buffer).subarray(12),
  };
}

function scryptKey(passphrase: string, salt: Buffer, logN: number): Promise<Buffer> {
  const N = 2 ** logN;
  return scryptAsync(passphrase, Buffer.concat([Buffer.from(SCRYPT_LABEL), salt]), 32, {
    N,
    r: 8,
    p: 1,
    maxmem: 128 * N * 8 + (8 << 20),
  });
}

interface Stanza {
  type: string;
  args: string[];
  body: Buffer;
}

/** Does this look like an age file? (`age-encryption.org/v1\n` at byte 0.) */
export function isAgeHead(head: Buffer): boolean {
  return head.subarray(0, AGE_MAGIC.length + 1).toString('latin1') === `${AGE_MAGIC}\n`;
}

/** Parse the header at the start of `bytes` (at least its whole length); returns its stanzas and length. */
export function parseHeader(bytes: Buffer): { stanzas: Stanza[]; macInput: Buffer; mac: Buffer; length: number } {
  if (!isAgeHead(bytes)) throw corrupt('not an age v1 file');
  const stanzas: Stanza[] = [];
  let pos = AGE_MAGIC.length + 1;
  const line = (): string => {
    const nl = bytes.indexOf(0x0a, pos);
    if (nl < 0 || nl - pos > HEADER_MAX) throw corrupt('the header is cut short');
    const l = bytes.toString('latin1', pos, nl);
    pos = nl + 1;
    return l;
  };
  for (;;) {
    const start = pos;
    const l = line();
    if (l.startsWith('--- ')) {
      return { stanzas, macInput: bytes.subarray(0, start + 3), mac: fromB64(l.slice(4)), length: pos };
    }
    if (!l.startsWith('-> ')) throw corrupt('a header line is neither a stanza nor the MAC');
    const [type, ...args] = l.slice(3).split(' ');
    let body = '';
    for (;;) {
      const b = line();
      if (b.length > 64) throw corrupt('a stanza body line is too long');
      body += b;
      if (b.length < 64) break;
    }
    stanzas.push({ type: type as string, args, body: fromB64(body) });
    if (stanzas.length > 64) throw corrupt('too many stanzas');
  }
}

/** The file key, unwrapped with one of `keys`; BACKUP_DECRYPT_FAILED when none fits, BACKUP_KEY_REQUIRED when none was given. */
export async function unwrapFileKey(bytes: Buffer, keys: AgeKeys): Promise<{ fileKey: Buffer; headerLength: number }> {
  const h = parseHeader(bytes);
  const scryptStanza = h.stanzas.find((s) => s.type === 'scrypt');
  if (scryptStanza && h.stanzas.length > 1) throw corrupt('a passphrase stanza must be the only one');
  let fileKey: Buffer | null = null;
  if (scryptStanza) {
    if (keys.passphrase === undefined)
      throw new AppError('BACKUP_KEY_REQUIRED', 'This backup is encrypted with a passphrase: give the passphrase.');
    const [salt, logN] = [fromB64(scryptStanza.args[0] ?? ''), Number(scryptStanza.args[1])];
    if (salt.length !== 16 || !Number.isInteger(logN) || logN < 1 || logN > SCRYPT_MAX_LOG_N)
      throw corrupt('the passphrase stanza has bad parameters');
    fileKey = open(await scryptKey(keys.passphrase, salt, logN), scryptStanza.body);
    if (!fileKey) throw new AppError('BACKUP_DECRYPT_FAILED', 'Wrong passphrase for this encrypted backup.');
  } else {
    if (!keys.identities?.length)
      throw new AppError('BACKUP_KEY_REQUIRED', 'This backup is encrypted to age keys: give an identity file (--identity).');
    for (const s of h.stanzas.filter((x) => x.type === 'X25519')) {
      const share = fromB64(s.args[0] ?? '');
      if (share.length !== 32) throw corrupt('an X25519 stanza has a bad share');
      for (const id of keys.identities) {
        const wrap = hkdf(x25519(id.privateKey, share), Buffer.concat([share, id.publicKey]), X25519_LABEL);
        fileKey = open(wrap, s.body);
        if (fileKey) break;
      }
      if (fileKey) break;
    }
    if (!fileKey) throw new AppError('BACKUP_DECRYPT_FAILED', 'None of the given age identities can decrypt this backup.');
  }
  const mac = hmac(hkdf(fileKey, Buffer.alloc(0), 'header'), h.macInput);
  if (mac.length !== h.mac.length || !timingSafeEqual(mac, h.mac))
    throw corrupt('the header MAC does not match (altered header)');
  return { fileKey, headerLength: h.length };
}

function corrupt(why: string): AppError {
  return new AppError('BACKUP_CORRUPT', `age: ${why}.`);
}
