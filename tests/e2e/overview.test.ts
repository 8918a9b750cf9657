import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dispatch } from '../../src/main/core/dispatch';
import type { CaptureStatus, JobSnapshot, Profile } from '../../src/shared/contract/index';
import { type BrowserMode, startBrowserMode } from '../fixtures/browserMode';
import { createTestDatabase, mysqlInfo, type TestDatabase } from '../fixtures/mysql';
import { closedPort, writeForeignDump } from '../integration/health/helpers';
import { migrationsFolder } from '../integration/migrations/helpers';

let bm: BrowserMode;
let ready: TestDatabase;
let pending: TestDatabase;
let dir: string;
let tmp: string;
let pendingProfile: Profile;

async function call<T>(name: string, args: unknown): Promise<T> {
  const r = await dispatch(bm.app.handlers, name, args, { door: 'test', actor: 'e2e' });
  if (!r.ok) throw new Error(`${name}: ${r.message}`);
  return r.value as T;
}

async function finished(job: JobSnapshot): Promise<JobSnapshot> {
  let s = job;
  while (!s.finishedAt) s = await call<JobSnapshot>('jobs.wait', { id: job.id, timeoutMs: 30_000 });
  return s;
}

async function createProfile(name: string, database: string, extra: Record<string, unknown> = {}, port?: number) {
  const info = mysqlInfo();
  return call<Profile>('profiles.create', {
    profile: {
      name,
      environment: 'development',
      migrationsDir: dir,
      mysql: { host: info.host, port: port ?? info.port, user: info.user, database },
      ...extra,
    },
    secrets: { 'mysql.password': info.password },
  });
}

async function chooseProfile(name: string): Promise<void> {
  // Clicking the selected option again would deselect it (Mantine's Select); the first profile is preselected.
  await expect.poll(() => bm.page.getByTestId('profile-switcher').isDisabled()).toBe(false);
  if ((await bm.page.getByTestId('profile-switcher').inputValue()) === name) return;
  await bm.page.getByTestId('profile-switcher').click();
  await bm.page.getByRole('option', { name }).click();
}

const row = (id: string) => bm.page.getByTestId(`readiness-row-${id}`);
const rowStatus = (id: string) => row(id).getAttribute('data-status');
const verdict = () => bm.page.getByTestId('readiness-verdict');

/** Screenshots wait for the check in flight (a remount or a click starts one) to finish. */
async function settledScreenshot(name: string): Promise<void> {
  await expect.poll(() => bm.page.getByTestId('readiness-loading').count(), { timeout: 20_000 }).toBe(0);
  await bm.screenshot(name);
}

beforeAll(async () => {
  [ready, pending] = await Promise.all([createTestDatabase('ov_ready'), createTestDatabase('ov_pending')]);
  dir = migrationsFolder({ '001_gene.sql': 'CREATE TABLE gene (id INT PRIMARY KEY, symbol VARCHAR(20));\n' });
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ov-e2e-'));
  bm = await startBrowserMode();
  const capture = await call<CaptureStatus>('mail.capture.start', { smtpPort: 0, httpPort: 0 });
  // "a ready": migrations applied, a fresh backup, SMTP and Mailpit (the built-in capture serves both).
  const a = await createProfile('a ready', ready.name, {
    localBackupDir: path.join(tmp, 'ready'),
    smtp: { host: '127.0.0.1', port: capture.smtpPort, security: 'none', from: 'noreply@sysndd.test' },
    mailpit: { url: capture.url },
  });
  expect((await finished(await call<JobSnapshot>('migrations.migrate', { profileId: a.id }))).state).toBe('succeeded');
  const backup = await call<JobSnapshot>('backups.create', { profileId: a.id, options: { checksums: false } });
  expect((await finished(backup)).state).toBe('succeeded');
  // "b pending": a pending migration (fail), a two-day-old nightly dump (warn), Mailpit down (warn).
  writeForeignDump(path.join(tmp, 'old'), 'sysndd_nightly.sql', pending.name, 50);
  pendingProfile = await createProfile('b pending', pending.name, {
    localBackupDir: path.join(tmp, 'old'),
    mailpit: { url: `http://127.0.0.1:${await closedPort()}/` },
  });
  // "c unreachable": nothing listens on its port.
  await createProfile('c unreachable', pending.name, {}, await closedPort());
});

afterAll(async () => {
  await bm?.close();
  await Promise.all([ready?.drop(), pending?.drop()]);
  for (const d of [dir, tmp]) if (d) fs.rmSync(d, { recursive: true, force: true });
});

describe('Overview readiness (browser mode, real MariaDB)', () => {
  it('shows a ready profile: every row ok, no fix links', async () => {
    const { page } = bm;
    await chooseProfile('a ready');
    await page.getByTestId('nav-overview').click();
    await expect.poll(() => verdict().getAttribute('data-status'), { timeout: 30_000 }).toBe('ok');
    expect(await verdict().textContent()).toBe('Ready');
    for (const id of ['database', 'server', 'pool', 'migrations.pending', 'backups.age', 'smtp', 'mailpit'])
      expect(await rowStatus(id)).toBe('ok');
    expect(await rowStatus('tunnel')).toBe('skipped');
    expect(await page.locator('[data-testid^="readiness-fix-"]').count()).toBe(0);
    // Nothing to do: no "what to do first"; the readiness table comes first on the page, internals live on About.
    expect(await page.getByTestId('readiness-first').count()).toBe(0);
    expect(await page.getByTestId('page-overview').textContent()).not.toMatch(/This console|Event-loop|warning\(s\)|Fix on/);
    const [tableTop, profileTop] = await Promise.all(
      ['readiness-panel', 'overview-profile'].map(async (id) => (await page.getByTestId(id).boundingBox())?.y ?? -1),
    );
    expect(tableTop).toBeLessThan(profileTop ?? 0);
    expect(await row('database').locator('svg[aria-label="ok"]').count()).toBe(1);
    await settledScreenshot('overview-ready');
  });

  it('shows failing and warning rows of a not-ready profile, each linking the page that fixes it', async () => {
    const { page } = bm;
    await chooseProfile('b pending');
    await expect.poll(() => verdict().getAttribute('data-ready'), { timeout: 30_000 }).toBe('false');
    expect(await verdict().textContent()).toBe('Not ready');
    expect(await rowStatus('migrations.pending')).toBe('fail');
    expect(await row('migrations.pending').getByTestId('readiness-summary').textContent()).toContain(
      '1 pending file: 001_gene.sql',
    );
    expect(await row('migrations.pending').locator('svg[aria-label="failing"]').count()).toBe(1);
    expect(await rowStatus('backups.age')).toBe('warn');
    expect(await row('backups.age').getByTestId('readiness-summary').textContent()).toContain('(over 26 h)');
    expect(await row('backups.age').locator('svg[aria-label="warning"]').count()).toBe(1);
    expect(await rowStatus('mailpit')).toBe('warn');
    expect(await rowStatus('smtp')).toBe('skipped');
    // What to do first: the failing check (not a warning), with the page that fixes it.
    const first = page.getByTestId('readiness-first');
    expect(await first.getAttribute('data-check')).toBe('migrations.pending');
    expect(await first.textContent()).toContain('Then 2 more items');
    expect(await page.getByTestId('readiness-checked-at').textContent()).toMatch(/\b2 warnings\b/);
    await settledScreenshot('overview-not-ready');
    await first.getByTestId('readiness-first-fix').click();
    await expect.poll(() => page.evaluate(() => window.location.hash)).toBe('#/migrations');
    await page.getByTestId('nav-overview').click();

    await page.getByTestId('readiness-fix-migrations.pending').click();
    await expect.poll(() => page.evaluate(() => window.location.hash)).toBe('#/migrations');
    await page.getByTestId('nav-overview').click();
    await page.getByTestId('readiness-fix-backups.age').click();
    await expect.poll(() => page.evaluate(() => window.location.hash)).toBe('#/backups');
    await page.getByTestId('nav-overview').click();
    await page.getByTestId('readiness-fix-mailpit').click();
    await expect.poll(() => page.evaluate(() => window.location.hash)).toBe('#/mail');
  });

  it('raising the backup age limit turns the warning into ok', async () => {
    const { page } = bm;
    await page.getByTestId('nav-overview').click();
    await page.getByTestId('readiness-max-age').fill('72');
    await expect.poll(() => rowStatus('backups.age'), { timeout: 20_000 }).toBe('ok');
    await page.getByTestId('readiness-max-age').fill('26');
    await expect.poll(() => rowStatus('backups.age'), { timeout: 20_000 }).toBe('warn');
  });

  it('re-checks when a migrate job of the profile ends, and on "Check now"', async () => {
    const { page } = bm;
    const job = await call<JobSnapshot>('migrations.migrate', { profileId: pendingProfile.id });
    expect((await finished(job)).state).toBe('succeeded');
    await expect.poll(() => rowStatus('migrations.pending'), { timeout: 20_000 }).toBe('ok');
    // With only warnings left the profile is ready.
    expect(await verdict().getAttribute('data-ready')).toBe('true');
    expect(await verdict().textContent()).toBe('Ready, with warnings');
    const before = await page.getByTestId('readiness-checked-at').getAttribute('data-checked-at');
    await page.getByTestId('readiness-auto').click();
    expect(await page.getByTestId('readiness-auto').isChecked()).toBe(false);
    await page.getByTestId('readiness-refresh').click();
    await expect
      .poll(() => page.getByTestId('readiness-checked-at').getAttribute('data-checked-at'), { timeout: 20_000 })
      .not.toBe(before);
    await settledScreenshot('overview-warnings');
  });

  it('shows an unreachable host: the database row fails, rows that need it are skipped', async () => {
    const { page } = bm;
    await chooseProfile('c unreachable');
    await expect.poll(() => rowStatus('database'), { timeout: 30_000 }).toBe('fail');
    expect(await row('database').getByTestId('readiness-summary').textContent()).toContain('connection refused');
    for (const id of ['server', 'pool', 'migrations.pending', 'migrations.lock']) expect(await rowStatus(id)).toBe('skipped');
    expect(await verdict().textContent()).toBe('Not ready');
    await page.getByTestId('readiness-fix-database').click();
    await expect.poll(() => page.evaluate(() => window.location.hash)).toBe('#/connections');
    await page.getByTestId('nav-overview').click();
    await expect.poll(() => rowStatus('database'), { timeout: 30_000 }).toBe('fail');
    await settledScreenshot('overview-unreachable');
    expect(bm.consoleErrors).toEqual([]);
  });
});
