import type { Locator } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dispatch } from '../../src/main/core/dispatch';
import { destroyQuietly } from '../../src/main/features/connections/mysql/mysqlConnect';
import { type BrowserMode, startBrowserMode } from '../fixtures/browserMode';
import { createTestDatabase, mysqlInfo, type TestDatabase } from '../fixtures/mysql';
import { type SshdFixture, startSshd } from '../fixtures/sshd';

let bm: BrowserMode;
let sshd: SshdFixture;
let db: TestDatabase;

beforeAll(async () => {
  [sshd, db] = await Promise.all([startSshd(), createTestDatabase('e2e_connections')]);
  bm = await startBrowserMode();
});

afterAll(async () => {
  await bm?.close();
  await Promise.all([sshd?.stop(), db?.drop()]);
});

async function fill(testId: string, value: string): Promise<void> {
  const input = bm.page.getByTestId(testId);
  await input.fill(value);
}

function stage(report: Locator, id: string): Locator {
  return report.getByTestId(`test-stage-${id}`);
}

describe('Connections page (browser mode, real sshd and MariaDB)', () => {
  it('creates a tunnelled profile in the form, tests it, trusts the host key and reads the staged report', async () => {
    const { page } = bm;
    const m = mysqlInfo();
    await page.getByTestId('nav-connections').click();
    await page.getByTestId('page-connections').waitFor();
    await page.getByTestId('connections-empty').waitFor();

    await page.getByTestId('connections-new').click();
    // The Modal root has no box of its own: wait on what is inside it.
    const form = page.getByTestId('profile-form-save');
    await form.waitFor();
    await fill('profile-form-name', 'Staging via bastion');
    await fill('profile-form-mysql-host', m.host);
    await fill('profile-form-mysql-port', String(m.port));
    await fill('profile-form-mysql-user', m.user);
    await fill('profile-form-mysql-password', m.password);
    await fill('profile-form-mysql-database', db.name);
    await page.getByTestId('profile-form-ssh-enabled').check({ force: true });
    await fill('profile-form-ssh-host', sshd.host);
    await fill('profile-form-ssh-port', String(sshd.port));
    await fill('profile-form-ssh-user', sshd.user);
    await fill('profile-form-ssh-key', sshd.privateKeyPath);
    await bm.screenshot('connections-form');
    await page.getByTestId('profile-form-save').click();
    await form.waitFor({ state: 'hidden' });

    const details = page.getByTestId('connections-details');
    await details.waitFor();
    expect(await details.getAttribute('data-profile')).toBe('Staging via bastion');
    const saved = bm.app.profiles.findByName('Staging via bastion');
    expect(saved?.ssh).toMatchObject({ host: sshd.host, port: sshd.port, auth: 'key', privateKeyPath: sshd.privateKeyPath });
    expect(saved?.secrets).toEqual(['mysql.password']);

    // First contact: the dialog shows the SHA-256 fingerprint sshd really has.
    await page.getByTestId('connection-test-button').click();
    await page.getByTestId('hostkey-fingerprint').waitFor();
    expect((await page.getByTestId('hostkey-fingerprint').textContent())?.trim()).toBe(sshd.hostKeyFingerprint);
    await bm.screenshot('connections-hostkey-dialog');
    await page.getByTestId('hostkey-trust').click();

    const report = page.getByTestId('test-report');
    await expect.poll(() => report.getAttribute('data-ok'), { timeout: 30_000 }).toBe('true');
    for (const id of [
      'ssh.tcp',
      'ssh.handshake',
      'ssh.auth',
      'ssh.forward',
      'mysql.handshake',
      'mysql.auth',
      'mysql.select1',
      'mysql.database',
    ]) {
      expect(await stage(report, id).getAttribute('data-status')).toBe('ok');
    }
    expect(await stage(report, 'ssh.handshake').textContent()).toContain(sshd.hostKeyFingerprint);
    expect(await stage(report, 'mysql.version').textContent()).toContain('MariaDB');
    expect(await report.getByTestId('test-report-grants').textContent()).toContain('ALL PRIVILEGES');
    expect(bm.app.connections.hostKeys.list()).toEqual([
      expect.objectContaining({ port: sshd.port, fingerprint: sshd.hostKeyFingerprint }),
    ]);
    await stage(report, 'mysql.select1').scrollIntoViewIfNeeded();
    await bm.screenshot('connections-test-report');
    expect(bm.consoleErrors).toEqual([]);
  });

  it('shows which stage failed and what to do, after an edit puts in a wrong MySQL password', async () => {
    const { page } = bm;
    await page.getByTestId('connections-edit').click();
    const form = page.getByTestId('profile-form-save');
    await form.waitFor();
    expect(await page.getByTestId('profile-form-name').inputValue()).toBe('Staging via bastion');
    await fill('profile-form-mysql-password', 'definitely-wrong');
    await page.getByTestId('profile-form-save').click();
    await form.waitFor({ state: 'hidden' });

    await page.getByTestId('connection-test-button').click();
    const report = page.getByTestId('test-report');
    await expect.poll(() => report.getAttribute('data-ok'), { timeout: 30_000 }).toBe('false');
    expect(await stage(report, 'ssh.forward').getAttribute('data-status')).toBe('ok');
    expect(await stage(report, 'mysql.auth').getAttribute('data-status')).toBe('failed');
    expect(await stage(report, 'mysql.select1').getAttribute('data-status')).toBe('skipped');
    expect(await report.getByTestId('test-stage-cause-mysql.auth').textContent()).toMatch(/password/);
    expect(await report.getByTestId('test-report-failure').textContent()).toContain('MySQL refused the password');
    await report.getByTestId('test-report-failure').scrollIntoViewIfNeeded();
    await bm.screenshot('connections-test-failed');
  });

  it('validates the form with the contract, duplicates and deletes a profile', async () => {
    const { page } = bm;
    await page.getByTestId('connections-new').click();
    await fill('profile-form-name', 'Broken');
    await fill('profile-form-mysql-host', '');
    await fill('profile-form-mysql-port', 'not a port');
    await page.getByTestId('profile-form-save').click();
    await page.getByTestId('profile-form-error').waitFor();
    expect(await page.getByTestId('profile-form-mysql-port').getAttribute('aria-invalid')).toBe('true');
    // Words next to the field, never zod's texts; the first field in error is focused (scrolled to).
    const modalText = async () => (await page.locator('.mantine-Modal-content').textContent()) ?? '';
    expect(await modalText()).toContain('Host is required');
    expect(await modalText()).toContain('Port must be 1–65535');
    expect(await modalText()).not.toMatch(/Too small|expected|received/);
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid')))
      .toBe('profile-form-mysql-host');
    // A name another profile has in another case: refused by the core, shown under the name field.
    await fill('profile-form-name', 'STAGING via Bastion');
    await fill('profile-form-mysql-host', '127.0.0.1');
    await fill('profile-form-mysql-port', '3306');
    await fill('profile-form-mysql-user', 'someone');
    await page.getByTestId('profile-form-save').click();
    await expect.poll(() => page.getByTestId('profile-form-name').getAttribute('aria-invalid')).toBe('true');
    expect(await modalText()).toContain('already exists');
    await page.getByTestId('profile-form-cancel').click();
    expect(bm.app.profiles.findByName('Broken')).toBeNull();
    expect(bm.app.profiles.list().filter((p) => p.name.toLowerCase() === 'staging via bastion')).toHaveLength(1);

    // Duplicate keeps the stored password (no "using password: NO" on the copy's first test).
    await page.getByTestId('connections-duplicate').click();
    expect(await page.getByTestId('profile-form-name').inputValue()).toBe('Staging via bastion copy');
    expect(await page.getByTestId('profile-form-copies-secrets').textContent()).toContain('MySQL password');
    await page.getByTestId('profile-form-save').click();
    const copy = page.locator('[data-name="Staging via bastion copy"]');
    await copy.waitFor();
    const copied = bm.app.profiles.findByName('Staging via bastion copy');
    const original = bm.app.profiles.findByName('Staging via bastion');
    expect(copied?.ssh?.port).toBe(sshd.port);
    expect(copied?.secrets).toEqual(['mysql.password']);
    expect(await bm.app.profiles.secret(copied?.id ?? '', 'mysql.password')).toBe(
      await bm.app.profiles.secret(original?.id ?? '', 'mysql.password'),
    );
    await copy.click();
    await page.getByTestId('connections-delete').click();
    await page.getByTestId('profile-delete-confirm').click();
    await copy.waitFor({ state: 'detached' });
    expect(bm.app.profiles.findByName('Staging via bastion copy')).toBeNull();
    await bm.screenshot('connections-list');
    expect(bm.consoleErrors).toEqual([]);
  });
  it('moving a profile away from production asks for the database name typed; cancelling leaves no audit row', async () => {
    const { page } = bm;
    const m = mysqlInfo();
    const created = await dispatch(
      bm.app.handlers,
      'profiles.create',
      {
        profile: {
          name: 'Live SysNDD',
          environment: 'production',
          mysql: { host: m.host, port: m.port, user: m.user, database: db.name },
        },
      },
      { door: 'test', actor: 'e2e' },
    );
    if (!created.ok) throw new Error(created.message);
    const row = page.locator('[data-name="Live SysNDD"]');
    await row.waitFor({ timeout: 10_000 });
    await row.click();
    // A production profile's copy is production too (red, not a green development profile).
    await page.getByTestId('connections-duplicate').click();
    await page.getByTestId('profile-form-save').click();
    const prodCopy = page.locator('[data-name="Live SysNDD copy"]');
    await prodCopy.waitFor();
    expect(bm.app.profiles.findByName('Live SysNDD copy')?.environment).toBe('production');
    expect(await prodCopy.textContent()).toContain('production');
    await row.click();
    const leaveProduction = async () => {
      await page.getByTestId('connections-edit').click();
      await page.getByTestId('profile-form-save').waitFor();
      expect(await page.getByTestId('profile-form-name').inputValue()).toBe('Live SysNDD');
      await page.getByTestId('profile-form-environment').click();
      await page.getByRole('option', { name: 'development', exact: true }).click();
      await page.getByTestId('profile-form-save').click();
      await page.getByTestId('confirm-type').waitFor();
    };
    const updates = () => bm.app.audit.list({ action: 'profiles.update' });

    // Opened, then cancelled: nothing saved, nothing audited.
    await leaveProduction();
    expect(await page.getByTestId('confirm-message').textContent()).toContain(db.name);
    expect(await page.getByTestId('confirm-proceed').isDisabled()).toBe(true);
    await page.getByTestId('confirm-type').fill('Live SysNDD');
    expect(await page.getByTestId('confirm-proceed').isDisabled()).toBe(true);
    await bm.screenshot('connections-leave-production');
    await page.getByTestId('confirm-cancel').click();
    await page.getByTestId('confirm-type').waitFor({ state: 'detached' });
    await page.getByTestId('profile-form-cancel').click();
    await page.getByTestId('profile-form-save').waitFor({ state: 'detached' });
    expect(bm.app.profiles.findByName('Live SysNDD')?.environment).toBe('production');
    expect(updates()).toEqual([]);

    // The database name typed: saved, and one audit row naming the change, the browser door and the OS account.
    await leaveProduction();
    await page.getByTestId('confirm-type').fill(db.name);
    await page.getByTestId('confirm-proceed').click();
    await page.getByTestId('profile-form-save').waitFor({ state: 'detached' });
    expect(bm.app.profiles.findByName('Live SysNDD')?.environment).toBe('development');
    const rows = updates();
    expect(rows.map((r) => [r.result, r.door, r.actor, r.target])).toEqual([
      ['succeeded', 'browser', bm.app.actor.get().actor, 'Live SysNDD: environment production → development'],
    ]);
    expect(bm.consoleErrors).toEqual([]);
  });

  it('follows the header switcher, keeps the current profile when picked again, and never shows a stale "direct"', async () => {
    const { page } = bm;
    const m = mysqlInfo();
    const created = await dispatch(
      bm.app.handlers,
      'profiles.create',
      {
        profile: { name: 'Direct db', mysql: { host: m.host, port: m.port, user: m.user, database: db.name } },
        secrets: { 'mysql.password': m.password },
      },
      { door: 'test', actor: 'e2e' },
    );
    if (!created.ok) throw new Error(created.message);
    const id = (created.value as { id: string }).id;
    const switcher = page.getByTestId('profile-switcher');
    const pick = async (name: string) => {
      await switcher.click();
      await page.getByRole('option', { name, exact: true }).click();
    };
    await pick('Direct db');
    const details = page.getByTestId('connections-details');
    await expect.poll(() => details.getAttribute('data-profile')).toBe('Direct db');
    await expect.poll(() => page.locator('[data-name="Direct db"]').getAttribute('data-selected')).toBe('true');
    // Picking the current profile again keeps it selected (it used to clear the choice).
    await pick('Direct db');
    expect(await switcher.inputValue()).toBe('Direct db');
    await expect.poll(() => details.getAttribute('data-profile')).toBe('Direct db');

    // Connected directly, then the profile goes through SSH: the status line follows the edit.
    const conn = await bm.app.connections.openDedicated(id);
    const status = page.getByTestId('connection-status');
    await expect.poll(() => status.getAttribute('data-state'), { timeout: 20_000 }).toBe('connected');
    expect(await status.textContent()).toContain('direct');
    await page.getByTestId('connections-edit').click();
    await page.getByTestId('profile-form-save').waitFor();
    await page.getByTestId('profile-form-ssh-enabled').check({ force: true });
    await fill('profile-form-ssh-host', sshd.host);
    await fill('profile-form-ssh-port', String(sshd.port));
    await fill('profile-form-ssh-user', sshd.user);
    await fill('profile-form-ssh-key', sshd.privateKeyPath);
    await page.getByTestId('profile-form-save').click();
    await page.getByTestId('profile-form-save').waitFor({ state: 'detached' });
    await expect.poll(async () => (await status.textContent()) ?? '', { timeout: 10_000 }).toContain('SSH tunnel');
    expect(await status.getAttribute('data-state')).not.toBe('connected');
    expect(await status.textContent()).not.toContain('direct');
    destroyQuietly(conn);
    expect(bm.consoleErrors).toEqual([]);
  });
});
