import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dispatch } from '../../src/main/core/dispatch';
import type { JobSnapshot, Profile } from '../../src/shared/contract/index';
import { type BrowserMode, startBrowserMode } from '../fixtures/browserMode';
import { createTestDatabase, mysqlInfo, rootConnection, type TestDatabase } from '../fixtures/mysql';
import { migrationsFolder } from '../integration/migrations/helpers';

/**
 * The shared DataTable in Chromium (issue 15, "Cut-off and misleading display"; issue 13, one table):
 * the key cells show their whole text (or carry it as a title), rows are compact by default and the
 * choice is remembered, and sort, filter and drag-resize work. The data is real: a backup of a test
 * MariaDB with a long label, verified with a test restore, a long plain dump's name, a refused delete.
 */
let bm: BrowserMode;
let db: TestDatabase;
let backupDir: string;
let migrations: string;
let profile: Profile;
let ours: string;
const LONG_LABEL = 'ux-first-steps-of-a-new-colleague';
const FOREIGN = 'sysndd_production_20261125T091500Z_pre-restore-before-the-big-import.sql';

async function call<T>(name: string, args: unknown): Promise<T> {
  const r = await dispatch(bm.app.handlers, name, args, { door: 'test', actor: 'e2e' });
  if (!r.ok) throw new Error(`${name}: ${r.message}`);
  return r.value as T;
}

async function finished(job: JobSnapshot): Promise<JobSnapshot> {
  const done = await bm.app.jobs.wait(job.id, 120_000);
  if (done.state !== 'succeeded') throw new Error(`job ${job.title} ended ${done.state}: ${done.error?.message}`);
  return done;
}

beforeAll(async () => {
  db = await createTestDatabase('tables_e2e');
  const c = await rootConnection({ database: db.name });
  await c.query('CREATE TABLE gene (id INT PRIMARY KEY, symbol VARCHAR(20))');
  await c.query("INSERT INTO gene VALUES (1, 'ARID1B'), (2, 'MECP2'), (3, 'SCN2A')");
  await c.end();
  backupDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tables-e2e-'));
  fs.writeFileSync(path.join(backupDir, FOREIGN), 'CREATE TABLE t (a int);\n-- Dump completed on 2026-01-01\n');
  migrations = migrationsFolder({ '001_create_note.sql': 'CREATE TABLE note (id INT PRIMARY KEY);\n' });
  bm = await startBrowserMode();
  const info = mysqlInfo();
  profile = await call<Profile>('profiles.create', {
    profile: {
      name: 'Tables',
      environment: 'development',
      localBackupDir: backupDir,
      migrationsDir: migrations,
      mysql: { host: info.host, port: info.port, user: info.user, database: db.name },
    },
    secrets: { 'mysql.password': info.password },
  });
  const created = await finished(
    await call<JobSnapshot>('backups.create', { profileId: profile.id, options: { label: LONG_LABEL } }),
  );
  ours = path.basename(String((created.result as { path?: string } | undefined)?.path ?? ''));
  await finished(await call<JobSnapshot>('backups.verify', { profileId: profile.id, name: ours, scratchRestore: true }));
  // A refused delete: an audit row whose target is the long name.
  const refused = await dispatch(
    bm.app.handlers,
    'backups.delete',
    { profileId: profile.id, name: FOREIGN },
    { door: 'test', actor: 'e2e' },
  );
  if (refused.ok) throw new Error('the delete was not refused');
});

afterAll(async () => {
  await bm?.close();
  await db?.drop();
  for (const dir of [backupDir, migrations]) if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

/**
 * Every matching element shows its whole text: nothing overflows its box, or the element (or a child)
 * carries the full text as its title. Returns the offenders, so a failure names them.
 */
async function cutOff(scope: Locator, selector: string): Promise<string[]> {
  return scope.locator(selector).evaluateAll((els) => {
    const norm = (s: string | null | undefined) => (s ?? '').replace(/\s+/g, ' ').trim();
    return els
      .filter((el) => {
        const clipped = [el, ...el.querySelectorAll('*')].some(
          (e) => getComputedStyle(e).overflow !== 'visible' && e.scrollWidth > e.clientWidth + 1,
        );
        if (!clipped) return false;
        const title = el.closest('[title]')?.getAttribute('title') ?? el.querySelector('[title]')?.getAttribute('title');
        return !(title && norm(title) === norm(el.textContent));
      })
      .map((el) => `${el.getAttribute('data-testid') ?? el.tagName}: ${el.textContent}`);
  });
}

async function columnWidth(page: Page, table: string, column: string): Promise<number> {
  return page
    .getByTestId(`${table}-table`)
    .locator(`th[data-column-id="${column}"]`)
    .evaluate((th) => Math.round(th.getBoundingClientRect().width));
}

async function rowHeight(table: Locator): Promise<number> {
  return table
    .locator('tr[data-index]')
    .first()
    .evaluate((tr) => Math.round(tr.getBoundingClientRect().height));
}

describe('Backups table', () => {
  it('shows names, badges and dates whole, in compact rows by default', async () => {
    const { page } = bm;
    await page.getByTestId('nav-backups').click();
    const table = page.getByTestId('backups-table');
    await expect.poll(() => table.getAttribute('data-count'), { timeout: 30_000 }).toBe('2');
    expect(await table.getAttribute('data-density')).toBe('compact');
    expect(await rowHeight(table)).toBe(28);

    const row = page.locator(`[data-testid="backup-row"][data-name="${ours}"]`);
    expect(await row.getByTestId('backup-verified').textContent()).toBe('restore-tested');
    // Badges and dates are never cut; names are either whole or middle-ellipsized with the full name as title.
    expect(await cutOff(table, '[data-testid="backup-verified"] .mantine-Badge-label')).toEqual([]);
    expect(await cutOff(table, '[data-testid="backup-status"] .mantine-Badge-label')).toEqual([]);
    expect(await cutOff(table, '[data-testid="backup-location"] .mantine-Badge-label')).toEqual([]);
    expect(await cutOff(table, '[data-testid="date-cell"]')).toEqual([]);
    expect(await cutOff(table, 'td')).toEqual([]);
    for (const name of [ours, FOREIGN]) {
      const cell = page.locator(`[data-testid="backup-row"][data-name="${name}"]`).getByTestId('backup-name');
      expect(await cell.getAttribute('title')).toBe(name);
      // The end of the name (label and extension) is visible even when the middle is cut.
      const tailVisible = await cell.evaluate((el) => {
        const tail = el.lastElementChild as HTMLElement;
        const td = el.closest('td') as HTMLElement;
        return tail.getBoundingClientRect().right <= td.getBoundingClientRect().right + 1;
      });
      expect(tailVisible).toBe(true);
    }
    // The date is one line: as tall as a row's single line of text.
    const dateLines = await table
      .getByTestId('date-cell')
      .first()
      .evaluate((el) => el.getClientRects().length);
    expect(dateLines).toBe(1);
    // The name column header reads whole.
    expect(await cutOff(table, 'th[data-column-id="name"]')).toEqual([]);
    await bm.screenshot('tables-backups-compact');
    expect(bm.consoleErrors).toEqual([]);
  });

  it('shows a hidden column from the Columns menu, and hides it again', async () => {
    const { page } = bm;
    const header = page.getByTestId('backups-table').locator('th[data-column-id="schema"]');
    expect(await header.count()).toBe(0);
    await page.getByTestId('backups-columns').click();
    await page.getByTestId('backups-column-schema').check();
    await header.waitFor();
    await page.getByTestId('backups-column-schema').uncheck();
    await header.waitFor({ state: 'detached' });
    await page.keyboard.press('Escape');
  });

  it('resizes a column by drag, by keyboard, and fits it to its content again on double-click', async () => {
    const { page } = bm;
    await page.getByTestId('backups-columns').click();
    await page.getByTestId('backups-column-schema').check();
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByTestId('backups-table').getAttribute('data-measuring')).toBeNull();
    const before = await columnWidth(page, 'backups', 'schema');
    const handle = page.getByTestId('backups-resize-schema');
    await handle.scrollIntoViewIfNeeded();
    const box = await handle.boundingBox();
    if (!box) throw new Error('no resize handle');
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width / 2 + 120, box.y + box.height / 2, { steps: 5 });
    await page.mouse.up();
    expect(await columnWidth(page, 'backups', 'schema')).toBe(before + 120);
    await handle.focus();
    await page.keyboard.press('ArrowLeft');
    expect(await columnWidth(page, 'backups', 'schema')).toBe(before + 104);
    await handle.dblclick();
    expect(await columnWidth(page, 'backups', 'schema')).toBe(before);
    // A badge column stops at its content: "restore-tested" is never dragged into "RESTORE-TE…".
    const verified = await columnWidth(page, 'backups', 'verified');
    const vHandle = page.getByTestId('backups-resize-verified');
    await vHandle.scrollIntoViewIfNeeded();
    const vBox = await vHandle.boundingBox();
    if (!vBox) throw new Error('no resize handle');
    await page.mouse.move(vBox.x + 3, vBox.y + 5);
    await page.mouse.down();
    await page.mouse.move(vBox.x - 150, vBox.y + 5, { steps: 5 });
    await page.mouse.up();
    expect(await columnWidth(page, 'backups', 'verified')).toBe(verified);
    expect(await cutOff(page.getByTestId('backups-table'), '[data-testid="backup-verified"] .mantine-Badge-label')).toEqual([]);
    await page.getByTestId('backups-columns').click();
    await page.getByTestId('backups-column-schema').uncheck();
    await page.keyboard.press('Escape');
  });

  it('sorts by a header click', async () => {
    const { page } = bm;
    const names = () =>
      page.locator('[data-testid="backup-row"]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-name')));
    await page.getByTestId('backups-sort-name').click();
    await expect.poll(names).toEqual([ours, FOREIGN].sort());
    expect(await page.locator('th[data-column-id="name"]').getAttribute('aria-sort')).toBe('ascending');
    await page.getByTestId('backups-sort-name').click();
    await expect.poll(names).toEqual([ours, FOREIGN].sort().reverse());
    expect(await page.locator('th[data-column-id="name"]').getAttribute('aria-sort')).toBe('descending');
  });

  it('shows a keyboard-focused row whole: ↓ moves between rows and unwraps their cut values', async () => {
    const { page } = bm;
    const table = page.getByTestId('backups-table');
    await table.locator('tr[data-index="0"] [data-testid="date-cell"]').click();
    await page.keyboard.press('ArrowDown');
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-index'))).toBe('1');
    const focused = table.locator('tr[data-index="1"]');
    const whole = await focused.getByTestId('backup-name').evaluate((el) => {
      const head = el.firstElementChild as HTMLElement;
      return { whiteSpace: getComputedStyle(el).whiteSpace, overflow: getComputedStyle(head).overflow };
    });
    expect(whole).toEqual({ whiteSpace: 'normal', overflow: 'visible' });
    // The row the mouse left is back to one line.
    expect(await rowHeight(table)).toBe(28);
    await page.keyboard.press('ArrowUp');
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-index'))).toBe('0');
  });

  it('remembers comfortable rows for every table, and compact again', async () => {
    const { page } = bm;
    await page.getByTestId('table-density').getByText('Comfortable').click();
    const table = page.getByTestId('backups-table');
    await expect.poll(() => table.getAttribute('data-density')).toBe('comfortable');
    expect(await rowHeight(table)).toBe(40);
    await bm.screenshot('tables-backups-comfortable');
    await page.reload();
    await page.getByTestId('navbar').waitFor();
    await page.getByTestId('nav-jobs').click();
    await expect.poll(() => page.getByTestId('jobs-table').getAttribute('data-density')).toBe('comfortable');
    await page.getByTestId('table-density').getByText('Compact').click();
    await expect.poll(() => page.getByTestId('jobs-table').getAttribute('data-density')).toBe('compact');
  });
});

describe('Jobs and Audit tables', () => {
  it('shows state badges and dates whole; the quick filter and sort work', async () => {
    const { page } = bm;
    await page.getByTestId('nav-jobs').click();
    const table = page.getByTestId('jobs-table');
    await expect.poll(() => table.getAttribute('data-count')).toBe('2');
    expect(await table.locator('[data-testid="job-state"]').allTextContents()).toEqual(['succeeded', 'succeeded']);
    expect(await cutOff(table, '[data-testid="job-state"] .mantine-Badge-label')).toEqual([]);
    expect(await cutOff(table, 'td')).toEqual([]);
    expect(await rowHeight(table)).toBe(28);
    await bm.screenshot('tables-jobs');

    const titles = () => table.locator('tr[data-index]').evaluateAll((rows) => rows.map((r) => r.textContent ?? ''));
    await page.getByTestId('jobs-sort-title').click();
    await expect.poll(async () => (await titles())[0]).toMatch(/^.*Backup of/);
    await page.getByTestId('jobs-sort-title').click();
    await expect.poll(async () => (await titles())[0]).toMatch(/Verify/);
    await page.getByTestId('jobs-filter-text').fill('verify');
    await expect.poll(() => table.getAttribute('data-count')).toBe('1');
    await page.getByTestId('jobs-filter-text').fill('no such job anywhere');
    await expect.poll(() => table.getAttribute('data-count')).toBe('0');
    await page.getByTestId('jobs-no-match').waitFor();
    await page.getByTestId('jobs-filter-text').fill('');
    await expect.poll(() => table.getAttribute('data-count')).toBe('2');
  });

  it('audit: the refused delete with its long target, result badge whole', async () => {
    const { page } = bm;
    await page.getByTestId('nav-audit').click();
    const table = page.getByTestId('audit-table');
    await expect.poll(() => table.getAttribute('data-count')).toBe('1');
    const row = table.locator('tr[data-action="backups.delete"]');
    expect(await row.getAttribute('data-result')).toBe('refused');
    expect(await cutOff(table, '[data-testid="audit-result"] .mantine-Badge-label')).toEqual([]);
    expect(await cutOff(table, 'td')).toEqual([]);
    expect(await row.textContent()).toContain('pre-restore-before-the-big-import.sql');
    await page.getByTestId('audit-filter-text').fill('big-import');
    await expect.poll(() => table.getAttribute('data-count')).toBe('1');
    await page.getByTestId('audit-filter-text').fill('');
    await bm.screenshot('tables-audit');
    expect(bm.consoleErrors).toEqual([]);
  });
});

describe('Backups table at 1280 px', () => {
  it('fits the window without a sideways scroll; name, verified badge and date whole or titled', async () => {
    const { page } = bm;
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.getByTestId('nav-backups').click();
    const table = page.getByTestId('backups-table');
    await expect.poll(() => table.getAttribute('data-count'), { timeout: 30_000 }).toBe('2');
    await expect.poll(() => table.getAttribute('data-measuring')).toBeNull();
    const box = await table.evaluate((el) => ({
      scrollWidth: el.scrollWidth,
      clientWidth: el.clientWidth,
      columns: [...el.querySelectorAll<HTMLElement>('th[data-column-id]')].map(
        (th) => `${th.dataset.columnId}=${Math.round(th.getBoundingClientRect().width)}`,
      ),
    }));
    expect(box.scrollWidth, `columns: ${box.columns.join(' ')}`).toBeLessThanOrEqual(box.clientWidth);
    expect(await cutOff(table, '[data-testid="backup-name"]')).toEqual([]);
    expect(await cutOff(table, '[data-testid="backup-verified"] .mantine-Badge-label')).toEqual([]);
    expect(await cutOff(table, '[data-testid="date-cell"]')).toEqual([]);
    expect(await cutOff(table, 'td')).toEqual([]);
    await bm.screenshot('tables-backups-1280');
    expect(bm.consoleErrors).toEqual([]);
  });
});

describe('Narrow window', () => {
  it('keeps the lock card button, badges and dates whole at 900 px', async () => {
    const { page } = bm;
    await page.setViewportSize({ width: 900, height: 800 });
    await page.getByTestId('nav-migrations').click();
    const lock = page.getByTestId('lock-card');
    await lock.waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('lock-refresh').textContent()).toBe('Check');
    expect(await cutOff(lock, '[data-testid="lock-refresh"], [data-testid="lock-refresh"] *')).toEqual([]);
    await page.getByTestId('nav-backups').click();
    const table = page.getByTestId('backups-table');
    await expect.poll(() => table.getAttribute('data-count'), { timeout: 30_000 }).toBe('2');
    expect(await cutOff(table, '.mantine-Badge-label')).toEqual([]);
    expect(await cutOff(table, 'td')).toEqual([]);
    await bm.screenshot('tables-backups-narrow');
    await page.setViewportSize({ width: 1280, height: 800 });
    expect(bm.consoleErrors).toEqual([]);
  });
});
