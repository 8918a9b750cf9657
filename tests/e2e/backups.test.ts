import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dispatch } from '../../src/main/core/dispatch';
import type { Profile } from '../../src/shared/contract/index';
import { type BrowserMode, startBrowserMode } from '../fixtures/browserMode';
import { createTestDatabase, mysqlInfo, rootConnection, type TestDatabase } from '../fixtures/mysql';

let bm: BrowserMode;
let db: TestDatabase;
let manyDir: string;

async function call(name: string, args: unknown): Promise<unknown> {
  const r = await dispatch(bm.app.handlers, name, args, { door: 'test', actor: 'e2e' });
  if (!r.ok) throw new Error(`${name}: ${r.message}`);
  return r.value;
}

beforeAll(async () => {
  db = await createTestDatabase('bk_e2e');
  const c = await rootConnection({ database: db.name });
  // Big enough that the backup runs for a moment, so its progress can be seen.
  await c.query('CREATE TABLE gene (id INT PRIMARY KEY, symbol VARCHAR(20), note TEXT) ENGINE=InnoDB');
  await c.query("INSERT INTO gene SELECT seq, CONCAT('G', seq), REPEAT('curation note ', 20) FROM seq_1_to_300000");
  await c.query('CREATE TABLE disease (id INT PRIMARY KEY, name VARCHAR(50))');
  await c.query('CREATE TABLE schema_version (filename VARCHAR(255) PRIMARY KEY, success BOOLEAN DEFAULT TRUE)');
  await c.query("INSERT INTO schema_version (filename) VALUES ('003_fix_hgnc_column_schema.sql')");
  await c.end();
  // A second profile whose local folder holds 10,000 small plain dumps: the list must stay virtualized.
  manyDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bk-many-'));
  for (let i = 0; i < 10_000; i++) {
    fs.writeFileSync(
      path.join(manyDir, `nightly_${String(i).padStart(5, '0')}.sql`),
      `CREATE TABLE t${i % 7} (a int);\n-- Dump completed on 2026-01-01\n`,
    );
  }
  bm = await startBrowserMode();
  const info = mysqlInfo();
  const mysql = { host: info.host, port: info.port, user: info.user, database: db.name };
  (await call('profiles.create', {
    profile: { name: 'e2e backups', environment: 'development', mysql },
    secrets: { 'mysql.password': info.password },
  })) as Profile;
  (await call('profiles.create', {
    profile: { name: 'zz many backups', environment: 'development', mysql, localBackupDir: manyDir },
  })) as Profile;
});

afterAll(async () => {
  await bm?.close();
  await db?.drop();
  if (manyDir) fs.rmSync(manyDir, { recursive: true, force: true });
});

describe('Backups page (browser mode, real MariaDB)', () => {
  it('creates a backup from the UI, shows its progress, then lists it with its real table count', async () => {
    const { page } = bm;
    await page.getByTestId('nav-backups').click();
    await page.getByTestId('backups-empty').waitFor({ timeout: 20_000 });
    await page.getByTestId('backup-create-open').click();
    await page.getByTestId('backup-create-label').fill('from-ui');
    await page.getByTestId('backup-create-start').click();
    const card = page.getByTestId('backups-jobs');
    await card.getByTestId('job-progress-bar').waitFor();
    await expect.poll(async () => (await card.getByTestId('job-stage').textContent()) ?? '', { timeout: 20_000 }).toMatch(/rows/);
    await bm.screenshot('backups-progress');
    await expect
      .poll(async () => card.locator('[data-state]').first().getAttribute('data-state'), { timeout: 60_000 })
      .toBe('succeeded');

    const row = page.getByTestId('backup-row').first();
    await row.waitFor({ timeout: 20_000 });
    expect(await row.getAttribute('data-name')).toMatch(new RegExp(`^${db.name}_\\d{8}T\\d{6}Z_from-ui\\.sql\\.gz$`));
    expect(await row.getByTestId('backup-tables').textContent()).toBe('3');
    expect(await row.getByTestId('backup-location').textContent()).toBe('local');
    expect(await row.getByTestId('backup-status').getAttribute('data-status')).toBe('complete');
    await bm.screenshot('backups-list');

    await row.getByTestId('backup-actions').click();
    await page.getByTestId('backup-action-details').click();
    const drawer = page.getByTestId('backup-details');
    await drawer.getByTestId('backup-detail-counts').waitFor();
    expect(await drawer.getByTestId('backup-detail-counts').textContent()).toContain('3 tables');
    expect(await drawer.getByTestId('backup-detail-schema-version').textContent()).toBe('003_fix_hgnc_column_schema.sql');
    expect(await drawer.getByTestId('backup-detail-tables').textContent()).toContain('300,000');
    await bm.screenshot('backups-details');
    await page.keyboard.press('Escape');

    // Verify from the row menu: the badge appears once the job ends.
    await row.getByTestId('backup-actions').click();
    await page.getByTestId('backup-action-verify').click();
    await expect.poll(async () => row.getByTestId('backup-verified').getAttribute('data-ok'), { timeout: 30_000 }).toBe('true');
    expect(await row.getByTestId('backup-verified-at').textContent()).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    await bm.screenshot('backups-verified');
    expect(bm.consoleErrors).toEqual([]);
  });

  it('deletes only after DELETE is typed', async () => {
    const { page } = bm;
    const row = page.getByTestId('backup-row').first();
    await row.getByTestId('backup-actions').click();
    await page.getByTestId('backup-action-delete').click();
    const submit = page.getByTestId('backup-delete-submit');
    expect(await submit.isDisabled()).toBe(true);
    await page.getByTestId('backup-delete-confirm').fill('delete');
    expect(await submit.isDisabled()).toBe(true);
    await page.getByTestId('backup-delete-confirm').fill('DELETE');
    await submit.click();
    await page.getByTestId('backups-empty').waitFor({ timeout: 20_000 });
  });

  it('keeps 10,000 entries virtualized: few rows in the DOM, the last one reachable by scrolling', async () => {
    const { page } = bm;
    await page.getByTestId('profile-switcher').click();
    await page.getByRole('option', { name: /zz many backups/ }).click();
    const table = page.getByTestId('backups-table');
    await expect.poll(async () => table.getAttribute('data-count'), { timeout: 120_000 }).toBe('10000');
    expect(await page.getByTestId('backup-row').count()).toBeLessThan(60);
    await page.getByTestId('backups-sort-name').click();
    await table.evaluate((el) => {
      el.scrollTop = el.scrollHeight;
    });
    await page.locator('[data-testid="backup-row"][data-name="nightly_09999.sql"]').waitFor({ timeout: 10_000 });
    await page.getByTestId('backups-filter-text').fill('nightly_0004');
    await expect.poll(async () => table.getAttribute('data-count')).toBe('10');
    await bm.screenshot('backups-many');
    await page.getByTestId('backups-filter-text').fill('');
    await expect.poll(async () => table.getAttribute('data-count')).toBe('10000');
    expect(bm.consoleErrors).toEqual([]);
  });

  it('retention: the preview names what would go and why the rest is kept, applying needs DELETE', async () => {
    const { page } = bm;
    // A pre-restore backup is its own class: kept by days, not counted in "the last N".
    const safety = 'nightly_99999_pre-restore.sql';
    fs.writeFileSync(path.join(manyDir, safety), 'CREATE TABLE t (a int);\n-- Dump completed on 2026-01-01\n');
    await page.getByTestId('backup-prune-open').click();
    await page.getByTestId('backup-prune-keep-last').fill('9997');
    await page.getByTestId('backup-prune-preview').click();
    const plan = page.getByTestId('backup-prune-plan');
    await expect.poll(async () => plan.getAttribute('data-remove'), { timeout: 60_000 }).toBe('3');
    expect(await plan.getAttribute('data-keep')).toBe('9998');
    const keptSafety = plan.locator(`[data-testid="backup-prune-kept"][data-name="${safety}"]`);
    expect(await keptSafety.getAttribute('data-class')).toBe('safety');
    expect(await keptSafety.textContent()).toContain('pre-restore / pre-migration');
    expect(await keptSafety.getByTestId('backup-prune-reasons').textContent()).toBe(
      'pre-restore/pre-migration backup younger than 7 day(s)',
    );
    const keptRegular = plan.locator('[data-testid="backup-prune-kept"][data-class="regular"]').first();
    expect(await keptRegular.getByTestId('backup-prune-reasons').textContent()).toBe('newest 1 of the last 9997');
    expect(await plan.locator('[data-testid="backup-prune-removed"]').count()).toBe(3);
    await bm.screenshot('backups-retention-preview');
    // Nothing is deleted by the preview, and the button stays off until DELETE is typed.
    expect(fs.readdirSync(manyDir)).toHaveLength(10_001);
    expect(await page.getByTestId('backup-prune-apply').isDisabled()).toBe(true);
    await page.getByTestId('backup-prune-confirm').fill('DELETE');
    await page.getByTestId('backup-prune-apply').click();
    await expect.poll(async () => page.getByTestId('backups-table').getAttribute('data-count'), { timeout: 60_000 }).toBe('9998');
    expect(fs.readdirSync(manyDir)).toHaveLength(9998);
    expect(fs.existsSync(path.join(manyDir, safety))).toBe(true);
    expect(bm.consoleErrors).toEqual([]);
  });
});
