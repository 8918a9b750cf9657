import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../../src/main/core/AppError';
import {
  BackupFileWriter,
  inspectBackupFile,
  memberStatements,
  openLocalSource,
  openMemberStream,
  readManifest,
  readMemberWhole,
  verifyBackupFile,
  withSource,
} from '../../../src/main/features/backups/format/index';
import type { BackupManifest } from '../../../src/shared/contract/backups';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bk-format-'));
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
  schemaVersionHead: '003_fix.sql',
  tables: [{ name: 't', rows: 3, rawBytes: 10, engine: 'InnoDB', checksum: '123', type: 'table' }],
  counts: { tables: 1, views: 0, routines: 0, triggers: 0, events: 0, sequences: 0 },
  warnings: [],
};

const PREAMBLE = '-- SysNDD Admin backup v1\nSET NAMES utf8mb4;\n';
const SCHEMA = 'DROP TABLE IF EXISTS `t`;\nCREATE TABLE `t` (a int);\n';
const DATA0 = 'INSERT INTO `t` (`a`) VALUES (1),\n(2);\n';
const DATA1 = 'INSERT INTO `t` (`a`) VALUES (3);\n';
const OBJECTS = 'DELIMITER ;;\nCREATE PROCEDURE p() BEGIN SELECT 1; SELECT 2; END\n;;\nDELIMITER ;\n';

async function writeSample(name: string): Promise<string> {
  const file = path.join(dir, name);
  const w = await BackupFileWriter.open(file);
  // Appended concurrently on purpose: the file order must still be the call order.
  await Promise.all([
    w.appendMember({ kind: 'preamble' }, Buffer.from(PREAMBLE), 1),
    w.appendMember({ kind: 'schema' }, Buffer.from(SCHEMA), 1),
    w.appendMember({ kind: 'table-data', table: 't', chunk: 0, rows: 2 }, Buffer.from(DATA0), 6),
    w.appendMember({ kind: 'table-data', table: 't', chunk: 1, rows: 1 }, Buffer.from(DATA1), 1),
    w.appendMember({ kind: 'objects' }, Buffer.from(OBJECTS), 1),
  ]);
  await w.finish(base);
  return file;
}

let sample: string;
let sampleBytes: Buffer;
beforeAll(async () => {
  sample = await writeSample('sample.sql.gz');
  sampleBytes = fs.readFileSync(sample);
});

function copyWith(name: string, bytes: Buffer): string {
  const f = path.join(dir, name);
  fs.writeFileSync(f, bytes);
  return f;
}

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'OK';
  } catch (err) {
    return err instanceof AppError ? err.code : `other: ${(err as Error).message}`;
  }
}

describe('backup format v1', () => {
  it('is plain SQL for gunzip: members in call order, manifest and end marker as comments', () => {
    const text = zlib.gunzipSync(sampleBytes).toString('utf8');
    expect(text.startsWith(PREAMBLE + SCHEMA + DATA0 + DATA1 + OBJECTS)).toBe(true);
    const tail = text
      .slice((PREAMBLE + SCHEMA + DATA0 + DATA1 + OBJECTS).length)
      .split('\n')
      .filter(Boolean);
    expect(tail.slice(0, -1).every((l) => l.startsWith('-- SYSNDD-ADMIN-MANIFEST '))).toBe(true);
    expect(tail.at(-1)).toMatch(/^-- SYSNDD-ADMIN-END sha256=[0-9a-f]{64} manifest=\d+,\d+,[0-9a-f]{64}$/);
    // The end marker is readable without inflating anything (stored member at the very end).
    expect(sampleBytes.subarray(-300).toString('latin1')).toContain('-- SYSNDD-ADMIN-END sha256=');
    expect(fs.existsSync(`${sample}.partial`)).toBe(false);
  });

  it('reads the manifest with members that tile the file and verifies clean', async () => {
    const m = await readManifest(sample);
    expect(m.members.map((x) => [x.kind, x.chunk ?? null])).toEqual([
      ['preamble', null],
      ['schema', null],
      ['table-data', 0],
      ['table-data', 1],
      ['objects', null],
    ]);
    expect(m.members[0]?.offset).toBe(0);
    expect(m.schemaVersionHead).toBe('003_fix.sql');
    const report = await verifyBackupFile(sample);
    expect(report).toMatchObject({ ok: true, members: 5, problems: [] });
  });

  it('opens one member alone, and splits statements the way the mysql client does', async () => {
    const m = await readManifest(sample);
    const chunks: Buffer[] = [];
    for await (const c of openMemberStream(sample, m.members[2] as BackupManifest['members'][number])) chunks.push(c as Buffer);
    expect(Buffer.concat(chunks).toString()).toBe(DATA0);
    const data: string[] = [];
    for await (const s of memberStatements(sample, m.members[2] as BackupManifest['members'][number])) data.push(s);
    expect(data).toEqual(['INSERT INTO `t` (`a`) VALUES (1),\n(2)']);
    const objects: string[] = [];
    for await (const s of memberStatements(sample, m.members[4] as BackupManifest['members'][number])) objects.push(s);
    expect(objects).toEqual(['CREATE PROCEDURE p() BEGIN SELECT 1; SELECT 2; END']);
  });

  it('detects a truncated file at every cut point as incomplete or corrupt, never sound', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: sampleBytes.length - 1 }), async (cut) => {
        const f = copyWith('cut.sql.gz', sampleBytes.subarray(0, cut));
        const code = await codeOf(verifyBackupFile(f));
        expect(['BACKUP_INCOMPLETE', 'BACKUP_CORRUPT']).toContain(code);
      }),
      { numRuns: 60 },
    );
    // Cuts at member boundaries (the subtle case: every remaining member is intact) are incomplete.
    const m = await readManifest(sample);
    for (const member of m.members) {
      const f = copyWith('cut-boundary.sql.gz', sampleBytes.subarray(0, member.offset + member.length));
      expect(await codeOf(readManifest(f))).toBe('BACKUP_INCOMPLETE');
    }
  });

  it('detects a changed byte anywhere as corrupt (or incomplete when the end marker itself breaks)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: sampleBytes.length - 1 }), fc.integer({ min: 1, max: 255 }), async (at, xor) => {
        const bytes = Buffer.from(sampleBytes);
        bytes[at] = (bytes[at] as number) ^ xor;
        const f = copyWith('flip.sql.gz', bytes);
        const report = await inspectBackupFile(f);
        expect(report.ok).toBe(false);
      }),
      { numRuns: 80 },
    );
    // And exhaustively: every single byte of the file is covered by some hash or the end-marker check.
    const undetected: number[] = [];
    for (let at = 0; at < sampleBytes.length; at++) {
      const bytes = Buffer.from(sampleBytes);
      bytes[at] = (bytes[at] as number) ^ 0x01;
      if ((await inspectBackupFile(copyWith('flip-all.sql.gz', bytes), { inflate: false })).ok) undetected.push(at);
    }
    expect(undetected).toEqual([]);
  });

  it('refuses data appended after the end marker', async () => {
    const f = copyWith('appended.sql.gz', Buffer.concat([sampleBytes, zlib.gzipSync('DROP TABLE t;\n')]));
    expect(await codeOf(readManifest(f))).toBe('BACKUP_CORRUPT');
    const g = copyWith('appended2.sql.gz', Buffer.concat([sampleBytes, Buffer.from('x')]));
    expect(['BACKUP_CORRUPT', 'BACKUP_INCOMPLETE']).toContain(await codeOf(readManifest(g)));
  });

  it('says a plain gzip dump is not ours (incomplete, looksLikeOurs false)', async () => {
    const f = copyWith(
      'foreign.sql.gz',
      zlib.gzipSync('-- MySQL dump 10.19\nCREATE TABLE `x` (a int);\n-- Dump completed on 2026-01-01\n'),
    );
    try {
      await readManifest(f);
      expect.unreachable();
    } catch (err) {
      expect((err as AppError).code).toBe('BACKUP_INCOMPLETE');
      expect((err as AppError).details).toEqual({ looksLikeOurs: false });
    }
  });

  it('never overwrites, and abort leaves nothing behind', async () => {
    await expect(BackupFileWriter.open(sample)).rejects.toMatchObject({ code: 'CONFLICT' });
    const file = path.join(dir, 'aborted.sql.gz');
    const w = await BackupFileWriter.open(file);
    await w.appendMember({ kind: 'preamble' }, Buffer.from(PREAMBLE), 1);
    expect(fs.existsSync(`${file}.partial`)).toBe(true);
    await expect(BackupFileWriter.open(file)).rejects.toMatchObject({ code: 'CONFLICT' });
    await w.abort();
    expect(fs.existsSync(`${file}.partial`)).toBe(false);
    expect(fs.existsSync(file)).toBe(false);
  });

  it('fails openMemberStream at the end when the member bytes were altered', async () => {
    const m = await readManifest(sample);
    const member = m.members[2] as BackupManifest['members'][number];
    const bytes = Buffer.from(sampleBytes);
    // Flip a byte inside the deflate payload's stored length-independent region (the gzip header's mtime).
    bytes[member.offset + 4] = (bytes[member.offset + 4] as number) ^ 1;
    const f = copyWith('member-flip.sql.gz', bytes);
    const read = async () => {
      for await (const _ of openMemberStream(f, member)) {
        // drain
      }
    };
    await expect(read()).rejects.toMatchObject({ code: 'BACKUP_CORRUPT' });
  });

  it('reads a member whole: exact bytes, and altered, cut or over-long members refused', async () => {
    const m = await readManifest(sample);
    const member = m.members[2] as BackupManifest['members'][number];
    const whole = await withSource(openLocalSource(sample), (src) => readMemberWhole(src, member));
    expect(whole.toString('utf8')).toBe(DATA0);

    const flipped = Buffer.from(sampleBytes);
    flipped[member.offset + member.length - 9] = (flipped[member.offset + member.length - 9] as number) ^ 1;
    const f1 = copyWith('whole-flip.sql.gz', flipped);
    expect(await codeOf(withSource(openLocalSource(f1), (src) => readMemberWhole(src, member)))).toBe('BACKUP_CORRUPT');

    const f2 = copyWith('whole-cut.sql.gz', sampleBytes.subarray(0, member.offset + member.length - 3));
    expect(await codeOf(withSource(openLocalSource(f2), (src) => readMemberWhole(src, member)))).toBe('BACKUP_INCOMPLETE');

    // A manifest that understates a member's size (hash recomputed, as a forger would) is refused, and the
    // inflate stops at the stated size instead of allocating whatever the member expands to.
    const bomb = zlib.gzipSync(Buffer.alloc(8 << 20, 0x41));
    const forged = path.join(dir, 'whole-bomb.bin');
    fs.writeFileSync(forged, bomb);
    const lying = {
      ...member,
      offset: 0,
      length: bomb.length,
      rawBytes: 100,
      sha256: createHash('sha256').update(bomb).digest('hex'),
    };
    const code = await codeOf(withSource(openLocalSource(forged), (src) => readMemberWhole(src, lying)));
    expect(code).toBe('BACKUP_CORRUPT');
  });
});
