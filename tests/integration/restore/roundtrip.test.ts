import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobSnapshot } from '../../../src/shared/contract/jobs';
import { createTestApp, type TestApp } from '../../fixtures/app';
import { createProfileForTestDb, createTestDatabase, rootConnection, type TestDatabase } from '../../fixtures/mysql';
import {
  buildFixtureDb,
  dropSchemas,
  gzipFile,
  jobErrors,
  mariadbDump,
  preflightWhenLockFree,
  query,
  restoreAndWait,
  sideSchemas,
  snapshot,
  TEST_LOCK_TIMEOUT_SECONDS,
  waitJob,
} from './restoreHelpers';

/**
 * Round trips on the real MariaDB: a database with every column type, unicode and all byte values, FKs,
 * views on views, ordered triggers, routines with `;` in their bodies, events and a sequence is backed up
 * (by our engine, and by the real mariadb-dump, with and without --hex-blob, plain and gzip) and restored
 * through the shadow schema + swap; CHECKSUM TABLE and every definition must come out equal. Then a
 * restore over a non-empty database, its rollback and discard.
 */
describe('restore round trips', () => {
  let t: TestApp;
  let src: TestDatabase;
  let profileId: string;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rs-rt-'));
  const targets: string[] = [];
  const target = (name: string) => {
    const n = `${src.name}_${name}`;
    targets.push(n);
    return n;
  };

  beforeAll(async () => {
    t = createTestApp();
    src = await createTestDatabase('rs_rt');
    await buildFixtureDb(src.name);
    profileId = (await createProfileForTestDb(t, src.name)).id;
  });

  afterAll(async () => {
    await t?.close();
    const side = (await Promise.all(targets.map(sideSchemas))).flat();
    await dropSchemas([...targets, ...side]);
    await src?.drop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('restores our own backup into another database (after waiting for the migration lock): checksums and definitions equal', async () => {
    const backup = await t.app.backups.createBackup(profileId, { dir }, {});
    const dst = target('ours');
    // A migration holds the server-wide lock when the restore starts: the restore waits, then goes on.
    const holder = await rootConnection();
    let job: JobSnapshot;
    try {
      expect((await query(holder, "SELECT GET_LOCK('sysndd_migration', 300) AS got"))[0]).toEqual({ got: 1 });
      const started = await t.ok('restore.start', {
        profileId,
        file: backup.path,
        targetDatabase: dst,
        confirm: 'RESTORE',
        options: { lockTimeoutSeconds: TEST_LOCK_TIMEOUT_SECONDS },
      });
      while (!(await jobErrors(t, started)).includes(`held by connection ${holder.threadId}`)) {
        expect(t.app.jobs.get(started.id).state).toBe('running');
        await sleep(20);
      }
      expect(await sideSchemas(dst)).toEqual([]);
      await holder.query("SELECT RELEASE_LOCK('sysndd_migration')");
      job = await waitJob(t, started);
    } finally {
      await holder.end();
    }
    expect(job.state, await jobErrors(t, job)).toBe('succeeded');
    const before = await snapshot(src.name);
    const after = await snapshot(dst);
    expect(after.checksums).toEqual(before.checksums);
    expect(after.definitions).toEqual(before.definitions);
    expect(Object.keys(after.checksums).length).toBeGreaterThan(8);
    // A new database: nothing to back up first, the empty previous-tables schema kept for a rollback, no shadow left.
    const record = await t.ok('restore.get', { id: (job.result as { restoreId: string }).restoreId });
    expect(record.phase).toBe('completed');
    expect(record.preRestoreBackup).toBeNull();
    expect(await sideSchemas(dst)).toEqual([record.prevSchema]);
    const log = await jobErrors(t, job);
    expect(log).toMatch(/CHECKSUM TABLE/);
  });

  it('restores real mariadb-dump files (binary in strings, --hex-blob, gzip, --databases) equal to the source', async () => {
    // mariadb-dump prints FLOAT with ~6 digits (environment.md): leave those columns out of its round trip.
    const c = await rootConnection();
    await c.query(`ALTER TABLE \`${src.name}\`.every_type DROP COLUMN t_float, DROP COLUMN t_float_md`);
    await c.end();
    const before = await snapshot(src.name);
    const files = [
      await mariadbDump(src.name, path.join(dir, 'plain.sql')),
      gzipFile(await mariadbDump(src.name, path.join(dir, 'hex.sql'), ['--hex-blob']), path.join(dir, 'hex.sql.gz')),
      await mariadbDump(src.name, path.join(dir, 'dbs.sql'), ['--databases']),
    ];
    expect(fs.readFileSync(files[2] as string, 'latin1')).toMatch(/^USE `/m);
    for (const [i, file] of files.entries()) {
      const dst = target(`dump${i}`);
      const job = await restoreAndWait(t, { profileId, file, targetDatabase: dst });
      expect(job.state, `${file}\n${await jobErrors(t, job)}`).toBe('succeeded');
      const after = await snapshot(dst);
      expect(after.checksums, file).toEqual(before.checksums);
      expect(after.definitions, file).toEqual(before.definitions);
    }
  });

  it('restores over a non-empty database with a pre-restore backup, rolls back, and discards', async () => {
    const dst = target('over');
    const file = await mariadbDump(src.name, path.join(dir, 'over.sql'));
    // First restore: dst gets the source's content; then make dst different from the file.
    expect((await restoreAndWait(t, { profileId, file, targetDatabase: dst })).state).toBe('succeeded');
    const c = await rootConnection({ database: dst });
    await c.query("INSERT INTO parent VALUES (99, 'only in live')");
    await c.query('CREATE TABLE live_only (x INT)');
    await c.query('CREATE VIEW live_view AS SELECT 1 AS one');
    await c.end();
    const live = await snapshot(dst);

    const job = await restoreAndWait(t, { profileId, file, targetDatabase: dst });
    expect(job.state, await jobErrors(t, job)).toBe('succeeded');
    const restored = (job.result as { restoreId: string }).restoreId;
    const record = await t.ok('restore.get', { id: restored });
    expect(record.rollbackAvailable).toBe(true);
    expect(record.preRestoreBackup).toMatch(/_pre-restore(_\d+)?\.sql\.gz$/);
    expect(fs.existsSync(record.preRestoreBackup as string)).toBe(true);
    const afterRestore = await snapshot(dst);
    expect(afterRestore.checksums).toEqual((await snapshot(src.name)).checksums);
    expect(Object.keys(afterRestore.definitions)).not.toContain('view live_view');

    const preflight = await preflightWhenLockFree(t, { profileId, file, targetDatabase: dst });
    expect(preflight.leftovers.some((l) => l.schema === record.prevSchema && l.kind === 'prev' && l.known)).toBe(true);

    const rb = await waitJob(
      t,
      await t.ok('restore.rollback', {
        restoreId: restored,
        confirm: 'ROLLBACK',
        lockTimeoutSeconds: TEST_LOCK_TIMEOUT_SECONDS,
      }),
    );
    expect(rb.state, await jobErrors(t, rb)).toBe('succeeded');
    const back = await snapshot(dst);
    expect(back.checksums).toEqual(live.checksums);
    expect(back.definitions).toEqual(live.definitions);
    expect((await t.ok('restore.get', { id: restored })).phase).toBe('rolled-back');
    expect(await sideSchemas(dst)).not.toContain(record.prevSchema);

    // Restore again and discard the previous tables: no rollback afterwards.
    const again = await restoreAndWait(t, { profileId, file, targetDatabase: dst });
    expect(again.state, await jobErrors(t, again)).toBe('succeeded');
    const againId = (again.result as { restoreId: string }).restoreId;
    const prev = (await t.ok('restore.get', { id: againId })).prevSchema as string;
    for (const wrong of ['drop', 'RESTORE', 'ROLLBACK'])
      expect((await t.call('restore.discard', { restoreId: againId, confirm: wrong })).ok).toBe(false);
    const discarded = await t.ok('restore.discard', { restoreId: againId, confirm: 'DROP' });
    expect(discarded.phase).toBe('discarded');
    expect(await sideSchemas(dst)).not.toContain(prev);
    const refused = await t.call('restore.rollback', { restoreId: againId, confirm: 'ROLLBACK' });
    expect(refused.ok ? null : refused.code).toBe('PRECONDITION_FAILED');
    const audit = await t.ok('audit.list', { action: 'restore.discard' });
    expect(audit.map((a) => a.result)).toEqual(expect.arrayContaining(['refused', 'succeeded']));
  });
});
