import { createHash } from 'node:crypto';
import { BackupManifest } from '../../../../shared/contract/backups';
import { AppError } from '../../../core/AppError';
import { checkSeal, encodeSealLine, parseSealLine, SEAL_PREFIX, type Sealer, type SealInfo } from './seal';

/**
 * The text of the two trailing members of a backup (docs/backup-format.md):
 *   manifest member: `-- SYSNDD-ADMIN-MANIFEST <base64url part>` lines (JSON split across lines so no tool
 *                    ever meets a megabyte-long comment line);
 *   end member:      `-- SYSNDD-ADMIN-END sha256=<hex of the JSON bytes> manifest=<offset>,<length>,<sha256 of its bytes>`.
 * So every byte is covered: data members by the manifest, the manifest member by the end line, and the end
 * member must be the canonical stored encoding of that line.
 * Both are SQL comments, so `gunzip < f | mariadb db` ignores them.
 */

export const MANIFEST_PREFIX = '-- SYSNDD-ADMIN-MANIFEST ';
export const END_PREFIX = '-- SYSNDD-ADMIN-END ';
/** base64url characters per MANIFEST line. */
const LINE_CHARS = 4096;
const END_RE = /^-- SYSNDD-ADMIN-END sha256=([0-9a-f]{64}) manifest=(\d+),(\d+),([0-9a-f]{64})\n$/;

export function sha256Hex(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Manifest JSON → the manifest member's SQL-comment text, plus the hash the end line must carry. */
export function encodeManifestText(manifest: BackupManifest, sealer?: Sealer | null): { text: string; jsonSha256: string } {
  const json = Buffer.from(JSON.stringify(manifest), 'utf8');
  const b64 = json.toString('base64url');
  const lines: string[] = [];
  for (let i = 0; i < b64.length; i += LINE_CHARS) lines.push(`${MANIFEST_PREFIX}${b64.slice(i, i + LINE_CHARS)}\n`);
  const jsonSha256 = sha256Hex(json);
  // The seal (seal.ts) is the member's last line: covered by the end marker like the manifest itself.
  if (sealer) lines.push(encodeSealLine(jsonSha256, sealer));
  return { text: lines.join(''), jsonSha256 };
}

export function encodeEndLine(
  jsonSha256: string,
  manifestOffset: number,
  manifestLength: number,
  manifestMemberSha256: string,
): string {
  return `${END_PREFIX}sha256=${jsonSha256} manifest=${manifestOffset},${manifestLength},${manifestMemberSha256}\n`;
}

export interface EndLine {
  jsonSha256: string;
  manifestOffset: number;
  manifestLength: number;
  manifestMemberSha256: string;
}

export function parseEndLine(text: string): EndLine | null {
  const m = END_RE.exec(text);
  if (!m) return null;
  return {
    jsonSha256: m[1] as string,
    manifestOffset: Number(m[2]),
    manifestLength: Number(m[3]),
    manifestMemberSha256: m[4] as string,
  };
}

/** The manifest member's inflated text → a validated manifest whose JSON hash matches the end line. */
export function decodeManifestText(text: string, expectedSha256: string, file: string): BackupManifest {
  return decodeManifestMember(text, expectedSha256, file).manifest;
}

/** The manifest and its seal, if the member ends with a signature line (files before seals have none). */
export function decodeManifestMember(
  text: string,
  expectedSha256: string,
  file: string,
): { manifest: BackupManifest; seal: SealInfo | null } {
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  let seal: SealInfo | null = null;
  if (lines.at(-1)?.startsWith(SEAL_PREFIX)) {
    const line = parseSealLine(lines.pop() as string);
    if (!line) throw new AppError('BACKUP_CORRUPT', `${file}: the signature line after the manifest is damaged.`);
    seal = checkSeal(expectedSha256, line);
  }
  if (lines.length === 0 || !lines.every((l) => l.startsWith(MANIFEST_PREFIX))) {
    throw new AppError('BACKUP_CORRUPT', `${file}: the manifest member holds something other than manifest lines.`);
  }
  const json = Buffer.from(lines.map((l) => l.slice(MANIFEST_PREFIX.length)).join(''), 'base64url');
  if (sha256Hex(json) !== expectedSha256) {
    throw new AppError('BACKUP_CORRUPT', `${file}: the manifest does not match the hash in the end marker (altered file).`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(json.toString('utf8'));
  } catch {
    throw new AppError('BACKUP_CORRUPT', `${file}: the manifest is not valid JSON.`);
  }
  const parsed = BackupManifest.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new AppError(
      'BACKUP_CORRUPT',
      `${file}: the manifest does not follow format v1 (${issue?.path.join('.')}: ${issue?.message}).`,
    );
  }
  return { manifest: parsed.data, seal };
}
