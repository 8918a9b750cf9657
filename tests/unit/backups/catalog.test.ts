import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import zlib from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import {
  isBackupFileName,
  newBackupName,
  resolveBackupPath,
  resolveRemotePath,
} from '../../../src/main/features/backups/catalog/fileNames';
import { planRetention } from '../../../src/main/features/backups/catalog/retention';
import { orderViews } from '../../../src/main/features/backups/engine/inventory';
import { scanForeignDump } from '../../../src/main/features/backups/format/foreignDump';
import { disableEvent } from '../../../src/main/features/backups/verify/scratchRestore';
import type { BackupEntry } from '../../../src/shared/contract/backups';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bk-catalog-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('backup file names', () => {
  it('refuses hostile names with UNSAFE_FILENAME', () => {
    for (const bad of [
      '../x.sql.gz',
      '../../etc/passwd',
      '/etc/passwd',
      'a/b.sql.gz',
      'a\\b.sql.gz',
      '..sql.gz',
      'x..sql',
      '.hidden.sql.gz',
      'x.sql.gz\0.txt',
      'x.txt',
      'x.sql.gz.partial',
      '',
      `${'a'.repeat(300)}.sql`,
    ]) {
      expect(() => resolveBackupPath(dir, bad), bad).toThrow(expect.objectContaining({ code: 'UNSAFE_FILENAME' }));
      expect(() => resolveRemotePath('/backup', bad), bad).toThrow(expect.objectContaining({ code: 'UNSAFE_FILENAME' }));
    }
    expect(resolveBackupPath(dir, 'sysndd_db_20260101T000000Z.sql.gz')).toBe(path.join(dir, 'sysndd_db_20260101T000000Z.sql.gz'));
    expect(resolveRemotePath('/backup/', 'a.sql')).toBe('/backup/a.sql');
  });

  it('lists backup files but not latest.* links or partial files', () => {
    expect(isBackupFileName('sysndd_2026.sql.gz')).toBe(true);
    expect(isBackupFileName('dump.sql')).toBe(true);
    expect(isBackupFileName('latest.sql.gz')).toBe(false);
    expect(isBackupFileName('x.sql.gz.partial')).toBe(false);
    expect(isBackupFileName('x.sql.gz.download.partial')).toBe(false);
  });

  it('makes unique names that never collide with a file or a partial', () => {
    const when = new Date('2026-01-31T23:59:59.500Z');
    const first = newBackupName(dir, 'sysndd db/../x', when, 'pre restore');
    expect(first).toBe('sysndd_db_x_20260131T235959Z_pre_restore.sql.gz');
    fs.writeFileSync(path.join(dir, first), '');
    const second = newBackupName(dir, 'sysndd db/../x', when, 'pre restore');
    expect(second).toBe('sysndd_db_x_20260131T235959Z_pre_restore_2.sql.gz');
    fs.writeFileSync(path.join(dir, `${second}.partial`), '');
    expect(newBackupName(dir, 'sysndd db/../x', when, 'pre restore')).toBe('sysndd_db_x_20260131T235959Z_pre_restore_3.sql.gz');
  });
});

describe('retention', () => {
  const entry = (
    name: string,
    daysAgo: number,
    status: BackupEntry['status'] = 'complete',
    location: BackupEntry['location'] = 'local',
  ): BackupEntry => ({
    name,
    location,
    localPath: null,
    remotePath: null,
    size: 100,
    createdAt: new Date(Date.parse('2026-03-01T00:00:00Z') - daysAgo * 86_400_000).toISOString(),
    format: 'sysndd-admin',
    compressed: true,
    status,
    tableCount: 1,
    rowCount: 1,
    schemaVersionHead: null,
    database: 'db',
    serverVersion: null,
    verified: null,
  });
  const now = new Date('2026-03-01T00:00:00Z');
  const entries = [
    entry('a', 0, 'incomplete'),
    entry('b', 1),
    entry('c', 2, 'corrupt'),
    entry('d', 3),
    entry('e', 10),
    entry('f', 40, 'complete', 'remote'),
    entry('g', 50, 'complete', 'both'),
  ];

  it('keeps the last N usable backups; broken files do not count toward N', () => {
    const plan = planRetention(entries, { keepLast: 2, location: 'local' }, now);
    expect(plan.keep.map((e) => e.name)).toEqual(['b', 'd']);
    expect(plan.remove.map((e) => e.name)).toEqual(['a', 'c', 'e', 'g']);
    expect(plan.bytesFreed).toBe(400);
  });

  it('keeps what either rule keeps (adding a rule never deletes more)', () => {
    expect(planRetention(entries, { keepDays: 5, location: 'local' }, now).remove.map((e) => e.name)).toEqual(['e', 'g']);
    expect(planRetention(entries, { keepDays: 5, keepLast: 3, location: 'local' }, now).remove.map((e) => e.name)).toEqual(['g']);
    expect(planRetention(entries, { keepLast: 1, location: 'remote' }, now)).toMatchObject({
      keep: [{ name: 'f' }],
      remove: [{ name: 'g' }],
    });
  });
});

describe('foreign dump scan', () => {
  const dump = [
    '-- MySQL dump 10.19  Distrib 10.11.6-MariaDB, for debian-linux-gnu (x86_64)',
    '--',
    '-- Host: localhost    Database: sysndd_db',
    '-- ------------------------------------------------------',
    '-- Server version\t8.0.36',
    "CREATE TABLE `a` (\n  `x` varchar(20) DEFAULT 'CREATE TABLE no'\n);",
    "INSERT INTO `a` VALUES ('\\nCREATE TABLE fake');",
    '/*!50001 CREATE VIEW `v` AS SELECT 1 AS `x` */;',
    'CREATE TABLE `b` (`y` int);',
    'CREATE TABLE IF NOT EXISTS `c` (`y` int);',
    '-- Dump completed on 2026-01-01 03:00:01',
    '',
  ].join('\n');

  it('counts CREATE TABLE at line starts across any chunking, reads the header and the completion line', async () => {
    for (const size of [1, 7, 13, 64, 100_000]) {
      const chunks: Buffer[] = [];
      const bytes = Buffer.from(dump);
      for (let i = 0; i < bytes.length; i += size) chunks.push(bytes.subarray(i, i + size));
      const s = await scanForeignDump(Readable.from(chunks), false);
      expect(s, `chunk size ${size}`).toMatchObject({
        tableCount: 3,
        completed: true,
        truncated: false,
        database: 'sysndd_db',
        serverVersion: '8.0.36',
      });
    }
  });

  it('says a gzip dump cut short is truncated and incomplete', async () => {
    const body = dump.replace(/-- Dump completed.*\n/, '');
    const gz = zlib.gzipSync(Buffer.from(`${body.repeat(50)}-- Dump completed on 2026-01-01\n`));
    const cut = await scanForeignDump(Readable.from([gz.subarray(0, gz.length - 40)]), true);
    expect(cut).toMatchObject({ truncated: true, completed: false });
    const whole = await scanForeignDump(Readable.from([gz]), true);
    expect(whole).toMatchObject({ truncated: false, completed: true, tableCount: 150 });
  });
});

describe('scratch restore safety rewrites', () => {
  it('disables events so they cannot fire in the scratch schema', () => {
    expect(
      disableEvent(
        "CREATE EVENT `e` ON SCHEDULE EVERY 1 HOUR STARTS '2026-01-01' ON COMPLETION NOT PRESERVE ENABLE DO DELETE FROM prod.t",
      ),
    ).toBe(
      "CREATE EVENT `e` ON SCHEDULE EVERY 1 HOUR STARTS '2026-01-01' ON COMPLETION NOT PRESERVE DISABLE DO DELETE FROM prod.t",
    );
    expect(disableEvent('CREATE EVENT `e` ON SCHEDULE AT NOW() DO SELECT 1')).toBeNull();
    expect(disableEvent('CREATE TABLE t (a int)')).toBe('CREATE TABLE t (a int)');
  });
});

describe('view dependency order', () => {
  it('puts a view after the views it selects from, whatever their names', () => {
    const ordered = orderViews([
      { name: 'a_top', definition: 'select `db`.`m_mid`.`x` AS `x` from `db`.`m_mid`' },
      { name: 'm_mid', definition: 'select `db`.`z_base`.`x` AS `x` from `db`.`z_base`' },
      { name: 'z_base', definition: 'select `db`.`t`.`x` AS `x` from `db`.`t`' },
      { name: 'alone', definition: 'select 1 AS `1`' },
    ]);
    expect(ordered.map((v) => v.name)).toEqual(['z_base', 'm_mid', 'a_top', 'alone']);
  });
});
