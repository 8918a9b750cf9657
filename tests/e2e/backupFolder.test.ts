import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dispatch } from '../../src/main/core/dispatch';
import { type BrowserMode, startBrowserMode } from '../fixtures/browserMode';

/**
 * "Show folder" in browser mode (issue 15): the page cannot open a file manager, so the backup's folder is
 * shown with a Copy button; "Save as…" stays the browser download. The listing only reads the folder, so
 * the profile's server is never contacted (port 1).
 */
let bm: BrowserMode;
let dir: string;
const name = 'nightly_2026-01-01.sql';

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bk-folder-e2e-'));
  fs.writeFileSync(path.join(dir, name), 'CREATE TABLE t (a int);\n-- Dump completed on 2026-01-01\n');
  bm = await startBrowserMode();
  const r = await dispatch(
    bm.app.handlers,
    'profiles.create',
    {
      profile: {
        name: 'folder e2e',
        environment: 'development',
        mysql: { host: '127.0.0.1', port: 1, user: 'u' },
        localBackupDir: dir,
      },
    },
    { door: 'test', actor: 'e2e' },
  );
  if (!r.ok) throw new Error(r.message);
});

afterAll(async () => {
  await bm?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe('Backups: Show folder in browser mode', () => {
  it('shows the local backup folder with a Copy button, next to Save as…', async () => {
    const { page } = bm;
    await page.getByTestId('nav-backups').click();
    const row = page.locator(`[data-testid="backup-row"][data-name="${name}"]`);
    await row.waitFor({ timeout: 20_000 });
    await row.getByTestId('backup-actions').click();
    await page.getByTestId('backup-action-details').click();
    await page.getByTestId('backup-save-as').waitFor();
    await page.getByTestId('backup-show-in-folder').click();
    const folder = page.getByTestId('backup-folder-path');
    await folder.waitFor();
    expect((await folder.textContent())?.trim()).toBe(dir);
    await page.getByTestId('backup-folder-copy').waitFor();
    await bm.screenshot('backup-show-folder');
    expect(bm.consoleErrors).toEqual([]);
  });
});
