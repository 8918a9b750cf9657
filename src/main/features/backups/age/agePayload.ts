import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { AppError } from '../../../core/AppError';
import { hkdf } from './ageKeys';

/**
 * The age v1 payload: a 16-byte nonce, then the STREAM of 64 KiB plaintext chunks, each sealed with
 * ChaCha20-Poly1305 under HKDF(file key, nonce, "payload") with nonce = 11-byte big-endian counter ‖ last
 * flag. Chunks are independent, so a reader can decrypt any of them (AgeSource: random access).
 */
export const CHUNK = 64 << 10;
export const TAG = 16;
export const SEALED_CHUNK = CHUNK + TAG;
export const PAYLOAD_NONCE = 16;

export function payloadKey(fileKey: Buffer, nonce: Buffer): Buffer {
  return hkdf(fileKey, nonce, 'payload');
}

function chunkNonce(index: number, last: boolean): Buffer {
  const n = Buffer.alloc(12);
  n.writeUIntBE(index, 5, 6); // counters beyond 2^48 chunks (16 EiB) are never reached
  n[11] = last ? 1 : 0;
  return n;
}

export function sealChunk(key: Buffer, index: number, last: boolean, plain: Buffer): Buffer {
  const c = createCipheriv('chacha20-poly1305', key, chunkNonce(index, last), { authTagLength: TAG });
  const out = c.update(plain);
  c.final();
  return Buffer.concat([out, c.getAuthTag()]);
}

/** null when the chunk does not authenticate (wrong position, last flag, or altered bytes). */
export function openChunk(key: Buffer, index: number, last: boolean, sealed: Buffer): Buffer | null {
  if (sealed.length < TAG) return null;
  const d = createDecipheriv('chacha20-poly1305', key, chunkNonce(index, last), { authTagLength: TAG });
  d.setAuthTag(sealed.subarray(sealed.length - TAG));
  try {
    const out = d.update(sealed.subarray(0, sealed.length - TAG));
    d.final();
    return out;
  } catch {
    return null;
  }
}

/**
 * Incremental encryptor: `update` returns the sealed chunks completed so far (one full chunk is always held
 * back, since only the end tells which chunk is last), `final` the last chunk. Synchronous, allocation per
 * 64 KiB chunk only; the backup writer feeds it its compressed members.
 */
export class AgeEncryptor {
  private readonly key: Buffer;
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private index = 0;
  private done = false;

  constructor(
    fileKey: Buffer,
    readonly header: Buffer,
    readonly nonce: Buffer = randomBytes(PAYLOAD_NONCE),
  ) {
    this.key = payloadKey(fileKey, nonce);
  }

  /** Header and payload nonce: the first bytes of the file. */
  get prologue(): Buffer {
    return Buffer.concat([this.header, this.nonce]);
  }

  update(plain: Buffer): Buffer {
    if (this.done) throw new Error('age: update after final');
    this.pending.push(plain);
    this.pendingBytes += plain.length;
    if (this.pendingBytes <= CHUNK) return Buffer.alloc(0);
    const all = Buffer.concat(this.pending, this.pendingBytes);
    const out: Buffer[] = [];
    let pos = 0;
    while (all.length - pos > CHUNK) {
      out.push(sealChunk(this.key, this.index++, false, all.subarray(pos, pos + CHUNK)));
      pos += CHUNK;
    }
    const rest = all.subarray(pos);
    this.pending = [Buffer.from(rest)];
    this.pendingBytes = rest.length;
    return Buffer.concat(out);
  }

  final(): Buffer {
    if (this.done) throw new Error('age: final twice');
    this.done = true;
    return sealChunk(this.key, this.index++, true, Buffer.concat(this.pending, this.pendingBytes));
  }
}

/** Plaintext size of a payload of `payloadBytes` (after the nonce), or BACKUP_INCOMPLETE when impossible. */
export function plainSizeOf(payloadBytes: number, name: string): { chunks: number; size: number } {
  const chunks = Math.ceil(payloadBytes / SEALED_CHUNK);
  const lastSealed = payloadBytes - (chunks - 1) * SEALED_CHUNK;
  if (chunks === 0 || lastSealed < TAG)
    throw new AppError('BACKUP_INCOMPLETE', `${name} is incomplete: the encrypted payload is cut short.`);
  return { chunks, size: payloadBytes - chunks * TAG };
}
