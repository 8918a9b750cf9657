// Connections and mail paths the other e2e files do not click: SSH-config import, profile JSON export and
// import, bulk mark read/unread/delete, mark unread from the message view, attachment download.
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createTransport } from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dispatch } from '../../src/main/core/dispatch';
import type { CaptureStatus } from '../../src/shared/contract/mail';
import { type BrowserMode, startBrowserMode } from '../fixtures/browserMode';

let bm: BrowserMode;
const dir = os.tmpdir();

beforeAll(async () => {
  bm = await startBrowserMode();
});
afterAll(async () => {
  await bm?.close();
});

describe('connections and mail: the less travelled paths', () => {
  it('ssh config import, json export and import', async () => {
    const { page } = bm;
    const cfg = path.join(dir, `scratch-ssh-config-${process.pid}`);
    writeFileSync(cfg, 'Host scratchbox\n  HostName 10.0.0.9\n  User deploy\n  Port 2222\n');
    await page.getByTestId('nav-connections').click();
    await page.getByTestId('connections-import-ssh').click();
    await page.getByTestId('sshconfig-path').fill(cfg);
    await page.getByTestId('sshconfig-preview').click();
    await page.getByTestId('sshconfig-hosts').waitFor();
    expect(await page.getByTestId('sshconfig-hosts').textContent()).toContain('deploy@10.0.0.9:2222');
    await page.getByTestId('sshconfig-mysql-user').fill('reader');
    await page.getByTestId('sshconfig-import').click();
    await page
      .getByTestId('sshconfig-modal')
      .waitFor({ state: 'hidden' })
      .catch(() => {});
    await expect.poll(() => bm.app.profiles.list().map((p) => p.name)).toContain('scratchbox');
    const p = bm.app.profiles.list().find((x) => x.name === 'scratchbox');
    expect(p?.mysql).toMatchObject({ user: 'reader', host: '127.0.0.1', port: 3306 });
    expect(p?.ssh).toMatchObject({ host: '10.0.0.9', port: 2222, user: 'deploy' });

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('profiles-export').click()]);
    const file = path.join(dir, `scratch-export-${process.pid}.json`);
    await download.saveAs(file);
    const doc = JSON.parse(readFileSync(file, 'utf8'));
    expect(download.suggestedFilename()).toMatch(/^sysndd-admin-profiles-\d{4}-\d\d-\d\d\.json$/);
    expect(doc.profiles.map((x: { name: string }) => x.name)).toEqual(['scratchbox']);

    await page.getByTestId('connections-import-json').click();
    const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.getByTestId('profiles-import-file').click()]);
    await chooser.setFiles(file);
    await page.getByText('Import renamed').click();
    await page.getByTestId('profiles-import-run').click();
    await expect.poll(() => page.getByTestId('profiles-import-result').textContent()).toContain('Created 1');
    expect(bm.app.profiles.list()).toHaveLength(2);
    await page.getByRole('button', { name: 'Close' }).click();
    await page
      .getByTestId('profiles-import-modal')
      .waitFor({ state: 'hidden' })
      .catch(() => {});
  });

  it('mail bulk actions, mark unread, attachment download', async () => {
    const { page } = bm;
    const r = await dispatch(bm.app.handlers, 'mail.capture.start', { smtpPort: 0, httpPort: 0 }, { door: 'test', actor: 'e2e' });
    if (!r.ok) throw new Error(r.message);
    const s = r.value as CaptureStatus;
    const t = createTransport({ host: '127.0.0.1', port: s.smtpPort as number, secure: false, ignoreTLS: true });
    for (const subject of ['First', 'Second'])
      await t.sendMail({
        from: 'a@sysndd.test',
        to: 'b@sysndd.test',
        subject,
        text: 'x',
        attachments: [{ filename: 'note.txt', content: `attached to ${subject}` }],
      });
    t.close();
    await page.getByTestId('nav-mail').click();
    await page.getByTestId('page-mail').waitFor();
    await page.getByTestId('mail-tab-mailbox').click();
    // Back to the capture: the first test may have left the profile's default.
    await page.getByTestId('mail-viewer').waitFor();
    const rows = page.getByTestId('mail-list-row');
    await expect.poll(() => rows.count(), { timeout: 10_000 }).toBe(2);
    expect(await page.getByTestId('mail-delete-selected').isDisabled()).toBe(true);
    await page.getByTestId('mail-list-check').first().check({ force: true });
    await page.getByTestId('mail-mark-read').click();
    await expect.poll(() => rows.first().getAttribute('data-read')).toBe('true');
    await page.getByTestId('mail-mark-unread').click();
    await expect.poll(() => rows.first().getAttribute('data-read')).toBe('false');

    await page.getByTestId('mail-list-subject').nth(1).click();
    await page.getByTestId('mail-view').waitFor();
    await expect.poll(() => rows.nth(1).getAttribute('data-read')).toBe('true');
    await page.getByTestId('mail-view-mark-unread').click();
    await expect.poll(() => rows.nth(1).getAttribute('data-read')).toBe('false');
    await page.getByTestId('mail-tab-attachments').click();
    await page.getByTestId('mail-view-attachments').waitFor();
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByText('Download').first().click()]);
    const file = path.join(dir, `scratch-att-${process.pid}.txt`);
    await download.saveAs(file);
    expect(download.suggestedFilename()).toBe('note.txt');
    expect(readFileSync(file, 'utf8')).toBe('attached to First');

    expect(await page.getByTestId('mail-delete-selected').textContent()).toContain('(1)');
    await page.getByTestId('mail-delete-selected').click();
    await expect.poll(() => rows.count(), { timeout: 10_000 }).toBe(1);
    expect(await page.getByTestId('mail-list-subject').first().textContent()).toBe('First');
  });
});
