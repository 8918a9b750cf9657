import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createTransport } from 'nodemailer';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dispatch } from '../../src/main/core/dispatch';
import { MariaDbServer } from '../../src/main/features/sandbox/MariaDbServer';
import type { CreateBackupResult, JobSnapshot, MailTemplateInfo, Profile, RenderedMail } from '../../src/shared/contract/index';
import type { CaptureStatus } from '../../src/shared/contract/mail';
import { type BrowserMode, REPO_ROOT, startBrowserMode } from '../fixtures/browserMode';

/**
 * One screenshot of every page (browser mode, 1280×800) with realistic data: the local sandbox (a real
 * mariadbd with the bundled migrations and sample data), two backups of it (one verified with a test
 * restore), a refused and a confirmed delete, SysNDD's own mails in the built-in capture, and the jobs and
 * audit rows all that left.
 *
 * The pictures go to test-results/screenshots/page-<page>.png on every run; with
 * SYSNDD_ADMIN_DOC_SCREENSHOTS=1 they also replace docs/images/<page>.png (the README's pictures), so an
 * ordinary test run never changes tracked files.
 */
const DOCS_IMAGES = path.join(REPO_ROOT, 'docs', 'images');
const WRITE_DOCS = process.env.SYSNDD_ADMIN_DOC_SCREENSHOTS === '1';

let bm: BrowserMode;
let home: string;
let profile: Profile;
const savedHome = process.env.SYSNDD_ADMIN_HOME;

async function call<T>(name: string, args: unknown): Promise<T> {
  const r = await dispatch(bm.app.handlers, name, args, { door: 'test', actor: 'e2e' });
  if (!r.ok) throw new Error(`${name}: ${r.message}`);
  return r.value as T;
}

async function succeeded(job: JobSnapshot, timeoutMs = 170_000): Promise<JobSnapshot> {
  const done = await bm.app.jobs.wait(job.id, timeoutMs);
  if (done.state !== 'succeeded') throw new Error(`job ${job.title} ended ${done.state}: ${done.error?.message}`);
  return done;
}

/** Saves the page as page-NAME.png (and docs/images/NAME.png when asked); returns the test-results file. */
async function pageShot(name: string): Promise<string> {
  const file = await bm.screenshot(`page-${name}`);
  if (WRITE_DOCS) fs.copyFileSync(file, path.join(DOCS_IMAGES, `${name}.png`));
  return file;
}

/** SysNDD's own mails (registration, confirmation, password reset…) rendered with their sample data, into the capture. */
async function sendSysnddMails(): Promise<number> {
  const capture = await call<CaptureStatus>('mail.capture.start', { smtpPort: 0, httpPort: 0 });
  const transport = createTransport({ host: '127.0.0.1', port: capture.smtpPort as number, secure: false, ignoreTLS: true });
  const templates = await call<MailTemplateInfo[]>('mail.templates', {});
  try {
    for (const t of templates) {
      const mail = await call<RenderedMail>('mail.preview', { templateId: t.id });
      await transport.sendMail({ from: 'noreply@sysndd.dbmr.unibe.ch', to: 'curator@sysndd.test', ...mail });
    }
  } finally {
    transport.close();
  }
  return templates.length;
}

async function countOf(page: Page, table: string): Promise<number> {
  return Number(await page.getByTestId(`${table}-table`).getAttribute('data-count'));
}

beforeAll(async () => {
  // Everything the sandbox writes (datadir, socket, pid file) stays in this temp app home.
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'sysndd-e2e-screens-'));
  process.env.SYSNDD_ADMIN_HOME = home;
  bm = await startBrowserMode({ home });
});

afterAll(async () => {
  try {
    await bm?.app.sandbox.stop().catch(() => {});
    await bm?.close();
  } finally {
    // By the pid file too, in case the app never knew the server (a failed start): no mariadbd may outlive the test.
    await new MariaDbServer({ baseDir: path.join(home, 'sandbox'), rootPassword: '' }).stop(2_000).catch(() => {});
    fs.rmSync(home, { recursive: true, force: true });
    if (savedHome === undefined) delete process.env.SYSNDD_ADMIN_HOME;
    else process.env.SYSNDD_ADMIN_HOME = savedHome;
  }
});

describe('Screenshots of every page (browser mode, the local sandbox as data)', () => {
  it('sandbox: the first-run page offers the local sandbox', async () => {
    const panel = bm.page.getByTestId('empty-no-profiles').getByTestId('sandbox-panel');
    await panel.getByTestId('sandbox-status').waitFor();
    expect(await panel.getByTestId('sandbox-status').getAttribute('data-running')).toBe('false');
    await panel.getByTestId('sandbox-start').waitFor();
    await pageShot('sandbox');
  });

  it('fills the sandbox with realistic work: two backups (one restore-tested) and SysNDD mails', async () => {
    const { page } = bm;
    await succeeded(await bm.app.sandbox.start({ engine: 'mariadb' }));
    const sandbox = bm.app.profiles.findByName('Local sandbox');
    if (!sandbox) throw new Error('the sandbox made no profile');
    profile = sandbox;
    await page.getByTestId('empty-no-profiles').waitFor({ state: 'detached', timeout: 15_000 });
    await expect.poll(() => page.getByTestId('profile-switcher').inputValue(), { timeout: 15_000 }).toBe('Local sandbox');
    await succeeded(await call<JobSnapshot>('backups.create', { profileId: profile.id, options: { label: 'nightly' } }));
    const release = await succeeded(
      await call<JobSnapshot>('backups.create', { profileId: profile.id, options: { label: 'before-release' } }),
    );
    const name = (release.result as CreateBackupResult).name;
    await succeeded(await call<JobSnapshot>('backups.verify', { profileId: profile.id, name, scratchRestore: true }));
    // The audit log records destructive actions: a delete refused for want of its typed word, then done.
    const scratch = await succeeded(
      await call<JobSnapshot>('backups.create', { profileId: profile.id, options: { label: 'scratch' } }),
    );
    const scratchName = (scratch.result as CreateBackupResult).name;
    const refused = await dispatch(
      bm.app.handlers,
      'backups.delete',
      { profileId: profile.id, name: scratchName },
      { door: 'test', actor: 'e2e' },
    );
    expect(refused.ok).toBe(false);
    await call('backups.delete', { profileId: profile.id, name: scratchName, confirm: 'DELETE' });
    expect(await sendSysnddMails()).toBeGreaterThan(0);
  });

  /** Each page with the element that says its data has arrived (a screenshot of a spinner shows nothing). */
  const pages: Array<{ path: string; ready(page: Page): Promise<void> }> = [
    {
      path: 'overview',
      async ready(page) {
        await expect.poll(() => page.getByTestId('readiness-verdict').count(), { timeout: 60_000 }).toBe(1);
        await expect.poll(() => page.getByTestId('readiness-loading').count(), { timeout: 60_000 }).toBe(0);
      },
    },
    {
      path: 'connections',
      async ready(page) {
        await expect.poll(() => page.getByTestId('connections-details').getAttribute('data-profile')).toBe('Local sandbox');
        await page.getByTestId('sandbox-panel').getByTestId('sandbox-stop').waitFor();
      },
    },
    { path: 'migrations', ready: (page) => page.getByTestId('lock-card').waitFor({ timeout: 30_000 }) },
    {
      path: 'backups',
      async ready(page) {
        await expect.poll(() => countOf(page, 'backups'), { timeout: 30_000 }).toBe(2);
        await page.locator('[data-testid="backup-verified"][data-level="restore"]').waitFor();
        await expect.poll(() => page.getByTestId('backups-table').getAttribute('data-measuring')).toBeNull();
      },
    },
    { path: 'restore', ready: (page) => page.getByTestId('restore-backup-row').first().waitFor({ timeout: 30_000 }) },
    {
      path: 'mail',
      async ready(page) {
        await page.getByTestId('mail-capture-running').waitFor({ timeout: 15_000 });
        await page.getByTestId('mail-tab-mailbox').click();
        await expect.poll(() => page.getByTestId('mail-list-row').count(), { timeout: 15_000 }).toBeGreaterThan(0);
        await page.getByTestId('mail-list-subject').first().click();
        await page.getByTestId('mail-view').waitFor();
      },
    },
    { path: 'jobs', ready: async (page) => expect.poll(() => countOf(page, 'jobs'), { timeout: 15_000 }).toBeGreaterThan(3) },
    { path: 'audit', ready: async (page) => expect.poll(() => countOf(page, 'audit'), { timeout: 15_000 }).toBeGreaterThan(1) },
    { path: 'about', ready: (page) => page.getByTestId('about-system').waitFor({ timeout: 15_000 }) },
  ];

  for (const { path: name, ready } of pages) {
    it(`${name}: shows its data and is captured`, async () => {
      const { page } = bm;
      await page.getByTestId(`nav-${name}`).click();
      await page.getByTestId(`page-${name}`).waitFor();
      await ready(page);
      expect(await page.getByTestId('page-error').count()).toBe(0);
      const file = await pageShot(name);
      expect(fs.statSync(file).size).toBeGreaterThan(10_000);
    });
  }

  it('left no console errors', () => {
    expect(bm.consoleErrors).toEqual([]);
  });
});
