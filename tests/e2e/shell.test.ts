import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dispatch } from '../../src/main/core/dispatch';
import type { Profile } from '../../src/shared/contract/index';
import { type BrowserMode, saveScreenshot, startBrowserMode } from '../fixtures/browserMode';

const NAV = ['overview', 'about', 'migrations', 'backups', 'mail', 'connections', 'jobs'];

let bm: BrowserMode;

async function createProfile(name: string, environment: 'development' | 'staging' | 'production'): Promise<Profile> {
  const r = await dispatch(
    bm.app.handlers,
    'profiles.create',
    {
      profile: {
        name,
        environment,
        mysql: { host: `${environment}.db.example`, port: 3306, user: 'sysndd', database: 'sysndd_db' },
      },
    },
    { door: 'test', actor: 'e2e' },
  );
  if (!r.ok) throw new Error(r.message);
  return r.value as Profile;
}

async function chooseProfile(name: string): Promise<void> {
  await bm.page.getByTestId('profile-switcher').click();
  await bm.page.getByRole('option', { name }).click();
}

/** Parses `rgb(r, g, b)` from getComputedStyle. */
async function bannerRgb(): Promise<[number, number, number]> {
  const css = await bm.page.getByTestId('environment-banner').evaluate((el) => getComputedStyle(el).backgroundColor);
  const [r, g, b] = (css.match(/\d+/g) ?? []).map(Number);
  return [r ?? -1, g ?? -1, b ?? -1];
}

beforeAll(async () => {
  bm = await startBrowserMode();
});

afterAll(async () => {
  await bm?.close();
});

describe('console shell in Chromium (browser mode)', () => {
  it('loads without console errors or CSP violations, removes the token from the address bar, shows the first-run state', async () => {
    const { page } = bm;
    await page.getByTestId('empty-no-profiles').waitFor();
    await expect.poll(() => page.evaluate(() => window.location.hash)).toBe('#/');
    expect(await page.getByTestId('empty-no-profiles').textContent()).toContain(
      'Create a connection profile or start a local sandbox',
    );
    // The console's internals are on About, not on the Overview; the keyring problem is one line with a link.
    expect(await page.getByTestId('page-overview').textContent()).not.toMatch(/This console|Event-loop|Node|demo job/i);
    await page.getByTestId('overview-keyring-notice').waitFor();
    await bm.screenshot('overview-first-run');
    await page.getByTestId('overview-keyring-fix').click();
    await expect.poll(() => page.evaluate(() => window.location.hash)).toBe('#/about');
    await page.getByTestId('about-system').waitFor();
    expect(await page.getByTestId('about-system-door').textContent()).toBe('browser');
    expect(await page.getByTestId('about-system-event-loop-delay').textContent()).toMatch(/p99 [\d.]+ ms/);
    expect(await page.getByTestId('about-secret-warning').textContent()).toContain('How to fix');
    expect(bm.consoleErrors).toEqual([]);
  });

  it('navigates to every section and screenshots each page', async () => {
    const { page } = bm;
    for (const path of NAV) {
      await page.getByTestId(`nav-${path}`).click();
      await page.getByTestId(`page-${path}`).waitFor();
      expect(await page.getByTestId(`nav-${path}`).getAttribute('data-active')).toBe('true');
      expect(await page.evaluate(() => window.location.hash)).toBe(`#/${path}`);
      await page.waitForTimeout(200);
      await bm.screenshot(`page-${path}`);
    }
    // Deep links work too (hash routing): reload on #/jobs stays on Jobs and the token survives in sessionStorage.
    await page.reload();
    await page.getByTestId('page-jobs').waitFor();
    expect(await page.getByTestId('jobs-empty').isVisible()).toBe(true);
    expect(bm.consoleErrors).toEqual([]);
  });

  it('shows a demo job live in the jobs drawer and cancels it', async () => {
    const { page } = bm;
    await page.getByTestId('nav-about').click();
    await page.getByTestId('about-run-demo').click();
    const drawer = page.getByTestId('jobs-drawer');
    await drawer.getByText('Demo job (100 steps)').waitFor();
    const card = drawer.locator('[data-testid^="job-"][data-state]').first();
    const jobId = (await card.getAttribute('data-testid'))!.slice('job-'.length);
    const bar = card.getByTestId('job-progress-bar');
    await expect.poll(async () => Number(await bar.getAttribute('data-percent')), { timeout: 10_000 }).toBeGreaterThan(5);
    const first = Number(await bar.getAttribute('data-percent'));
    await expect.poll(async () => Number(await bar.getAttribute('data-percent')), { timeout: 10_000 }).toBeGreaterThan(first);
    await card.getByTestId('job-eta').waitFor();
    expect(await card.getByTestId('job-eta').textContent()).toMatch(/^about .* left$/);
    expect(await page.getByTestId('jobs-drawer-toggle').getAttribute('data-running')).toBe('1');
    await bm.screenshot('jobs-drawer-running');

    await card.getByTestId(`job-cancel-${jobId}`).click();
    await expect.poll(() => card.getAttribute('data-state'), { timeout: 10_000 }).toBe('cancelled');
    expect(await page.getByTestId('jobs-drawer-toggle').getAttribute('data-running')).toBe('0');
    expect(bm.app.jobs.get(jobId).state).toBe('cancelled');
    await bm.screenshot('jobs-drawer-cancelled');
    await page.keyboard.press('Escape');
    await drawer.waitFor({ state: 'hidden' });
  });

  it('lists the job in the history table with filters and shows its log', async () => {
    const { page } = bm;
    await page.getByTestId('nav-jobs').click();
    const table = page.getByTestId('jobs-table');
    await table.waitFor();
    const row = table.locator('tr[data-state="cancelled"]').first();
    await row.waitFor();
    await row.click();
    const details = page.getByTestId('job-details');
    await details.getByTestId('job-log-line').first().waitFor();
    expect(await details.getByTestId('job-log').textContent()).toContain('Cancelled by request.');
    await bm.screenshot('jobs-details');
    await page.keyboard.press('Escape');

    await page.getByTestId('jobs-filter-state').click();
    await page.getByRole('option', { name: 'succeeded' }).click();
    await page.getByTestId('jobs-empty').waitFor();
    expect(await page.getByTestId('jobs-empty').textContent()).toContain('No job matches these filters');
    await page.getByTestId('jobs-filter-state').click();
    await page.getByRole('option', { name: 'cancelled' }).click();
    await expect.poll(() => table.locator('tbody tr').count()).toBe(1);
    await bm.screenshot('jobs-history');
  });

  it('makes a production profile unmistakable: red full-width banner with name and host; staging orange; development neutral', async () => {
    const { page } = bm;
    await createProfile('SysNDD live', 'production');
    await createProfile('SysNDD staging', 'staging');
    await createProfile('Laptop dev', 'development');
    // profiles.changed reaches the page over the WebSocket; development is picked automatically, production never.
    const banner = page.getByTestId('environment-banner');
    await banner.waitFor();
    expect(await banner.getAttribute('data-environment')).toBe('development');
    const [dr, dg, db] = await bannerRgb();
    expect(Math.max(dr, dg, db) - Math.min(dr, dg, db)).toBeLessThan(30);

    await chooseProfile('SysNDD live');
    await expect.poll(() => banner.getAttribute('data-environment')).toBe('production');
    const text = await banner.textContent();
    expect(text).toContain('PRODUCTION');
    expect(text).toContain('SysNDD live');
    expect(text).toContain('production.db.example:3306');
    const [r, g, b] = await bannerRgb();
    expect(r).toBeGreaterThan(180);
    expect(g).toBeLessThan(90);
    expect(b).toBeLessThan(90);
    const box = await banner.boundingBox();
    expect(box?.width).toBe(1280);
    await page.getByTestId('nav-overview').click();
    await bm.screenshot('production-banner');

    await chooseProfile('SysNDD staging');
    await expect.poll(() => banner.getAttribute('data-environment')).toBe('staging');
    const [sr, sg, sb] = await bannerRgb();
    expect(sr).toBeGreaterThan(200);
    expect(sg).toBeGreaterThan(80);
    expect(sg).toBeLessThan(160);
    expect(sb).toBeLessThan(60);

    // Picking the current profile again keeps it: the banner stays and no page falls back to "Choose a profile".
    await chooseProfile('SysNDD staging');
    expect(await page.getByTestId('profile-switcher').inputValue()).toBe('SysNDD staging');
    expect(await banner.getAttribute('data-environment')).toBe('staging');
    await page.getByTestId('nav-migrations').click();
    await page.getByTestId('page-migrations').waitFor();
    expect(await page.getByTestId('page-migrations').textContent()).not.toContain('Choose a profile');
    await page.getByTestId('nav-overview').click();
    expect(await page.getByTestId('overview-profile').textContent()).toContain('SysNDD staging');

    // The choice is remembered across a reload.
    await chooseProfile('SysNDD live');
    await page.reload();
    await page.getByTestId('environment-banner').waitFor();
    await expect.poll(() => page.getByTestId('environment-banner').getAttribute('data-environment')).toBe('production');
    expect(bm.consoleErrors).toEqual([]);
  });

  it('tells a visitor without the token how to get in, and the API refuses it', async () => {
    const context = await bm.browser.newContext({ viewport: { width: 1280, height: 800 }, reducedMotion: 'reduce' });
    const page = await context.newPage();
    await page.goto(bm.server.origin);
    await page.getByTestId('token-missing').waitFor();
    const status = await page.evaluate(
      async () =>
        (await fetch('/api/call/system.ping', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' }))
          .status,
    );
    expect(status).toBe(401);
    await saveScreenshot(page, 'token-missing');
    await context.close();
  });
});
