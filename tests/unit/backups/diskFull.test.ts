import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../../src/main/core/AppError';
import { diskFullError, isNoSpace, previousBackupSize } from '../../../src/main/features/backups/diskFull';

describe('disk full', () => {
  it('recognises ENOSPC however it arrives', () => {
    expect(isNoSpace(Object.assign(new Error('write failed'), { code: 'ENOSPC' }))).toBe(true);
    expect(isNoSpace(new Error('x', { cause: Object.assign(new Error('y'), { code: 'EDQUOT' }) }))).toBe(true);
    expect(isNoSpace(new AppError('PRECONDITION_FAILED', 'Cannot create x: ENOSPC: no space left on device, open'))).toBe(true);
    expect(isNoSpace(Object.assign(new Error('nope'), { code: 'EACCES' }))).toBe(false);
    expect(isNoSpace(null)).toBe(false);
  });

  it('says which folder, what was written, what is free and what is needed', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'disk-full-'));
    try {
      fs.writeFileSync(path.join(dir, 'db_20260101T000000Z.sql.gz'), Buffer.alloc(3000));
      fs.writeFileSync(path.join(dir, 'other_20260101T000000Z.sql.gz'), Buffer.alloc(10));
      expect(await previousBackupSize(dir, 'db')).toBe(3000);
      expect(await previousBackupSize(dir, 'none')).toBeNull();
      const e = await diskFullError({
        dir,
        what: 'The backup of db',
        written: 2048,
        needed: { bytes: 3000, basis: 'is needed' },
        leftover: 'The partial file was removed.',
      });
      expect(e.code).toBe('DISK_FULL');
      expect(e.message).toContain(dir);
      expect(e.message).toContain('after 2.0 KiB');
      expect(e.message).toMatch(/free now/);
      expect(e.message).toContain('About 2.9 KiB is needed');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
