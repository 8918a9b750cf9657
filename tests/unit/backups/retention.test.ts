import { describe, expect, it } from 'vitest';
import { planRetention, retentionClassOf } from '../../../src/main/features/backups/catalog/retention';
import type { BackupEntry } from '../../../src/shared/contract/backups';

const now = new Date('2026-03-01T00:00:00Z');
const entry = (name: string, daysAgo: number, verified: BackupEntry['verified'] = null): BackupEntry => ({
  name,
  location: 'local',
  localPath: `/b/${name}`,
  remotePath: null,
  size: 100,
  createdAt: new Date(now.getTime() - daysAgo * 86_400_000).toISOString(),
  format: 'sysndd-admin',
  compressed: true,
  status: 'complete',
  tableCount: 1,
  rowCount: 1,
  schemaVersionHead: null,
  database: 'db',
  serverVersion: null,
  verified,
});
const tested = { at: now.toISOString(), level: 'restore' as const, ok: true, message: 'test restore matched' };

describe('retention classes and protections', () => {
  it('names pre-restore and pre-migration backups as their own class', () => {
    expect(retentionClassOf('db_20260101T000000Z_pre-restore.sql.gz')).toBe('safety');
    expect(retentionClassOf('db_20260101T000000Z_pre-migration_2.sql.gz')).toBe('safety');
    expect(retentionClassOf('db_20260101T000000Z.sql.gz')).toBe('regular');
    expect(retentionClassOf('db_20260101T000000Z_nightly.sql.gz')).toBe('regular');
  });

  it('"keep last 2" keeps the restore-tested backup; pre-restore copies neither count nor outlive their 7 days', () => {
    const entries = [
      entry('db_20260228T000000Z_pre-restore.sql.gz', 1),
      entry('db_20260227T000000Z_pre-restore.sql.gz', 2),
      entry('db_20260201T000000Z_pre-migration.sql.gz', 28),
      entry('db_20260226T000000Z.sql.gz', 3),
      entry('db_20260225T000000Z.sql.gz', 4),
      entry('db_20260220T000000Z.sql.gz', 9, tested),
      entry('db_20260210T000000Z.sql.gz', 19),
    ];
    const plan = planRetention(entries, { keepLast: 2, location: 'local' }, now);
    const why = Object.fromEntries(plan.keep.map((k) => [k.name, k.reasons]));
    expect(why).toEqual({
      'db_20260228T000000Z_pre-restore.sql.gz': ['pre-restore/pre-migration backup younger than 7 day(s)'],
      'db_20260227T000000Z_pre-restore.sql.gz': ['pre-restore/pre-migration backup younger than 7 day(s)'],
      'db_20260226T000000Z.sql.gz': ['newest 1 of the last 2'],
      'db_20260225T000000Z.sql.gz': ['newest 2 of the last 2'],
      'db_20260220T000000Z.sql.gz': ['newest backup that passed a test restore'],
    });
    expect(plan.remove.map((r) => [r.name, r.class])).toEqual([
      ['db_20260210T000000Z.sql.gz', 'regular'],
      ['db_20260201T000000Z_pre-migration.sql.gz', 'safety'],
    ]);
  });

  it('keeps a backup a rollback still needs, whatever its age, and only the newest checked backup', () => {
    const entries = [
      entry('db_20260228T000000Z.sql.gz', 1, { ...tested, level: 'structure', message: 'ok' }),
      entry('db_20260220T000000Z.sql.gz', 9, tested),
      entry('db_20260101T000000Z_pre-restore.sql.gz', 59),
    ];
    const protectedNames = new Map([
      ['db_20260101T000000Z_pre-restore.sql.gz', 'pre-restore backup of restore r1, which can still be rolled back'],
    ]);
    const plan = planRetention(entries, { keepDays: 1, location: 'local', safetyKeepDays: 3 }, now, protectedNames);
    expect(plan.keep.map((k) => [k.name, k.reasons])).toEqual([
      ['db_20260228T000000Z.sql.gz', ['younger than 1 day(s)', 'newest backup that passed verify']],
      ['db_20260101T000000Z_pre-restore.sql.gz', ['pre-restore backup of restore r1, which can still be rolled back']],
    ]);
    expect(plan.remove.map((r) => r.name)).toEqual(['db_20260220T000000Z.sql.gz']);
  });
});
