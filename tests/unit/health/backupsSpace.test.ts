import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  backupsSpaceCheck,
  createBackupsSpaceCheck,
  DEFAULT_SPACE_THRESHOLDS,
  type SpaceThresholds,
} from '../../../src/main/features/health/checks/backupsSpace';
import { createLookups } from '../../../src/main/features/health/lookups';
import type { CheckOutcome } from '../../../src/main/features/health/types';
import { ReadinessOptions } from '../../../src/shared/contract/health';
import { createTestApp, type TestApp } from '../../fixtures/app';

// The real check on a real folder: statfs measures the real disk and the real catalog sizes the newest
// backup. Only the thresholds move, so warn and fail are reached without filling a disk. A threshold of
// 1e15 backups asks for far more room than any disk has (1e15 × the ~100-byte dump planted here).
const HUGE = 1e15;
let t: TestApp;
let dir: string;

async function runCheck(folder: string, thresholds?: Partial<SpaceThresholds>): Promise<CheckOutcome> {
  const profile = await t.ok('profiles.create', {
    profile: {
      name: `space ${path.basename(folder)} ${Math.random()}`,
      environment: 'development',
      mysql: { host: '127.0.0.1', port: 1, user: 'u' },
      localBackupDir: folder,
    },
  });
  const options = ReadinessOptions.parse({ profileId: profile.id });
  const check = thresholds ? createBackupsSpaceCheck({ ...DEFAULT_SPACE_THRESHOLDS, ...thresholds }) : backupsSpaceCheck;
  return check.run({
    services: t.app,
    profile,
    options,
    lookups: createLookups(t.app, profile, options),
    signal: new AbortController().signal,
  });
}

/** A mysqldump-style file; `complete` decides whether it ends with the "-- Dump completed" trailer. */
function plantDump(name: string, complete: boolean, extra = ''): string {
  const file = path.join(dir, name);
  const body = `-- MySQL dump 10.13\nCREATE TABLE \`t\` (\`id\` int);\nINSERT INTO \`t\` VALUES (1);${extra}\n${complete ? '-- Dump completed on 2026-01-01\n' : ''}`;
  fs.writeFileSync(file, zlib.gzipSync(body));
  return file;
}

beforeEach(() => {
  t = createTestApp();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sysndd-space-'));
});

afterEach(async () => {
  await t.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('readiness row backups.space', () => {
  it('ok with the default thresholds: real free space, sized by the newest complete local backup', async () => {
    const dump = plantDump('sysndd_db.2026-01-01T03-00.sql.gz', true);
    const r = await runCheck(dir);
    const free = fs.statfsSync(dir).bavail * fs.statfsSync(dir).bsize;
    // Precondition of this case, not of the check: the test machine has more than 1 GiB free.
    expect(free).toBeGreaterThan(DEFAULT_SPACE_THRESHOLDS.minFreeBytes);
    expect(r.status).toBe('ok');
    expect(r.metrics).toMatchObject({ expectedBackupBytes: fs.statSync(dump).size, folder: dir });
    expect(r.summary).toMatch(/ free of /);
  });

  it('warns under the free-space floor, even when no backup exists to size the next one by', async () => {
    const r = await runCheck(dir, { minFreeBytes: Number.MAX_SAFE_INTEGER });
    expect(r.status).toBe('warn');
    expect(r.summary).toMatch(/: under /);
    expect(r.metrics).toMatchObject({ expectedBackupBytes: null });
  });

  it('warns when the disk has room for fewer backups than warnBelowBackups (but the next one fits)', async () => {
    plantDump('sysndd_db.2026-01-01T03-00.sql.gz', true);
    const r = await runCheck(dir, { warnBelowBackups: HUGE });
    expect(r.status).toBe('warn');
    expect(r.summary).toContain(`room for fewer than ${HUGE} more backups`);
    expect(r.detail).toContain('the newest local backup is');
  });

  it('fails when the next backup(s) would not fit', async () => {
    plantDump('sysndd_db.2026-01-01T03-00.sql.gz', true);
    const fail = await runCheck(dir, { failBelowBackups: HUGE });
    expect(fail.status).toBe('fail');
    expect(fail.summary).toMatch(/more backups \(~.+ each\) will not fit$/);
    expect(fail.metrics).toMatchObject({ expectedBackupBytes: expect.any(Number) });
  });

  it('sizes only by complete local backups: an incomplete (cut-short) dump does not make the row fail', async () => {
    // The only file in the folder, cut short: were it used to size the next backup, the row would fail.
    plantDump('sysndd_db.2026-01-02T03-00.sql.gz', false, 'x'.repeat(10_000));
    const r = await runCheck(dir, { failBelowBackups: HUGE });
    expect(r.status).toBe('ok');
    expect(r.metrics).toMatchObject({ expectedBackupBytes: null });
  });

  it('a folder not created yet is measured at its nearest existing parent, and says so', async () => {
    const missing = path.join(dir, 'not', 'yet');
    const r = await runCheck(missing, { minFreeBytes: Number.MAX_SAFE_INTEGER });
    expect(r.status).toBe('warn');
    expect(r.detail).toBe(`${missing} (not created yet; measured at ${dir}).`);
    expect(fs.existsSync(missing)).toBe(false);
  });
});
