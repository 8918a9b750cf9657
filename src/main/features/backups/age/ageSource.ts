import { Readable, Transform, type TransformCallback } from 'node:stream';
import { AppError } from '../../../core/AppError';
import type { ByteSource } from '../format/byteSource';
import { type AgeKeys, type AgeRecipients, makeHeader, unwrapFileKey } from './ageHeader';
import { AgeEncryptor, CHUNK, openChunk, PAYLOAD_NONCE, payloadKey, plainSizeOf, SEALED_CHUNK } from './agePayload';

/** Header reads stop here; our headers are < 1 KiB, age's own < 64 KiB for any sane recipient count. */
const HEADER_READ = 64 << 10;

/**
 * The decrypted view of an age file as a ByteSource: random access by chunk (each 64 KiB chunk is sealed on
 * its own), so the manifest at the end, one member, or the whole file are read without decrypting the rest
 * and without plaintext on disk. A wrong key fails at open (BACKUP_DECRYPT_FAILED), before any byte is read.
 */
export async function openAgeSource(
  cipher: ByteSource,
  keys: AgeKeys,
  unwrap: (head: Buffer) => Promise<{ fileKey: Buffer; headerLength: number }> = (head) => unwrapFileKey(head, keys),
): Promise<ByteSource> {
  const head = await cipher.read(0, Math.min(cipher.size, HEADER_READ));
  const { fileKey, headerLength } = await unwrap(head);
  const start = headerLength + PAYLOAD_NONCE;
  if (cipher.size < start) throw new AppError('BACKUP_INCOMPLETE', `${cipher.name} is incomplete: no payload.`);
  const nonce = head.length >= start ? head.subarray(headerLength, start) : await cipher.read(headerLength, PAYLOAD_NONCE);
  const key = payloadKey(fileKey, nonce);
  const { chunks, size } = plainSizeOf(cipher.size - start, cipher.name);
  const cache = new Map<number, Buffer>();

  async function chunk(i: number): Promise<Buffer> {
    const hit = cache.get(i);
    if (hit) return hit;
    const sealed = await cipher.read(start + i * SEALED_CHUNK, SEALED_CHUNK);
    const last = i === chunks - 1;
    const plain = openChunk(key, i, last, sealed);
    if (!plain) {
      if (last && openChunk(key, i, false, sealed))
        throw new AppError('BACKUP_INCOMPLETE', `${cipher.name} is incomplete: the encrypted file is cut short.`);
      throw new AppError('BACKUP_CORRUPT', `${cipher.name} is corrupt: encrypted chunk ${i} does not authenticate.`);
    }
    if (!last && plain.length !== CHUNK) throw new AppError('BACKUP_CORRUPT', `${cipher.name}: chunk ${i} is short.`);
    if (cache.size >= 4) cache.delete(cache.keys().next().value as number);
    cache.set(i, plain);
    return plain;
  }

  async function read(position: number, length: number): Promise<Buffer> {
    const end = Math.min(size, position + length);
    if (end <= position) return Buffer.alloc(0);
    const parts: Buffer[] = [];
    for (let i = Math.floor(position / CHUNK); i * CHUNK < end; i++) {
      const c = await chunk(i);
      const from = Math.max(position - i * CHUNK, 0);
      const to = Math.min(end - i * CHUNK, c.length);
      parts.push(c.subarray(from, to));
    }
    return parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts);
  }

  return {
    name: cipher.name,
    size,
    read,
    stream(from = 0, to = size) {
      let pos = from;
      return new Readable({
        highWaterMark: 1 << 20,
        read() {
          if (pos >= to) return void this.push(null);
          const n = Math.min(1 << 20, to - pos);
          read(pos, n).then(
            (b) => {
              pos += b.length;
              this.push(b);
            },
            (err: Error) => this.destroy(err),
          );
        },
      });
    },
    close: () => cipher.close(),
  };
}

/**
 * Plaintext → age file bytes, as a stream (downloads encrypted on the way, tests). `made`: a header from
 * `makeHeader` whose file key the caller keeps (the download checks its copy through it, in memory).
 */
export async function createAgeEncryptStream(to: AgeRecipients, made?: { fileKey: Buffer; header: Buffer }): Promise<Transform> {
  const { fileKey, header } = made ?? (await makeHeader(to));
  const enc = new AgeEncryptor(fileKey, header);
  let started = false;
  return new Transform({
    transform(chunk: Buffer, _e, cb) {
      const out = enc.update(chunk);
      if (!started) {
        started = true;
        return cb(null, Buffer.concat([enc.prologue, out]));
      }
      cb(null, out.length ? out : undefined);
    },
    flush(cb) {
      cb(null, started ? enc.final() : Buffer.concat([enc.prologue, enc.final()]));
    },
  });
}

/**
 * age file bytes → plaintext, as a stream: the header is read and the key unwrapped before any output
 * (wrong key: BACKUP_DECRYPT_FAILED, nothing emitted); every chunk is authenticated before it is passed on,
 * and a stream ending without its last chunk fails with BACKUP_INCOMPLETE.
 */
export function createAgeDecryptStream(keys: AgeKeys, name = 'encrypted backup'): Transform {
  let head: Buffer[] = [];
  let headBytes = 0;
  let key: Buffer | null = null;
  let pending: Buffer = Buffer.alloc(0);
  let index = 0;
  let unwrapping = false;

  const drain = (t: Transform, final: boolean): void => {
    while (pending.length > SEALED_CHUNK || (final && pending.length > 0)) {
      const take = Math.min(SEALED_CHUNK, pending.length);
      const last = final && take === pending.length;
      const plain = openChunk(key as Buffer, index, last, pending.subarray(0, take));
      if (!plain) {
        if (last && openChunk(key as Buffer, index, false, pending.subarray(0, take)))
          throw new AppError('BACKUP_INCOMPLETE', `${name} is incomplete: the encrypted stream is cut short.`);
        throw new AppError('BACKUP_CORRUPT', `${name} is corrupt: encrypted chunk ${index} does not authenticate.`);
      }
      index++;
      pending = pending.subarray(take);
      if (plain.length) t.push(plain);
    }
  };

  return new Transform({
    transform(chunk: Buffer, _e, cb: TransformCallback) {
      if (key) {
        pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
        try {
          drain(this, false);
          return cb();
        } catch (err) {
          return cb(err as Error);
        }
      }
      head.push(chunk);
      headBytes += chunk.length;
      const all = Buffer.concat(head, headBytes);
      head = [all];
      const macAt = all.indexOf('\n--- ');
      const macEnd = macAt < 0 ? -1 : all.indexOf(0x0a, macAt + 1);
      if (macEnd < 0 || all.length < macEnd + 1 + PAYLOAD_NONCE) {
        if (headBytes > HEADER_READ) return cb(new AppError('BACKUP_CORRUPT', `${name}: age header too long.`));
        return cb();
      }
      if (unwrapping) return cb();
      unwrapping = true;
      unwrapFileKey(all, keys).then(
        ({ fileKey, headerLength }) => {
          key = payloadKey(fileKey, all.subarray(headerLength, headerLength + PAYLOAD_NONCE));
          pending = all.subarray(headerLength + PAYLOAD_NONCE);
          head = [];
          try {
            drain(this, false);
            cb();
          } catch (err) {
            cb(err as Error);
          }
        },
        (err: Error) => cb(err),
      );
    },
    flush(cb) {
      if (!key) return cb(new AppError('BACKUP_INCOMPLETE', `${name} is incomplete: the age header is cut short.`));
      if (index === 0 && pending.length === 0) return cb(new AppError('BACKUP_INCOMPLETE', `${name} is incomplete.`));
      try {
        drain(this, true);
        cb();
      } catch (err) {
        cb(err as Error);
      }
    },
  });
}
