import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CreateBackupResult } from '../../../src/shared/contract/index';
import { createTestApp, type TestApp } from '../../fixtures/app';
import { createProfileForTestDb, createTestDatabase, type TestDatabase } from '../../fixtures/mysql';
import { cli } from './cliRun';
import { buildFixtureDb } from './fixtureDb';

const COPIES = 24;

/**
 * Issue 16: the catalog index and paged `backups.list`. A folder of 25 backups (one real backup and copies
 * under other names); pages, orders and totals; and the index: a second listing rewrites no row of an
 * unchanged file (its manifest is not read again), a changed file is read anew, a deleted one leaves.
 */
describe('backup catalog: paged listing over an index of file versions', () => {
  let t: TestApp;
  let db: TestDatabase;
  let profileId: string;
  let dir: string;
  let names: string[];

  const seenAt = (): Map<string, string> =>
    new Map(
      (
        t.app.store.db.prepare('SELECT name, seen_at FROM backup_files WHERE profile_id = ?').all(profileId) as Array<{
          name: string;
          seen_at: string;
        }>
      ).map((r) => [r.name, r.seen_at]),
    );

  beforeAll(async () => {
    db = await createTestDatabase('bk_catalog_index');
    await buildFixtureDb(db.name);
    t = createTestApp();
    profileId = (await createProfileForTestDb(t, db.name)).id;
    const job = await t.ok('backups.create', { profileId });
    const final = await t.ok('jobs.wait', { id: job.id, timeoutMs: 120_000 });
    expect(final.state, final.error?.message).toBe('succeeded');
    const file = (final.result as CreateBackupResult).path;
    dir = path.dirname(file);
    const base = path.basename(file, '.sql.gz');
    for (let i = 1; i <= COPIES; i++) fs.copyFileSync(file, path.join(dir, `${base}_copy${String(i).padStart(2, '0')}.sql.gz`));
    names = fs.readdirSync(dir).filter((n) => n.endsWith('.sql.gz'));
  }, 180_000);

  afterAll(async () => {
    await t?.close();
    await db?.drop();
  });

  it('without paging returns every entry, newest first, with the total (the older call shape)', async () => {
    const list = await t.ok('backups.list', { profileId, refreshRemote: false });
    expect(list.total).toBe(COPIES + 1);
    expect(list.offset).toBe(0);
    expect(list.entries).toHaveLength(COPIES + 1);
    expect(list.entries.every((e) => e.status === 'complete' && e.tableCount !== null && e.seal?.state === 'sealed')).toBe(true);
    const keys = list.entries.map((e) => `${e.createdAt} ${e.name}`);
    expect(keys).toEqual([...keys].sort((a, b) => b.slice(0, 24).localeCompare(a.slice(0, 24)) || a.localeCompare(b)));
  });

  it('pages a sorted listing: offset + limit, total of all, stable order by name', async () => {
    const byName = [...names].sort((a, b) => a.localeCompare(b));
    const page = await t.ok('backups.list', { profileId, refreshRemote: false, sort: 'name', offset: 20, limit: 10 });
    expect(page.total).toBe(COPIES + 1);
    expect(page.offset).toBe(20);
    expect(page.entries.map((e) => e.name)).toEqual(byName.slice(20));
    const desc = await t.ok('backups.list', { profileId, refreshRemote: false, sort: 'name-desc', limit: 3 });
    expect(desc.entries.map((e) => e.name)).toEqual([...byName].reverse().slice(0, 3));
    const past = await t.ok('backups.list', { profileId, refreshRemote: false, offset: 100, limit: 10 });
    expect(past.entries).toEqual([]);
    expect(past.total).toBe(COPIES + 1);
  });

  it('refuses a bad page by name (INVALID_ARGUMENT)', async () => {
    for (const bad of [{ limit: 0 }, { offset: -1 }, { limit: 1.5 }, { sort: 'random' }, { limit: 100_000 }]) {
      const r = await t.call('backups.list', { profileId, refreshRemote: false, ...bad } as never);
      expect(r.ok, JSON.stringify(bad)).toBe(false);
      if (!r.ok) expect(r.code).toBe('INVALID_ARGUMENT');
    }
  });

  it('CLI: backup list --sort/--limit/--offset prints one page and the total; a bad order is refused by name', async () => {
    const profile = t.app.profiles.get(profileId);
    const base = ['backup', 'list', '--profile', profile.name, '--offline'];
    const r = await cli([...base, '--sort', 'name', '--limit', '2', '--offset', '1'], t.home);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain(`2–3 of ${COPIES + 1} backups`);
    const byName = [...names].sort((a, b) => a.localeCompare(b));
    expect(r.out).toContain(byName[1]);
    expect(r.out).not.toContain(byName[0]);
    const bad = await cli([...base, '--sort', 'random'], t.home);
    expect(bad.code).not.toBe(0);
    expect(bad.err).toMatch(/INVALID_ARGUMENT|sort/);
  });

  it('reads only new or changed files: unchanged rows are not rewritten, a changed file is read anew, a deleted one leaves', async () => {
    await t.ok('backups.list', { profileId, refreshRemote: false });
    // A mark no listing would write: a row rewritten (its file read again) loses it.
    t.app.store.db.prepare("UPDATE backup_files SET seen_at = 'index-mark' WHERE profile_id = ?").run(profileId);
    const [changed, deleted] = [names[3] as string, names[4] as string];
    fs.appendFileSync(path.join(dir, changed), 'trailing bytes');
    fs.rmSync(path.join(dir, deleted));
    const list = await t.ok('backups.list', { profileId, refreshRemote: false });
    expect(list.total).toBe(COPIES);
    expect(list.entries.find((e) => e.name === deleted)).toBeUndefined();
    expect(list.entries.find((e) => e.name === changed)?.status).not.toBe('complete');
    const seen = seenAt();
    expect(seen.has(deleted)).toBe(false);
    expect(seen.get(changed)).not.toBe('index-mark');
    const rewritten = [...seen].filter(([name, at]) => name !== changed && at !== 'index-mark');
    expect(rewritten).toEqual([]);
    const manifests = t.app.store.db.prepare('SELECT name FROM backup_manifests WHERE profile_id = ?').pluck().all(profileId);
    expect(manifests).not.toContain(deleted);
    // The manifest of an indexed file is still there for whoever asks for it.
    const one = await t.ok('backups.manifest', { profileId, name: names[5] as string });
    expect(one.manifest?.counts.tables).toBeGreaterThan(0);
  });
});
