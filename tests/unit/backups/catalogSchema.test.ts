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
