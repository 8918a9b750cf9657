import { createHash } from 'node:crypto';
import { pipeline, type Readable, Transform } from 'node:stream';
import zlib from 'node:zlib';
import type { BackupManifest, BackupMember } from '../../../../shared/contract/backups';
import { AppError } from '../../../core/AppError';
import { createGunzipStream, gunzipBuffer, OutputLimit } from '../../../core/inflate';
import { endMemberBytes } from './BackupFileWriter';
import { type ByteSource, openLocalSource, withSource } from './byteSource';
import { decodeManifestMember, END_PREFIX, parseEndLine } from './manifestCodec';
import { checkMember } from './memberCheck';
import type { SealInfo } from './seal';

/** How far from the end the end marker can start: its line is < 200 bytes, plus gzip framing. */
const TAIL_BYTES = 1024;
/**
 * Largest manifest read, compressed or inflated. One member takes ~200 bytes of JSON (4/3 of that in
 * base64), so this holds ~30,000 members, ~120 GB of SQL at our 4 MiB chunks. The manifest is read whole,
 * decoded and parsed (a few copies of it at once), so its size is bounded like everything else in a file.
 */
export const MANIFEST_MAX_BYTES = 8 << 20;
export const PREAMBLE_MAGIC = '-- SysNDD Admin backup v1';

/**
 * Reads a backup's manifest from its tail: the stored end member (plain text) gives the manifest member's
 * offset and the JSON hash; the manifest member is then inflated and checked. No end marker = incomplete.
 */
export async function readManifestFrom(src: ByteSource): Promise<BackupManifest> {
  return (await readManifestDetailed(src)).manifest;
}

/** The manifest plus the SHA-256 of its JSON (from the end marker): a stable identity of the backup's content. */
export async function readManifestDetailed(
  src: ByteSource,
): Promise<{ manifest: BackupManifest; jsonSha256: string; seal: SealInfo | null }> {
  if (src.size < 32) throw incomplete(src.name, 'the file is too short to hold a backup');
  const tailStart = Math.max(0, src.size - TAIL_BYTES);
  const tail = await src.read(tailStart, src.size - tailStart);
  const at = tail.lastIndexOf(END_PREFIX, undefined, 'latin1');
  if (at < 0) {
    const ours = await looksLikeOurs(src);
    throw incomplete(
      src.name,
      ours
        ? 'the end marker is missing (the backup was cut short)'
        : 'it has no SysNDD Admin end marker (not our format, or cut short)',
      { looksLikeOurs: ours },
    );
  }
  const nl = tail.indexOf(0x0a, at);
  if (nl < 0) throw incomplete(src.name, 'the end marker is cut short');
  const end = parseEndLine(tail.subarray(at, nl + 1).toString('latin1'));
  if (!end) throw corrupt(src.name, 'the end marker line is damaged');
  const endMemberStart = end.manifestOffset + end.manifestLength;
  if (endMemberStart >= src.size) throw corrupt(src.name, 'the end marker points outside the file');
  // The end member must be the canonical stored encoding of exactly that line, ending at EOF: any other
  // byte after the manifest is an alteration.
  const line = tail.subarray(at, nl + 1).toString('latin1');
  const endMember = await src.read(endMemberStart, src.size - endMemberStart);
  const canonical = endMemberBytes(line);
  if (endMember.length < canonical.length) throw incomplete(src.name, 'the end marker is cut short');
  if (!endMember.equals(canonical)) throw corrupt(src.name, 'the end member is altered, or data follows the end marker');
  if (end.manifestLength > MANIFEST_MAX_BYTES)
    throw corrupt(
      src.name,
      `the manifest member is ${end.manifestLength} bytes, above the ${MANIFEST_MAX_BYTES} any backup needs`,
    );
  const manifestGz = await src.read(end.manifestOffset, end.manifestLength);
  if (createHash('sha256').update(manifestGz).digest('hex') !== end.manifestMemberSha256) {
    throw corrupt(src.name, 'the manifest member does not match the hash in the end marker');
  }
  let manifestText: string;
  try {
    manifestText = (await gunzipBuffer(manifestGz, undefined, MANIFEST_MAX_BYTES)).toString('utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE')
      throw corrupt(src.name, `the manifest inflates to more than ${MANIFEST_MAX_BYTES} bytes`);
    throw corrupt(src.name, 'the manifest member is not valid gzip');
  }
  const { manifest, seal } = decodeManifestMember(manifestText, end.jsonSha256, src.name);
  checkTiling(manifest.members, end.manifestOffset, src.name);
  return { manifest, jsonSha256: end.jsonSha256, seal };
}

/** `readManifest(file)`: the manifest of a local backup file, or BACKUP_INCOMPLETE / BACKUP_CORRUPT. */
export function readManifest(file: string): Promise<BackupManifest> {
  return withSource(openLocalSource(file), readManifestFrom);
}

/** Members must cover [0, manifestOffset) back to back, in order: no gaps, no overlaps, nothing hidden. */
function checkTiling(members: readonly BackupMember[], manifestOffset: number, file: string): void {
  let pos = 0;
  for (const m of members) {
    if (m.offset !== pos) throw corrupt(file, `member at ${m.offset} does not follow the previous one (expected ${pos})`);
    pos += m.length;
  }
  if (pos !== manifestOffset) throw corrupt(file, 'the members do not end where the manifest starts');
}

export interface VerifyProgress {
  membersDone: number;
  membersTotal: number;
  bytesDone: number;
  bytesTotal: number;
}

export interface VerifyReport {
  file: string;
  ok: boolean;
  manifest: BackupManifest | null;
  /** The signature line's key and whether it matches (null: not sealed); trust is judged by SealKeys. */
  seal: SealInfo | null;
  members: number;
  problems: Array<{ code: 'BACKUP_INCOMPLETE' | 'BACKUP_CORRUPT'; message: string }>;
}

export interface VerifyOptions {
  signal?: AbortSignal;
  onProgress?: (p: VerifyProgress) => void;
  /** Inflate every member and compare its size with the manifest (default true); hashes are always checked.
   * Either way each member is streamed (memberCheck.ts): memory does not grow with a member's size. */
  inflate?: boolean;
}

/** Every defect found, without throwing for defects (I/O errors and cancellation still throw). */
export async function inspectBackupFrom(src: ByteSource, options: VerifyOptions = {}): Promise<VerifyReport> {
  let manifest: BackupManifest;
  let seal: SealInfo | null;
  try {
    ({ manifest, seal } = await readManifestDetailed(src));
  } catch (err) {
    if (err instanceof AppError && (err.code === 'BACKUP_INCOMPLETE' || err.code === 'BACKUP_CORRUPT')) {
      return {
        file: src.name,
        ok: false,
        manifest: null,
        seal: null,
        members: 0,
        problems: [{ code: err.code, message: err.message }],
      };
    }
    throw err;
  }
  const problems: VerifyReport['problems'] = [];
  const bytesTotal = manifest.members.reduce((a, m) => a + m.length, 0);
  let bytesDone = 0;
  for (let i = 0; i < manifest.members.length; i++) {
    if (options.signal?.aborted) throw new AppError('CANCELLED', 'Verification cancelled.');
    const m = manifest.members[i] as BackupMember;
    const where = `member ${i} (${m.kind}${m.table ? ` ${m.table}` : ''}${m.chunk !== undefined ? ` chunk ${m.chunk}` : ''})`;
    const problem = await checkMember(src, m, where, { inflate: options.inflate !== false, signal: options.signal });
    if (problem) problems.push(problem);
    bytesDone += m.length;
    options.onProgress?.({ membersDone: i + 1, membersTotal: manifest.members.length, bytesDone, bytesTotal });
  }
  return { file: src.name, ok: problems.length === 0, manifest, seal, members: manifest.members.length, problems };
}

export function inspectBackupFile(file: string, options: VerifyOptions = {}): Promise<VerifyReport> {
  return withSource(openLocalSource(file), (src) => inspectBackupFrom(src, options));
}

/**
 * `verifyBackupFile(file)`: re-hash (and inflate) every member and check the end marker. Resolves with the
 * report when the file is sound; throws BACKUP_INCOMPLETE (cut short) or BACKUP_CORRUPT (altered) otherwise,
 * with every problem in `details.problems`.
 */
export async function verifyBackupFile(file: string, options: VerifyOptions = {}): Promise<VerifyReport> {
  const report = await inspectBackupFile(file, options);
  if (!report.ok) {
    const first = report.problems[0] as VerifyReport['problems'][number];
    const code = report.problems.some((p) => p.code === 'BACKUP_INCOMPLETE') ? 'BACKUP_INCOMPLETE' : first.code;
    throw new AppError(
      code,
      `${file}: ${first.message}${report.problems.length > 1 ? ` (+${report.problems.length - 1} more)` : ''}`,
      {
        problems: report.problems,
      },
    );
  }
  return report;
}

/**
 * `openMemberStream(file, member)`: the inflated SQL text of one member. With `verify` (default) the stream
 * fails with BACKUP_CORRUPT at its end if the member's bytes do not match the manifest's SHA-256, so a
 * restore never runs the last statements of an altered member unnoticed... it errors before `end`. It also
 * fails with BACKUP_CORRUPT the moment the text passes the member's `rawBytes` (inflating stops there), and
 * at its end when the text is shorter.
 */
export function openMemberStream(file: string, member: BackupMember, options: { verify?: boolean } = {}): Readable {
  const where = `member at ${member.offset}`;
  const out = new OutputLimit(
    member.rawBytes,
    () => corrupt(file, `${where} inflates to more than the ${member.rawBytes} bytes its manifest says`),
    (seen) =>
      seen === member.rawBytes ? null : corrupt(file, `${where} inflates to ${seen} bytes, manifest says ${member.rawBytes}`),
  );
  void openLocalSource(file).then(
    (src) => {
      const input = src.stream(member.offset, member.offset + member.length);
      const check = hashCheck(member, file, options.verify !== false);
      pipeline(input, check, createGunzipStream(), out, () => {
        void src.close();
      });
    },
    (err: Error) => out.destroy(err),
  );
  return out;
}

/** Members up to this size (inflated) are read whole by `readMemberWhole`; bigger ones are streamed. */
export const WHOLE_MEMBER_MAX_BYTES = 16 << 20;

/**
 * One member as a single inflated Buffer: read, checked against its length and SHA-256, inflated into one
 * allocation of exactly `rawBytes`. Statements split from it are views into that Buffer, never copies,
 * and no stream machinery runs per chunk: this is the restore's fast path for table data.
 */
export async function readMemberWhole(src: ByteSource, member: BackupMember): Promise<Buffer> {
  const bytes = await src.read(member.offset, member.length);
  if (bytes.length !== member.length) throw incomplete(src.name, `member at ${member.offset} is cut short`);
  if (createHash('sha256').update(bytes).digest('hex') !== member.sha256)
    throw corrupt(src.name, `member at ${member.offset} does not match its SHA-256`);
  let raw: Buffer;
  try {
    raw = await gunzipBuffer(bytes, member.rawBytes);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'ERR_BUFFER_TOO_LARGE')
      throw corrupt(src.name, `member at ${member.offset} inflates to more than the ${member.rawBytes} bytes its manifest says`);
    if (e.code === 'Z_BUF_ERROR') throw incomplete(src.name, `member at ${member.offset} ends inside its gzip data`);
    throw corrupt(src.name, `member at ${member.offset} does not inflate (${e.code ?? e.message})`);
  }
  if (raw.length !== member.rawBytes)
    throw corrupt(src.name, `member at ${member.offset} inflates to ${raw.length} bytes, manifest says ${member.rawBytes}`);
  return raw;
}

/** Pass-through that hashes a member's bytes and fails at the end if they do not match the manifest. */
export function hashCheck(member: BackupMember, file: string, verify = true): Transform {
  const hash = createHash('sha256');
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _enc, cb) {
      seen += chunk.length;
      if (verify) hash.update(chunk);
      cb(null, chunk);
    },
    flush(cb) {
      if (seen !== member.length) return cb(incomplete(file, `member at ${member.offset} is cut short`));
      if (verify && hash.digest('hex') !== member.sha256)
        return cb(corrupt(file, `member at ${member.offset} does not match its SHA-256`));
      cb();
    },
  });
}

/** Does the file start with our preamble? (Reads and inflates only its first kilobytes.) */
export async function looksLikeOurs(src: ByteSource): Promise<boolean> {
  const head = await src.read(0, Math.min(src.size, 4096));
  if (head[0] !== 0x1f || head[1] !== 0x8b) return head.toString('utf8', 0, PREAMBLE_MAGIC.length) === PREAMBLE_MAGIC;
  try {
    const text = zlib.gunzipSync(head, { finishFlush: zlib.constants.Z_SYNC_FLUSH }).toString('utf8', 0, 200);
    return text.startsWith(PREAMBLE_MAGIC);
  } catch {
    return false;
  }
}

function incomplete(file: string, why: string, details?: unknown): AppError {
  return new AppError('BACKUP_INCOMPLETE', `${file} is incomplete: ${why}.`, details);
}

function corrupt(file: string, why: string): AppError {
  return new AppError('BACKUP_CORRUPT', `${file} is corrupt: ${why}.`);
}
