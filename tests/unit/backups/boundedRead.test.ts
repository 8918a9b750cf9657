import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../../src/main/core/AppError';
import { endMemberBytes, manifestTail } from '../../../src/main/features/backups/format/BackupFileWriter';
import {
  BackupFileWriter,
  inspectBackupFile,
  memberStatements,
  openMemberStream,
  readManifest,
} from '../../../src/main/features/backups/format/index';
import { encodeEndLine } from '../../../src/main/features/backups/format/manifestCodec';
import type { BackupManifest, BackupMember } from '../../../src/shared/contract/backups';

/**
 * Reading our own format with bounded memory, whatever a forged (re-sealed) file says: a member inflates
 * only up to its manifest's rawBytes, verify streams, a manifest cannot be a bomb either, and statements are
 * refused once they pass the statement limit.
 */
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bk-bounded-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const base: Omit<BackupManifest, 'members'> = {
  format: 'sysndd-admin-backup',
  version: 1,
  createdAt: '2026-01-02T03:04:05.000Z',
  tool: { name: 'sysndd-admin', version: 'test' },
  source: {
    profileName: 'p',
    host: 'h',
    database: 'db',
    serverVersion: '10.11',
    binlog: null,
    gtid: null,
    charset: 'utf8mb4',
    collation: 'utf8mb4_general_ci',
    sqlMode: '',
    consistency: 'single-snapshot',
  },
  schemaVersionHead: null,
  tables: [{ name: 't', rows: 1, rawBytes: 10, engine: 'InnoDB', checksum: null, type: 'table' }],
  counts: { tables: 1, views: 0, routines: 0, triggers: 0, events: 0, sequences: 0 },
  warnings: [],
};

/** `n` MiB of 'a' in ~n KiB: gzip members concatenate, so one deflated MiB repeated is a valid stream. */
function bombGz(mib: number, head = ''): Buffer {
  const one = zlib.gzipSync(Buffer.alloc(1 << 20, 0x61), { level: 9 });
  return Buffer.concat([zlib.gzipSync(head), ...Array.from({ length: mib }, () => one)]);
}

let sample: string;
let manifest: BackupManifest;
beforeAll(async () => {
  sample = path.join(dir, 'sample.sql.gz');
  const w = await BackupFileWriter.open(sample);
  await w.appendMember({ kind: 'preamble' }, Buffer.from('-- SysNDD Admin backup v1\nSET NAMES utf8mb4;\n'), 1);
  await w.appendMember({ kind: 'schema' }, Buffer.from('CREATE TABLE `t` (a longtext);\n'), 1);
  await w.appendMember({ kind: 'table-data', table: 't', chunk: 0, rows: 1 }, Buffer.from("INSERT INTO `t` VALUES ('x');\n"), 1);
  manifest = await w.finish(base);
});

/** The sample with member `index` replaced by `gz` (hash, length and offsets recomputed, as a forger would). */
async function forge(
  name: string,
  index: number,
  gz: Buffer,
  rawBytes?: number,
): Promise<{ file: string; member: BackupMember }> {
  const bytes = fs.readFileSync(sample);
  const parts: Buffer[] = [];
  const members: BackupMember[] = [];
  let offset = 0;
  manifest.members.forEach((m, i) => {
    const own = i === index ? gz : bytes.subarray(m.offset, m.offset + m.length);
    members.push({
      ...m,
      offset,
      length: own.length,
      sha256: createHash('sha256').update(own).digest('hex'),
      rawBytes: i === index && rawBytes !== undefined ? rawBytes : m.rawBytes,
    });
    parts.push(own);
    offset += own.length;
  });
  const file = path.join(dir, name);
  fs.writeFileSync(file, Buffer.concat([...parts, await manifestTail({ ...manifest, members }, offset)]));
  return { file, member: members[index] as BackupMember };
}

async function failure(p: Promise<unknown>): Promise<AppError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof AppError) return err;
    throw err;
  }
  throw new Error('expected a failure');
}

describe('bounded reads of our backup format', () => {
  it('verify stops inflating a member at its manifest rawBytes (a 1 GiB bomb in a 1 MB member: BACKUP_CORRUPT)', async () => {
    const { file } = await forge('bomb.sql.gz', 2, bombGz(1024, "INSERT INTO `t` VALUES ('"));
    expect(fs.statSync(file).size).toBeLessThan(2 << 20);
    // Hashes re-sealed: structurally the file is sound.
    expect((await inspectBackupFile(file, { inflate: false })).ok).toBe(true);
    const report = await inspectBackupFile(file);
    expect(report.ok).toBe(false);
    expect(report.problems).toEqual([
      { code: 'BACKUP_CORRUPT', message: expect.stringContaining('inflates to more than the 30 bytes its manifest says') },
    ]);
  });

  it('openMemberStream delivers no byte past rawBytes, then fails BACKUP_CORRUPT', async () => {
    const { file, member } = await forge('bomb-stream.sql.gz', 2, bombGz(256));
    let delivered = 0;
    const err = await failure(
      (async () => {
        for await (const c of openMemberStream(file, member)) delivered += (c as Buffer).length;
      })(),
    );
    expect(err.code).toBe('BACKUP_CORRUPT');
    expect(delivered).toBeLessThanOrEqual(member.rawBytes);
    // A member that inflates to less than stated is refused too.
    const short = await forge('short.sql.gz', 2, zlib.gzipSync("INSERT INTO `t` VALUES ('x');"), 1000);
    expect((await failure(memberStatements(short.file, short.member).next())).code).toBe('BACKUP_CORRUPT');
  });

  it('verify streams an honestly large member (256 MiB of text) and finds it sound', async () => {
    const { file } = await forge('large.sql.gz', 2, bombGz(256), 256 << 20);
    const report = await inspectBackupFile(file);
    expect(report).toMatchObject({ ok: true, problems: [] });
  });

  it('refuses a manifest that inflates past the manifest limit, without inflating it whole', async () => {
    const bytes = fs.readFileSync(sample);
    const last = manifest.members.at(-1) as BackupMember;
    const offset = last.offset + last.length;
    const gz = bombGz(10);
    const line = encodeEndLine('0'.repeat(64), offset, gz.length, createHash('sha256').update(gz).digest('hex'));
    const file = path.join(dir, 'manifest-bomb.sql.gz');
    fs.writeFileSync(file, Buffer.concat([bytes.subarray(0, offset), gz, endMemberBytes(line)]));
    const err = await failure(readManifest(file));
    expect(err.code).toBe('BACKUP_CORRUPT');
    expect(err.message).toContain('the manifest inflates to more than');
  });

  it('memberStatements refuses a statement one byte over the limit, in data and other members alike', async () => {
    const stmt = `INSERT INTO \`t\` VALUES ('${'y'.repeat(5000)}')`;
    for (const kind of [2, 1]) {
      const { file, member } = await forge(`long-${kind}.sql.gz`, kind, zlib.gzipSync(`${stmt};\n`), stmt.length + 2);
      const read = async (maxBytes: number) => {
        const out: string[] = [];
        for await (const s of memberStatements(file, member, { limit: { maxBytes, source: 'the test limit' } })) out.push(s);
        return out;
      };
      expect(await read(stmt.length), `member ${kind}`).toEqual([stmt]);
      const err = await failure(read(stmt.length - 1));
      expect(err.code, `member ${kind}`).toBe('STATEMENT_TOO_LARGE');
      expect(err.message).toContain('the test limit');
    }
    // An unterminated one is refused while it is read: 64 MiB of text, limit 1 MiB.
    const { file, member } = await forge('unterminated.sql.gz', 2, bombGz(64, "INSERT INTO `t` VALUES ('"), (64 << 20) + 25);
    let statements = 0;
    const err = await failure(
      (async () => {
        for await (const _ of memberStatements(file, member, { limit: { maxBytes: 1 << 20, source: 'the test limit' } }))
          statements++;
      })(),
    );
    expect(err.code).toBe('STATEMENT_TOO_LARGE');
    expect(statements).toBe(0);
  });
});
