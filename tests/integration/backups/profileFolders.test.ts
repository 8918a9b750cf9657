import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CreateBackupResult, JobSnapshot, Profile } from '../../../src/shared/contract/index';
import { createTestApp, type TestApp } from '../../fixtures/app';
import { createProfileForTestDb, createTestDatabase, rootConnection, type TestDatabase } from '../../fixtures/mysql';

/**
 * Each profile has its own local backup folder, keyed by its id: "SysNDD prod" and "SysNDD (prod)" — one
 * folder before, as their names reduce to the same characters — no longer see or prune each other's files.
 * Files in the old shared folder move to the profile they provably belong to; the rest stay put.
 */
describe('one local backup folder per profile', () => {
  let t: TestApp;
  let db: TestDatabase;
  let prod: Profile;
  let paren: Profile;
  const extra = fs.mkdtempSync(path.join(os.tmpdir(), 'bk-folders-'));

  const finished = async (job: JobSnapshot) => {
    const final = await t.app.jobs.wait(job.id, 120_000);
    if (final.state !== 'succeeded') throw new Error(`${job.kind} ${final.state}: ${final.error?.message}`);
    return final;
  };
  const backup = async (p: Profile, options: { dir?: string; label?: string } = {}) =>
    (await finished(await t.ok('backups.create', { profileId: p.id, options }))).result as CreateBackupResult;
  const names = async (p: Profile) =>
    (await t.ok('backups.list', { profileId: p.id, refreshRemote: false })).entries.map((e) => e.name);

  beforeAll(async () => {
    db = await createTestDatabase('bk_folders');
    const c = await rootConnection({ database: db.name });
    await c.query('CREATE TABLE gene (id INT PRIMARY KEY)');
    await c.query('INSERT INTO gene VALUES (1), (2)');
    await c.end();
    t = createTestApp();
    prod = await createProfileForTestDb(t, db.name, { name: 'SysNDD prod' });
    paren = await createProfileForTestDb(t, db.name, { name: 'SysNDD (prod)' });
  });

  afterAll(async () => {
    await t?.close();
    await db?.drop();
    fs.rmSync(extra, { recursive: true, force: true });
  });

  it('the old shared folder is sorted out on first use: each profile takes its own files, the unprovable stay', async () => {
    // The layout before: both profiles wrote into backups/SysNDD_prod (plus a downloaded foreign dump).
    const legacy = path.join(t.home, 'backups', 'SysNDD_prod');
    const a = await backup(prod, { dir: legacy, label: 'a' });
    const b = await backup(paren, { dir: legacy, label: 'b' });
    const foreign = 'sysndd_db.2026-01-01T03-00.sql.gz';
    fs.writeFileSync(path.join(legacy, foreign), zlib.gzipSync('CREATE TABLE x (id int);\n-- Dump completed on 2026-01-01\n'));
    // Verified where it was: the badge moves with it (same bytes, renamed by us).
    expect((await finished(await t.ok('backups.verify', { path: a.path, scratchRestore: false }))).state).toBe('succeeded');

    const prodDir = t.app.backups.localDir(prod);
    expect(prodDir).toBe(path.join(t.home, 'backups', `SysNDD_prod-${prod.id}`));
    expect(t.app.backups.localDir(paren)).toBe(path.join(t.home, 'backups', `SysNDD_prod-${paren.id}`));

    const list = await t.ok('backups.list', { profileId: prod.id, refreshRemote: false });
    expect(list.localDir).toBe(prodDir);
    expect(list.entries.map((e) => e.name)).toEqual([a.name]);
    expect(list.entries[0]?.verified).toMatchObject({ ok: true });
    expect(fs.readdirSync(legacy).sort()).toEqual([b.name, foreign].sort());

    expect(await names(paren)).toEqual([b.name]);
    // The foreign dump names no profile and two profiles wrote there: it stays, untouched.
    expect(fs.readdirSync(legacy)).toEqual([foreign]);
  });

  it('prune of one profile never deletes the other one’s backups', async () => {
    await backup(prod, { label: 'p2' });
    await backup(prod, { label: 'p3' });
    await backup(paren, { label: 'q2' });
    const before = fs.readdirSync(t.app.backups.localDir(paren)).sort();
    expect(before).toHaveLength(2);
    const r = await t.ok('backups.prune', { profileId: prod.id, rule: { keepLast: 1, location: 'local' }, confirm: 'DELETE' });
    expect(r.deleted.length).toBeGreaterThan(0);
    for (const d of r.deleted) expect(path.dirname(d)).toBe(t.app.backups.localDir(prod));
    expect(fs.readdirSync(t.app.backups.localDir(paren)).sort()).toEqual(before);
    expect(await names(paren)).toHaveLength(2);
  });

  it('a renamed profile keeps its folder (found by its id)', async () => {
    const dir = t.app.backups.localDir(paren);
    const renamed = await t.ok('profiles.update', {
      id: paren.id,
      profile: { name: 'SysNDD prod (old)', environment: paren.environment, mysql: paren.mysql },
    });
    expect(t.app.backups.localDir(renamed)).toBe(dir);
    expect(await names(renamed)).toHaveLength(2);
  });

  it('two profiles given the same folder by hand: delete and prune are refused, nothing removed', async () => {
    const shared = path.join(extra, 'shared');
    const one = await createProfileForTestDb(t, db.name, { name: 'shared one', localBackupDir: shared });
    await createProfileForTestDb(t, db.name, { name: 'shared two', localBackupDir: shared });
    const made = await backup(one);
    await backup(one, { label: 'second' });
    const del = await t.call('backups.delete', { profileId: one.id, name: made.name, location: 'local', confirm: 'DELETE' });
    expect(del.ok ? 'ok' : del.code).toBe('CONFLICT');
    expect(del.ok ? '' : del.message).toContain('"shared two"');
    const prune = await t.call('backups.prune', {
      profileId: one.id,
      rule: { keepLast: 1, location: 'local' },
      confirm: 'DELETE',
    });
    expect(prune.ok ? 'ok' : prune.code).toBe('CONFLICT');
    expect(fs.readdirSync(shared).filter((n) => n.endsWith('.sql.gz'))).toHaveLength(2);
  });
});
