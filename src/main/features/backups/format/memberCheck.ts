import { createHash } from 'node:crypto';
import { Readable, Transform, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { BackupMember } from '../../../../shared/contract/backups';
import { AppError } from '../../../core/AppError';
import { createGunzipStream, OutputLimit } from '../../../core/inflate';
import type { ByteSource } from './byteSource';

export interface MemberProblem {
  code: 'BACKUP_INCOMPLETE' | 'BACKUP_CORRUPT';
  message: string;
}

/**
 * Members up to this size (compressed) are read with one call on the open source and fed to the pipeline
 * as one chunk: over SFTP every stream is an open/close round trip, and a backup has hundreds of ~1 MB
 * members. Larger ones are streamed from the source. Either way the inflated text is never held.
 */
const ONE_READ_MAX_BYTES = 16 << 20;

/** Raised inside the pipeline when a member inflates past its manifest's rawBytes. */
class InflatedTooMuch extends Error {}

/**
 * One member checked as a stream: its compressed bytes are counted and hashed and (with `inflate`)
 * inflated and counted on the way, so memory stays at a few 1 MiB chunks whatever the member holds — `backup
 * verify` used to inflate a member into one Buffer, and a forged 8 MB file took 7.4 GB. Inflating stops
 * the moment the output passes the manifest's `rawBytes`. Problems are reported in the order a reader
 * needs them: cut short, then altered bytes (SHA-256), then an inflate that does not match the manifest.
 */
export async function checkMember(
  src: ByteSource,
  m: BackupMember,
  where: string,
  options: { inflate: boolean; signal?: AbortSignal },
): Promise<MemberProblem | null> {
  const hash = createHash('sha256');
  let read = 0;
  const take = (chunk: Buffer) => {
    read += chunk.length;
    hash.update(chunk);
  };
  const tap = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      take(chunk);
      cb(null, chunk);
    },
  });
  const sink = new Writable({ write: (_chunk, _enc, cb) => cb() });
  const end = m.offset + m.length;
  let inflateProblem: string | null = null;
  const input = async (): Promise<Readable> =>
    m.length <= ONE_READ_MAX_BYTES
      ? Readable.from([await src.read(m.offset, m.length)], { objectMode: false })
      : src.stream(m.offset, end);
  try {
    if (m.length > 0 && options.inflate) {
      const limit = new OutputLimit(m.rawBytes, () => new InflatedTooMuch());
      await pipeline(await input(), tap, createGunzipStream(), limit, sink, { signal: options.signal });
      if (limit.seen !== m.rawBytes) inflateProblem = `inflates to ${limit.seen} bytes, manifest says ${m.rawBytes}`;
    } else if (m.length > 0) {
      await pipeline(await input(), tap, sink, { signal: options.signal });
    }
  } catch (err) {
    if (options.signal?.aborted) throw new AppError('CANCELLED', 'Verification cancelled.');
    if (err instanceof InflatedTooMuch)
      inflateProblem = `inflates to more than the ${m.rawBytes} bytes its manifest says (inflating stopped there)`;
    else if (isZlibError(err)) inflateProblem = `does not inflate: ${(err as Error).message}`;
    else throw err;
    // The rest is hashed without inflating it: altered bytes and a member sealed that way read differently.
    if (read < m.length) for await (const chunk of src.stream(m.offset + read, end)) take(chunk as Buffer);
  }
  if (read !== m.length) return { code: 'BACKUP_INCOMPLETE', message: `${where} is cut short` };
  if (hash.digest('hex') !== m.sha256)
    return { code: 'BACKUP_CORRUPT', message: `${where} does not match its SHA-256 (altered bytes)` };
  if (inflateProblem) return { code: 'BACKUP_CORRUPT', message: `${where} ${inflateProblem}` };
  return null;
}

function isZlibError(err: unknown): boolean {
  const e = err as NodeJS.ErrnoException;
  return typeof e?.code === 'string' && e.code.startsWith('Z_');
}
