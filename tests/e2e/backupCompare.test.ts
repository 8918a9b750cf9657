import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dispatch } from '../../src/main/core/dispatch';
import type { Profile } from '../../src/shared/contract/index';
import { type BrowserMode, startBrowserMode } from '../fixtures/browserMode';
import { createTestDatabase, mysqlInfo, rootConnection, type TestDatabase } from '../fixtures/mysql';
import { checksums } from '../integration/backups/fixtureDb';

let bm: BrowserMode;
let db: TestDatabase;
let dir: string;
let backupName: string;

async function call(name: string, args: unknown): Promise<unknown> {
  const r = await dispatch(bm.app.handlers, name, args, { door: 'test', actor: 'e2e' });
  if (!r.ok) throw new Error(`${name}: ${r.message}`);
  return r.value;
}

async function sums(): Promise<Record<string, string>> {
  const c = await rootConnection();
  try {
    return await checksums(c, db.name);
  } finally {
    await c.end();
  }
}

beforeAll(async () => {
  db = await createTestDatabase('cmp_e2e');
  const c = await rootConnection({ database: db.name });
  await c.query('CREATE TABLE gene (id INT PRIMARY KEY, symbol VARCHAR(20), note TEXT) ENGINE=InnoDB');
  await c.query("INSERT INTO gene SELECT seq, CONCAT('G', seq), IF(seq % 7 = 0, NULL, 'curated') FROM seq_1_to_2000");
  await c.query('CREATE TABLE disease (id INT PRIMARY KEY, name VARCHAR(50)) ENGINE=InnoDB');
  await c.query("INSERT INTO disease VALUES (1, 'intellectual disability')");
  await c.end();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cmp-e2e-'));
  bm = await startBrowserMode();
  const info = mysqlInfo();
  const profile = (await call('profiles.create', {
    profile: {
      name: 'e2e compare',
      environment: 'development',
      mysql: { host: info.host, port: info.port, user: info.user, database: db.name },
      localBackupDir: dir,
    },
    secrets: { 'mysql.password': info.password },
  })) as Profile;
  backupName = (await bm.app.backups.createBackup(profile.id, {}, {})).name;
});

afterAll(async () => {
  await bm?.close();
  const c = await rootConnection().catch(() => null);
  if (c && db) {
    const [rows] = await c.query('SELECT SCHEMA_NAME AS n FROM information_schema.SCHEMATA WHERE SCHEMA_NAME LIKE ?', [
      `${db.name}\\_\\_%`,
    ]);
    for (const r of rows as Array<{ n: string }>) await c.query(`DROP DATABASE IF EXISTS \`${r.n}\``);
  }
  await c?.end();
  await db?.drop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe('Backups page: Compare with live (browser mode, real MariaDB)', () => {
  it('counts 2 rows deleted live, lists them, exports them as SQL and puts them back (checksum as before)', async () => {
    const before = await sums();
    const d = await rootConnection({ database: db.name });
    await d.query('DELETE FROM gene WHERE id IN (14, 1500)');
    await d.end();
    expect((await sums()).gene).not.toBe(before.gene);

    const { page } = bm;
    await page.getByTestId('nav-backups').click();
    const row = page.locator(`[data-testid="backup-row"][data-name="${backupName}"]`);
    await row.waitFor({ timeout: 20_000 });
    await row.getByTestId('backup-actions').click();
    await page.getByTestId('backup-action-compare').click();
    const modal = page.getByTestId('compare-modal');
    await page.getByTestId('compare-table').click();
    await page.getByRole('option', { name: 'gene', exact: true }).click();
    await page.getByTestId('compare-run').click();

    // The diff job's progress bar, then the counts once it has succeeded.
    const job = page.getByTestId('compare-job');
    await job.getByTestId('job-progress-bar').waitFor({ timeout: 20_000 });
    await expect
      .poll(async () => job.locator('[data-state]').first().getAttribute('data-state'), { timeout: 60_000 })
      .toBe('succeeded');
    const counts = page.getByTestId('compare-counts');
    await counts.waitFor({ timeout: 20_000 });
    expect(await page.getByTestId('diff-count-removed').getAttribute('data-value')).toBe('2');
    expect(await page.getByTestId('diff-count-added').getAttribute('data-value')).toBe('0');
    expect(await page.getByTestId('diff-count-changed').getAttribute('data-value')).toBe('0');
    expect(await page.getByTestId('diff-count-live').getAttribute('data-value')).toBe('1998');
    // Counts first: no rows until asked for.
    expect(await page.getByTestId('diff-rows').count()).toBe(0);

    await page.getByTestId('diff-show-rows').click();
    const rows = page.getByTestId('diff-rows');
    await rows.waitFor();
    expect(await rows.getAttribute('data-count')).toBe('2');
    expect(await page.getByTestId('diff-row').evaluateAll((els) => els.map((e) => e.getAttribute('data-key')))).toEqual([
      '["14"]',
      '["1500"]',
    ]);
    await page.getByTestId('diff-select-all').click();
    expect(await page.getByTestId('diff-loaded').textContent()).toContain('2 selected');
    await bm.screenshot('compare-rows');

    await page.getByTestId('diff-export').click();
    const sql = page.getByTestId('diff-sql');
    await sql.waitFor();
    const text = await sql.inputValue();
    expect(text).toMatch(/INSERT INTO/);
    expect(text).toMatch(/ON DUPLICATE KEY UPDATE/);
    expect(text).toContain('1500');
    // The SQL window opened last: its close button is the last one.
    await page.locator('.mantine-Modal-close').last().click();
    await sql.waitFor({ state: 'detached' });

    // Put back: the shared confirmation asks the main process what to type (RESTORE on development).
    await page.getByTestId('diff-put-back').click();
    const proceed = page.getByTestId('confirm-proceed');
    await proceed.waitFor();
    expect(await proceed.isDisabled()).toBe(true);
    await page.getByTestId('confirm-type').fill('RESTORE');
    await proceed.click();
    await expect
      .poll(async () => page.getByTestId('diff-count-removed').getAttribute('data-value'), { timeout: 20_000 })
      .toBe('0');
    expect(await sums()).toEqual(before);

    const audit = (await call('audit.list', { action: 'backups.diff.putBack' })) as Array<{ result: string }>;
    expect(audit.some((a) => a.result === 'succeeded')).toBe(true);
    // Closing drops the scratch copy.
    await modal.locator('.mantine-Modal-close').first().click();
    await expect
      .poll(
        async () => {
          const c = await rootConnection();
          try {
            const [r] = await c.query('SELECT COUNT(*) AS n FROM information_schema.SCHEMATA WHERE SCHEMA_NAME LIKE ?', [
              `${db.name}\\_\\_diff%`,
            ]);
            return (r as Array<{ n: number }>)[0]?.n;
          } finally {
            await c.end();
          }
        },
        { timeout: 10_000 },
      )
      .toBe(0);
    expect(bm.consoleErrors).toEqual([]);
  });
});
