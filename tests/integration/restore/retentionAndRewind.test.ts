import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobSnapshot } from '../../../src/shared/contract/jobs';
import { createTestApp, type TestApp } from '../../fixtures/app';
import { createProfileForTestDb, createTestDatabase, type TestDatabase } from '../../fixtures/mysql';
import { migrationsFolder, query } from '../migrations/helpers';
import { dropSchemas, restoreAndWait, sideSchemas } from './restoreHelpers';

let t: TestApp;
let db: TestDatabase;
let backups: string;
let dir: string;
let profileId: string;

const finished = (job: JobSnapshot) => t.app.jobs.wait(job.id, 600_000);
async function backup(): Promise<string> {
  const job = await finished(await t.ok('backups.create', { profileId }));
  expect(job.state, job.error?.message).toBe('succeeded');
  return (job.result as { path: string }).path;
}

beforeAll(async () => {
  db = await createTestDatabase('rewind');
  await query(db.name, 'CREATE TABLE gene (id INT PRIMARY KEY, symbol VARCHAR(20))');
  await query(db.name, "INSERT INTO gene VALUES (1, 'MECP2')");
  dir = migrationsFolder({
    '001_note.sql': 'ALTER TABLE gene ADD COLUMN note VARCHAR(50) NULL;\n',
    '002_purge.sql': "DELETE FROM gene WHERE symbol = 'OLD';\n",
  });
  t = createTestApp();
  backups = fs.mkdtempSync(path.join(os.tmpdir(), 'sysndd-rewind-backups-'));
  profileId = (await createProfileForTestDb(t, db.name, { environment: 'staging', localBackupDir: backups, migrationsDir: dir }))
    .id;
});
afterAll(async () => {
  await dropSchemas(await sideSchemas(db.name));
  await t.close();
  await db.drop();
  fs.rmSync(backups, { recursive: true, force: true });
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('a restore of a backup older than the applied migrations', () => {
  let old: string;
  let tested: string;

  it('says which files will run again, and "Run pending" then needs the database name even on staging', async () => {
    old = await backup(); // before any migration
    const up = await finished(await t.ok('migrations.migrate', { profileId }));
    expect(up.state, up.error?.message).toBe('succeeded');
    expect((await t.ok('migrations.status', { profileId })).pending).toEqual([]);

    const restored = await restoreAndWait(t, { profileId, file: old });
    expect(restored.state, restored.error?.message).toBe('succeeded');
    const result = restored.result as { rewoundMigrations: Array<{ filename: string; reason: string }> };
    expect(result.rewoundMigrations.map((r) => r.filename)).toEqual(['001_note.sql', '002_purge.sql']);
    expect(result.rewoundMigrations[0]?.reason).toMatch(/predates it.*run again/);

    const status = await t.ok('migrations.status', { profileId });
    expect(status.pending).toEqual(['001_note.sql', '002_purge.sql']);
    expect(status.rewound.map((r) => r.filename)).toEqual(['001_note.sql', '002_purge.sql']);

    // Staging, yet the production rule: the database name typed.
    const refused = await t.call('migrations.migrate', { profileId });
    expect(refused).toMatchObject({ ok: false, code: 'CONFIRMATION_REQUIRED' });
    expect(refused.ok === false && refused.message).toContain(`--confirm ${db.name}`);
    expect(refused.ok === false && refused.message).toContain('would run again');
    expect((await t.ok('jobs.list', { kind: 'migrate' })).length).toBe(1);
    const again = await finished(await t.ok('migrations.migrate', { profileId, confirm: db.name }));
    expect(again.state, again.error?.message).toBe('succeeded');
    // Applied again: no longer rewound, and the next run needs nothing.
    expect((await t.ok('migrations.status', { profileId })).rewound).toEqual([]);
    expect(await t.ok('safety.check', { operation: 'migrations.migrate', args: { profileId } })).toMatchObject({
      required: null,
    });
  });

  it('prune keeps the newest verified backup and the pre-restore backup of the restore that can still be rolled back', async () => {
    tested = await backup();
    const verify = await finished(
      await t.ok('backups.verify', { profileId, name: path.basename(tested), scratchRestore: false }),
    );
    expect(verify.state, verify.error?.message).toBe('succeeded');
    const newer = [await backup(), await backup()];

    const restores = await t.ok('restore.list', { profileId });
    const rollbackable = restores.find((r) => r.rollbackAvailable);
    const preRestore = rollbackable?.preRestoreBackup as string;
    expect(path.basename(preRestore)).toMatch(/_pre-restore(_\d+)?\.sql\.gz$/);

    const rule = { keepLast: 1 };
    const plan = await t.ok('backups.prunePreview', { profileId, rule });
    const why = Object.fromEntries(plan.keep.map((k) => [k.name, k.reasons.join('; ')]));
    expect(why[path.basename(newer[1] as string)]).toBe('newest 1 of the last 1');
    expect(why[path.basename(tested)]).toBe('newest backup that passed verify');
    expect(why[path.basename(preRestore)]).toMatch(
      /pre-restore\/pre-migration backup younger than 7 day|can still be rolled back/,
    );
    expect(why[path.basename(preRestore)]).toContain(`restore ${rollbackable?.id}, which can still be rolled back`);

    const pruned = await t.ok('backups.prune', { profileId, rule, confirm: 'DELETE' });
    expect([...pruned.deleted].sort()).toEqual([old, newer[0] as string].sort());
    for (const kept of [tested, newer[1] as string, preRestore]) expect(fs.existsSync(kept), kept).toBe(true);
    const audit = t.app.audit.list({ action: 'backups.prune' });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ result: 'succeeded', details: { result: { deleted: pruned.deleted } } });
  });
});
