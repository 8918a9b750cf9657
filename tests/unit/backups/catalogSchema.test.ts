import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CATALOG_SCHEMA, CatalogCache } from '../../../src/main/features/backups/catalog/CatalogCache';
import { AppDatabase } from '../../../src/main/platform/store/AppDatabase';

/** Issue 16: v6 moves manifests out of backup_files (listings read summaries only); rows of v5 keep theirs. */
describe('catalog schema v6: manifests in their own table', () => {
  it('moves a v5 row’s manifest and fills server_engine; get still returns it, summaries leave it out', () => {
    const store = new AppDatabase(':memory:');
    store.ensureSchema('backups', CATALOG_SCHEMA.slice(0, 5));
    const manifest = { source: { engine: 'mysql', database: 'db' }, counts: { tables: 1 } };
    store.db
      .prepare(
        `INSERT INTO backup_files (profile_id, location, name, path, size, mtime_ms, version, format, status, created_at,
           manifest, seen_at) VALUES ('p', 'local', 'a.sql.gz', '/x/a.sql.gz', 10, 1, 'v1', 'sysndd-admin', 'complete',
           '2026-01-01T00:00:00.000Z', ?, 'then')`,
      )
      .run(JSON.stringify(manifest));
    const cache = new CatalogCache(store);
    expect(store.db.prepare('SELECT manifest FROM backup_files').pluck().get()).toBeNull();
    expect(cache.get('p', 'local', 'a.sql.gz')?.manifest).toEqual(manifest);
    const [summary] = cache.summaries('p', 'local');
    expect(summary?.manifest).toBeNull();
    expect(summary?.serverEngine).toBe('mysql');
    cache.remove('p', 'local', 'a.sql.gz');
    expect(store.db.prepare('SELECT COUNT(*) FROM backup_manifests').pluck().get()).toBe(0);
    store.close();
  });
});

/** Issue 16: warm listings reuse the folder's summaries until a row changes, in this process or another. */
describe('catalog summaries memo', () => {
  const file = (name: string, size: number) => ({
    profileId: 'p',
    location: 'local' as const,
    name,
    path: `/x/${name}`,
    size,
    mtimeMs: 1,
    version: `v${size}`,
    fingerprint: null,
    format: 'foreign' as const,
    status: 'complete' as const,
    tableCount: null,
    rowCount: null,
    schemaVersion: null,
    database: null,
    serverVersion: null,
    createdAt: '2026-01-01T00:00:00.000Z',
    manifest: null,
  });

  it('serves the same rows while nothing is written, and sees writes of its own and of another connection', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'catalog-memo-'));
    const app = new AppDatabase(path.join(dir, 'db.sqlite'));
    const cli = new AppDatabase(path.join(dir, 'db.sqlite'));
    try {
      const mine = new CatalogCache(app);
      const theirs = new CatalogCache(cli);
      mine.putFile(file('a.sql.gz', 10));
      expect(mine.summaries('p', 'local').map((f) => f.size)).toEqual([10]);
      const first = mine.summaries('p', 'local');
      first.pop(); // a caller changing its copy does not change the memo
      expect(mine.summaries('p', 'local').map((f) => f.name)).toEqual(['a.sql.gz']);
      mine.putFile(file('b.sql.gz', 20));
      expect(mine.summaries('p', 'local').map((f) => f.name)).toEqual(['a.sql.gz', 'b.sql.gz']);
      theirs.putFile(file('a.sql.gz', 11)); // another process (the CLI) rewrites a row
      expect(mine.summaries('p', 'local').map((f) => f.size)).toEqual([11, 20]);
      theirs.remove('p', 'local', 'b.sql.gz');
      expect(mine.summaries('p', 'local').map((f) => f.name)).toEqual(['a.sql.gz']);
    } finally {
      app.close();
      cli.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
