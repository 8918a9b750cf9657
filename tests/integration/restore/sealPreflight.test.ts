import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manifestTail } from '../../../src/main/features/backups/format/BackupFileWriter';
import { readManifest } from '../../../src/main/features/backups/format/index';
import type { CreateBackupResult } from '../../../src/shared/contract/index';
import { createTestApp, type TestApp } from '../../fixtures/app';
import { createProfileForTestDb, createTestDatabase, type TestDatabase } from '../../fixtures/mysql';
import { buildFixtureDb, preflightWhenLockFree, restoreAndWait } from './restoreHelpers';

/**
 * A restore shows who sealed its file (docs/backups.md, "Sealed backups"): the preflight's `seal` check
 * (ok for this installation's seal, warn for an unsealed file, which is what an edit re-sealed without the
 * key becomes) and the job result, which the audit row keeps.
 */
describe('restore: the origin of the file in the preflight and the audit row', () => {
  let t: TestApp;
  let source: TestDatabase;
  let target: TestDatabase;
  let profileId: string;
  let backup: string;

  beforeAll(async () => {
    [source, target] = await Promise.all([createTestDatabase('seal_pf_src'), createTestDatabase('seal_pf_dst')]);
    await buildFixtureDb(source.name);
    t = createTestApp();
    profileId = (await createProfileForTestDb(t, source.name)).id;
    const job = await t.app.jobs.wait((await t.ok('backups.create', { profileId })).id, 120_000);
    backup = (job.result as CreateBackupResult).path;
  });

  afterAll(async () => {
    await t?.close();
    await Promise.all([source?.drop(), target?.drop()]);
  });

  it('a sealed backup: the seal check is ok and names this installation; the audit row keeps it', async () => {
    const report = await preflightWhenLockFree(t, { profileId, file: backup, targetDatabase: target.name });
    const seal = report.checks.find((c) => c.id === 'seal');
    expect(seal?.status).toBe('ok');
    expect(seal?.message).toMatch(/^sealed by .+ \(this installation\)/);
    const job = await restoreAndWait(t, { profileId, file: backup, targetDatabase: target.name });
    expect(job.state).toBe('succeeded');
    expect((job.result as { origin?: string }).origin).toMatch(/^sealed by/);
    const row = (await t.ok('audit.list', { action: 'restore.start' })).find((e) => e.profileId === profileId);
    expect(JSON.stringify(row?.details)).toMatch(/sealed by/);
  });

  it('an edit re-sealed without the key: the preflight warns the file is not sealed', async () => {
    const manifest = await readManifest(backup);
    const last = manifest.members.at(-1);
    if (!last) throw new Error('no members');
    const body = fs.readFileSync(backup).subarray(0, last.offset + last.length);
    const copy = path.join(path.dirname(backup), 'resealed-without-key.sql.gz');
    fs.writeFileSync(copy, Buffer.concat([body, await manifestTail(manifest, body.length, null)]));
    const report = await preflightWhenLockFree(t, { profileId, file: copy, targetDatabase: target.name });
    const seal = report.checks.find((c) => c.id === 'seal');
    expect(seal?.status).toBe('warn');
    expect(seal?.message).toMatch(/not sealed/i);
  });
});
