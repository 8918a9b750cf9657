import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MariaDbServer } from '../../src/main/features/sandbox/MariaDbServer';
import { type BrowserMode, startBrowserMode } from '../fixtures/browserMode';

let bm: BrowserMode;
let home: string;
const savedHome = process.env.SYSNDD_ADMIN_HOME;

beforeAll(async () => {
  // Everything the sandbox writes (datadir, socket, pid file) stays in this temp app home.
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'sysndd-e2e-sandbox-'));
  process.env.SYSNDD_ADMIN_HOME = home;
  bm = await startBrowserMode({ home });
});

afterAll(async () => {
  try {
    // Stop through the app first (closes its pools), then by the pid file in case the app never knew the
    // server (a failed assertion mid-start): no mariadbd may outlive the test.
    await bm?.app.sandbox.stop().catch(() => {});
    await bm?.close();
  } finally {
    await new MariaDbServer({ baseDir: path.join(home, 'sandbox'), rootPassword: '' }).stop(2_000).catch(() => {});
    fs.rmSync(home, { recursive: true, force: true });
    if (savedHome === undefined) delete process.env.SYSNDD_ADMIN_HOME;
    else process.env.SYSNDD_ADMIN_HOME = savedHome;
  }
});

describe('local sandbox in the UI (browser mode, real mariadbd)', () => {
  it('explains what to install when the MariaDB server binaries are missing', async () => {
    const { page } = bm;
    const empty = fs.mkdtempSync(path.join(home, 'no-mariadb-'));
    const saved = process.env.SYSNDD_ADMIN_MARIADB_BIN;
    const savedMySql = process.env.SYSNDD_ADMIN_MYSQLD_BIN;
    // With the override only that (empty) folder is searched, exactly like a machine without the package;
    // a mysqld override that does not exist hides the MySQL fixture the same way.
    process.env.SYSNDD_ADMIN_MARIADB_BIN = empty;
    process.env.SYSNDD_ADMIN_MYSQLD_BIN = path.join(empty, 'mysqld');
    try {
      await page.reload();
      const panel = page.getByTestId('empty-no-profiles').getByTestId('sandbox-panel');
      await panel.getByTestId('sandbox-unavailable').waitFor();
      expect(await panel.getByTestId('sandbox-unavailable').textContent()).toContain('apt-get install mariadb-server');
      expect(await panel.getByTestId('sandbox-start').count()).toBe(0);
      await bm.screenshot('sandbox-unavailable');
    } finally {
      if (saved === undefined) delete process.env.SYSNDD_ADMIN_MARIADB_BIN;
      else process.env.SYSNDD_ADMIN_MARIADB_BIN = saved;
      if (savedMySql === undefined) delete process.env.SYSNDD_ADMIN_MYSQLD_BIN;
      else process.env.SYSNDD_ADMIN_MYSQLD_BIN = savedMySql;
    }
    await page.reload();
  });

  it('starts the sandbox from the first-run state, follows the job, selects its profile, then stops it', async () => {
    const { page } = bm;
    const panel = page.getByTestId('empty-no-profiles').getByTestId('sandbox-panel');
    await panel.getByTestId('sandbox-status').waitFor();
    expect(await panel.getByTestId('sandbox-status').getAttribute('data-running')).toBe('false');
    expect(await panel.textContent()).toContain(path.join(home, 'sandbox'));

    // Both engines are offered (the MySQL fixture is installed); MariaDB is the default on a fresh machine.
    expect(await panel.getByTestId('sandbox-engine-mariadb').textContent()).toContain('MariaDB');
    expect(await panel.getByTestId('sandbox-engine-mysql').textContent()).toContain('MySQL');
    expect(await panel.getByTestId('sandbox-status').textContent()).toContain('MariaDB · Not created yet.');

    await panel.getByTestId('sandbox-start').click();
    // The start is a job: JobProgress (bar, stage, cancel) shows it while it runs, on the first-run panel,
    // and the status line follows it (issue 15: it said "stopped · Not created yet" the whole time). Both are
    // read in one go from the page, so they come from the same render.
    const seen = await (
      await page.waitForFunction(
        () => {
          const root = document.querySelector('[data-testid="empty-no-profiles"] [data-testid="sandbox-panel"]');
          const line = root?.querySelector<HTMLElement>('[data-testid="sandbox-status"]');
          if (!root?.querySelector('[data-testid="job-progress-bar"]')) return null;
          return { state: line?.dataset.state ?? null, text: line?.textContent ?? '' };
        },
        undefined,
        { timeout: 15_000 },
      )
    ).jsonValue();
    expect(seen?.state).toBe('starting');
    expect(seen?.text).toMatch(/^startingMariaDB · .+…/);
    expect(seen?.text).not.toContain('Not created yet');
    await panel.getByTestId('job-progress-bar').waitFor();
    const jobBox = panel.locator('[data-testid^="job-"][data-state]');
    const jobId = (await jobBox.getAttribute('data-testid'))?.replace(/^job-/, '') ?? '';
    expect(bm.app.jobs.get(jobId)).toMatchObject({ kind: 'sandbox' });
    await bm.screenshot('sandbox-starting');

    // Done: the panel reports it running, the first-run state gives way, the new profile is selected.
    await expect.poll(() => bm.app.jobs.get(jobId).state, { timeout: 120_000, interval: 250 }).not.toMatch(/queued|running/);
    expect(bm.app.jobs.get(jobId)).toMatchObject({ state: 'succeeded', error: null });
    await page.getByTestId('empty-no-profiles').waitFor({ state: 'detached', timeout: 15_000 });
    await expect.poll(() => page.getByTestId('profile-switcher').inputValue(), { timeout: 15_000 }).toBe('Local sandbox');
    const profile = bm.app.profiles.findByName('Local sandbox');
    const status = bm.app.sandbox.status();
    expect(status).toMatchObject({ running: true, profileId: profile?.id });
    expect(profile).toMatchObject({ environment: 'development', mysql: { host: '127.0.0.1', port: status.port } });

    // On Connections the profile is listed and selected, and it really connects.
    await page.getByTestId('nav-connections').click();
    await page.locator('[data-name="Local sandbox"]').waitFor();
    const details = page.getByTestId('connections-details');
    expect(await details.getAttribute('data-profile')).toBe('Local sandbox');
    await page.getByTestId('connection-test-button').click();
    await expect.poll(() => page.getByTestId('test-report').getAttribute('data-ok'), { timeout: 30_000 }).toBe('true');
    const pagePanel = page.getByTestId('sandbox-panel');
    expect(await pagePanel.getByTestId('sandbox-status').getAttribute('data-running')).toBe('true');
    expect(await pagePanel.getByTestId('sandbox-status').textContent()).toContain(`127.0.0.1:${status.port}`);
    await bm.screenshot('sandbox-running');

    // A backup of the sandbox: its details drawer names the source engine and version from the catalog.
    const backup = await bm.app.backups.createBackup(profile?.id ?? '', {}, {});
    await page.getByTestId('nav-backups').click();
    const row = page.locator(`[data-testid="backup-row"][data-name="${path.basename(backup.path)}"]`);
    await row.waitFor({ timeout: 20_000 });
    await row.getByTestId('backup-actions').click();
    await page.getByTestId('backup-action-details').click();
    const drawer = page.getByTestId('backup-details');
    await drawer.getByTestId('backup-detail-server').waitFor();
    expect(await drawer.getByTestId('backup-detail-engine').textContent()).toBe(
      `from MariaDB ${backup.manifest.source.serverVersion}`,
    );
    expect(await drawer.getByTestId('backup-detail-server').textContent()).toBe(
      `MariaDB ${backup.manifest.source.serverVersion}`,
    );
    await page.keyboard.press('Escape');
    await page.getByTestId('nav-connections').click();
    await pagePanel.getByTestId('sandbox-stop').waitFor();

    await pagePanel.getByTestId('sandbox-stop').click();
    await expect
      .poll(() => pagePanel.getByTestId('sandbox-status').getAttribute('data-running'), { timeout: 30_000 })
      .toBe('false');
    expect(bm.app.sandbox.status()).toMatchObject({ running: false, pid: null, profileId: profile?.id });
    // The data and the profile stay; Start is offered again.
    expect(await pagePanel.getByTestId('sandbox-start').isEnabled()).toBe(true);
    expect(bm.app.profiles.findByName('Local sandbox')).not.toBeNull();

    // Started and stopped through another door (here the app itself, as a second window would): the panel
    // follows the job and the sandbox events without a reload.
    const other = await bm.app.sandbox.start({ engine: 'mariadb' });
    await expect
      .poll(() => pagePanel.getByTestId('sandbox-status').getAttribute('data-state'), { timeout: 15_000, interval: 50 })
      .toMatch(/starting|running/);
    await expect.poll(() => bm.app.jobs.get(other.id).state, { timeout: 120_000, interval: 250 }).toBe('succeeded');
    await expect
      .poll(() => pagePanel.getByTestId('sandbox-status').getAttribute('data-state'), { timeout: 15_000 })
      .toBe('running');
    await bm.app.sandbox.stop({ engine: 'mariadb' });
    await expect
      .poll(() => pagePanel.getByTestId('sandbox-status').getAttribute('data-state'), { timeout: 15_000 })
      .toBe('stopped');
    expect(await pagePanel.getByTestId('sandbox-status').textContent()).toContain('Data and profile are kept');

    // The sandbox's password is its own (kept in its folder): no "not kept" note on its profile. A profile
    // with a typed password in this keyring-less (memory) store says it lasts until the app closes.
    expect(await details.getAttribute('data-profile')).toBe('Local sandbox');
    expect(await page.getByTestId('profile-secrets-not-kept').count()).toBe(0);
    await bm.app.profiles.create(
      { name: 'typed password', mysql: { host: '127.0.0.1', port: 3306, user: 'someone' } },
      { 'mysql.password': 'typed-secret' },
    );
    await page.locator('[data-name="typed password"]').click();
    await expect.poll(() => details.getAttribute('data-profile'), { timeout: 15_000 }).toBe('typed password');
    const note = page.getByTestId('profile-secrets-not-kept');
    await note.waitFor();
    expect(await note.textContent()).toMatch(/until the app closes.*MYSQL_PWD/);
    expect(bm.consoleErrors).toEqual([]);
  });
});
