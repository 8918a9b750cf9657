import { describe, expect, it } from 'vitest';
import { planRetention, retentionClassOf } from '../../../src/main/features/backups/catalog/retention';
import type { BackupEntry } from '../../../src/shared/contract/backups';

const now = new Date('2026-03-01T00:00:00Z');
const entry = (name: string, daysAgo: number): BackupEntry => ({
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
  verified: null,
  encrypted: name.endsWith('.age'),
});

describe('retention of encrypted (.age) backups', () => {
  it('classes an encrypted pre-restore / pre-migration backup like its plain name', () => {
    expect(retentionClassOf('db_20260101T000000Z_pre-restore.sql.gz.age')).toBe('safety');
    expect(retentionClassOf('db_20260101T000000Z_pre-migration_2.sql.gz.age')).toBe('safety');
    expect(retentionClassOf('db_20260101T000000Z.sql.gz.age')).toBe('regular');
  });

  it('counts .age and plain backups together toward keep-last, newest first', () => {
    const plan = planRetention(
      [
        entry('db_20260228T000000Z.sql.gz.age', 1),
        entry('db_20260227T000000Z.sql.gz', 2),
        entry('db_20260226T000000Z.sql.gz.age', 3),
        entry('db_20260225T000000Z_pre-restore.sql.gz.age', 4),
      ],
      { keepLast: 2, location: 'local' },
      now,
    );
    expect(plan.keep.map((k) => k.name)).toEqual([
      'db_20260228T000000Z.sql.gz.age',
      'db_20260227T000000Z.sql.gz',
      'db_20260225T000000Z_pre-restore.sql.gz.age',
    ]);
    expect(plan.remove.map((r) => r.name)).toEqual(['db_20260226T000000Z.sql.gz.age']);
  });
});
