import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dispatch } from '../../src/main/core/dispatch';
import type { Profile } from '../../src/shared/contract/index';
import { type BrowserMode, startBrowserMode } from '../fixtures/browserMode';
import { createTestDatabase, mysqlInfo, type TestDatabase } from '../fixtures/mysql';
import { migrationsFolder } from '../integration/migrations/helpers';

const SLOW = [
  'CREATE TABLE gene (id INT PRIMARY KEY, symbol VARCHAR(20));',
  'DO SLEEP(0.6);',
  "INSERT INTO gene VALUES (1, 'ARID1B');",
  'DO SLEEP(0.6);',
  'ALTER TABLE gene ADD COLUMN alphafold_id VARCHAR(100) NULL;',
].join('\n');

let bm: BrowserMode;
let db: TestDatabase;
let dir: string;
let profile: Profile;

async function call(name: string, args: unknown): Promise<unknown> {
  const r = await dispatch(bm.app.handlers, name, args, { door: 'test', actor: 'e2e' });
  if (!r.ok) throw new Error(`${name}: ${r.message}`);
  return r.value;
}

beforeAll(async () => {
  db = await createTestDatabase('mig_e2e');
  dir = migrationsFolder({
    '001_create_gene.sql': SLOW,
    '002_add_index.sql': 'ALTER TABLE gene ADD INDEX idx_gene_symbol (symbol);\n',
  });
  bm = await startBrowserMode();
  const info = mysqlInfo();
  profile = (await call('profiles.create', {
    profile: {
      name: 'e2e migrations',
      environment: 'development',
      migrationsDir: dir,
      mysql: { host: info.host, port: info.port, user: info.user, database: db.name },
    },
    secrets: { 'mysql.password': info.password },
  })) as Profile;
});

afterAll(async () => {
  await bm?.close();
  await db?.drop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe('Migrations page (browser mode, real MariaDB)', () => {
  it('shows the pending count on the Overview', async () => {
    const { page } = bm;
    await page.getByTestId('nav-overview').click();
    const badge = page.getByTestId('pending-migrations-badge');
    await expect.poll(() => badge.getAttribute('data-pending'), { timeout: 20_000 }).toBe('2');
    expect(await badge.textContent()).toContain('2 pending migrations');
  });

  it('dry run flags implicit commits', async () => {
    const { page } = bm;
    await page.getByTestId('nav-migrations').click();
    await page.getByTestId('tab-dry-run').click();
    await page.getByTestId('dry-run-totals').waitFor();
    expect(await page.getByTestId('dry-run-totals').textContent()).toContain('2 file(s), 6 statement(s); 3 commit implicitly');
    const flags = await page
      .getByTestId('dry-run-file-001_create_gene.sql')
      .getByTestId('statement-behaviour')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-behaviour')));
    expect(flags).toEqual(['implicit-commit', 'transactional', 'transactional', 'transactional', 'implicit-commit']);
    // A quiet fact on each DDL statement (outline, grey), not a red badge; the totals above say how many.
    const ddl = page.getByTestId('dry-run-file-001_create_gene.sql').getByTestId('statement-behaviour').first();
    expect(await ddl.textContent()).toBe('commits at once');
    expect(await ddl.getAttribute('data-variant')).toBe('outline');
    // Zero-count cards collapse into one quiet line; the cards that matter stay.
    expect(await page.getByTestId('count-pending').getAttribute('data-count')).toBe('2');
    expect(await page.getByTestId('count-failed').count()).toBe(0);
    expect(await page.getByTestId('migration-counts-zero').textContent()).toContain('failed');
    await bm.screenshot('migrations-dry-run');
  });

  it('runs pending migrations as a job and shows per-statement progress', async () => {
    const { page } = bm;
    await page.getByTestId('tab-files').click();
    const run = page.getByTestId('run-pending');
    await expect.poll(() => run.textContent()).toContain('Run pending (2)');
    await run.click();
    const stage = page.getByTestId('migration-job').getByTestId('job-stage');
    const seen = new Set<string>();
    const deadline = Date.now() + 30_000;
    let screenshotTaken = false;
    while (Date.now() < deadline) {
      const text = (await stage.textContent().catch(() => '')) ?? '';
      const m = /(\d{3}_\w+\.sql) statement (\d+) of (\d+)/.exec(text);
      if (m) seen.add(`${m[1]} ${m[2]}/${m[3]}`);
      if (!screenshotTaken && m && m[2] === '4') {
        await bm.screenshot('migrations-running');
        screenshotTaken = true;
      }
      const state = await page.getByTestId('migration-job').locator('[data-state]').first().getAttribute('data-state');
      if (state === 'succeeded' || state === 'failed') break;
      await page.waitForTimeout(100);
    }
    expect(await page.getByTestId('migration-job').locator('[data-state]').first().getAttribute('data-state')).toBe('succeeded');
    // The slow statements make the intermediate stages observable.
    expect([...seen]).toEqual(expect.arrayContaining(['001_create_gene.sql 2/5', '001_create_gene.sql 4/5']));
    await expect.poll(() => page.getByTestId('count-applied').getAttribute('data-count')).toBe('2');
    expect(await page.getByTestId('run-pending').isDisabled()).toBe(true);
    await bm.screenshot('migrations-applied');
  });

  it('shows a failed file exactly, and resumes it after the fix with a confirmation', async () => {
    const { page } = bm;
    const broken =
      "ALTER TABLE gene ADD COLUMN note VARCHAR(10) NULL;\nALTER TABLE gene ADD INDEX idx_bad (missing_column);\nUPDATE gene SET note = 'ok';\n";
    fs.writeFileSync(path.join(dir, '003_add_note.sql'), broken);
    await page.getByTestId('migrations-refresh').click();
    await expect.poll(() => page.getByTestId('run-pending').textContent()).toContain('Run pending (1)');
    await page.getByTestId('run-pending').click();
    await expect
      .poll(() => page.getByTestId('migration-job').locator('[data-state]').first().getAttribute('data-state'), {
        timeout: 20_000,
      })
      .toBe('failed');
    await expect.poll(() => page.getByTestId('migration-row-003_add_note.sql').getAttribute('data-state')).toBe('failed');
    // The failure card speaks words and offers the button; the CLI line only under "Copy as command".
    const failure = page.getByTestId('migration-failure');
    expect(await page.getByTestId('migration-failure-text').textContent()).not.toContain('sysndd-admin');
    expect(await failure.textContent()).not.toContain('--confirm');
    expect(await page.getByTestId('migration-failure-resume').textContent()).toBe('Resume from statement 2');
    await page.getByTestId('migration-failure-command-toggle').click();
    expect(await page.getByTestId('migration-failure-command').textContent()).toBe(
      'sysndd-admin migrate repair resume 003_add_note.sql --from 2 --confirm',
    );
    await page.getByTestId('migration-row-003_add_note.sql').click();
    const summary = page.getByTestId('attempt-summary');
    await summary.waitFor();
    expect(await summary.textContent()).toMatch(/statement 1 of 3 committed; statement 2 \(line 2\) failed/);
    // The statements (with their journal states) render once the file's content has loaded.
    const journal = page.getByTestId('file-viewer').getByTestId('statement-journal-state');
    await expect.poll(() => journal.allTextContents()).toEqual(['committed', 'failed']);
    await bm.screenshot('migrations-failed');

    expect(await page.getByTestId('file-viewer').getByTestId('statement-error').count()).toBe(1);
    fs.writeFileSync(path.join(dir, '003_add_note.sql'), broken.replace('(missing_column)', '(note)'));
    // The edited statement is not shown under the old error as if it had failed.
    await page.getByTestId('migrations-refresh').click();
    await expect
      .poll(() => page.getByTestId('file-viewer').getByTestId('statement-error-stale').count(), { timeout: 10_000 })
      .toBe(1);
    expect(await page.getByTestId('file-viewer').getByTestId('statement-error').count()).toBe(0);
    expect(await page.getByTestId('resume-from').inputValue()).toBe('2');
    await page.getByTestId('repair-resume').click();
    const message = page.getByTestId('confirm-message');
    await message.waitFor();
    expect(await message.textContent()).toContain('Resuming 003_add_note.sql from statement 2 runs statements 2–3 of 3');
    await bm.screenshot('migrations-resume-confirm');
    await page.getByTestId('confirm-proceed').click();
    await expect
      .poll(() => page.getByTestId('migration-row-003_add_note.sql').getAttribute('data-state'), { timeout: 20_000 })
      .toBe('applied');
    await page.getByTestId('tab-history').click();
    await expect.poll(() => page.getByTestId('history-row').count()).toBe(4);
    expect(bm.consoleErrors).toEqual([]);
  });

  it('reloads the pending count on the Overview when the profile reconnects', async () => {
    const { page } = bm;
    await page.getByTestId('nav-overview').click();
    const badge = page.getByTestId('pending-migrations-badge');
    await expect.poll(() => badge.getAttribute('data-pending'), { timeout: 20_000 }).toBe('0');
    fs.writeFileSync(path.join(dir, '004_add_flag.sql'), 'ALTER TABLE gene ADD COLUMN flag INT NULL;\n');
    // A new file alone changes nothing on screen (no polling)...
    await page.waitForTimeout(1500);
    expect(await badge.getAttribute('data-pending')).toBe('0');
    // ...but the next connect does: close the profile's connections, then use it again (a new link goes
    // disconnected -> connected and the main process sends connection.state).
    await call('connections.close', { profileId: profile.id });
    expect(await call('connections.state', { profileId: profile.id })).toMatchObject({ state: 'disconnected' });
    await call('migrations.lockState', { profileId: profile.id });
    await expect.poll(() => badge.getAttribute('data-pending'), { timeout: 10_000 }).toBe('1');
    expect(await badge.textContent()).toContain('1 pending migration');
    expect(bm.consoleErrors).toEqual([]);
  });

  it('on a production profile Run pending needs the database name typed; a dialog opened and closed leaves no audit row', async () => {
    const { page } = bm;
    const { id, transient: _t, secrets: _s, createdAt: _c, updatedAt: _u, ...body } = profile;
    await call('profiles.update', { id, profile: { ...body, environment: 'production' } });
    fs.writeFileSync(path.join(dir, '004_add_flag.sql'), 'ALTER TABLE gene ADD COLUMN flag TINYINT NULL;\n');
    await page.getByTestId('nav-migrations').click();
    await page.getByTestId('migrations-refresh').click();
    await expect.poll(() => page.getByTestId('run-pending').textContent(), { timeout: 20_000 }).toContain('Run pending (1)');
    const auditBefore = bm.app.audit.list().length;

    // Open the dialog and close it: nothing is called, nothing is audited.
    await page.getByTestId('run-pending').click();
    const modal = page.getByTestId('confirm-modal');
    const typed = page.getByTestId('confirm-type');
    await typed.waitFor();
    expect(await page.getByTestId('confirm-message').textContent()).toContain('Runs 1 pending file(s): 004_add_flag.sql.');
    expect(await modal.textContent()).toContain(`type ${db.name} to confirm`);
    await page.getByRole('button', { name: 'Cancel' }).click();
    await typed.waitFor({ state: 'hidden' });
    expect(bm.app.audit.list().length).toBe(auditBefore);

    // Again, with the profile's name (not the database's): still blocked; then the database name.
    await page.getByTestId('run-pending').click();
    await typed.fill('e2e migrations');
    expect(await page.getByTestId('confirm-proceed').isDisabled()).toBe(true);
    await typed.fill(db.name);
    await bm.screenshot('migrations-production-confirm');
    await page.getByTestId('confirm-proceed').click();
    await expect
      .poll(() => page.getByTestId('migration-row-004_add_flag.sql').getAttribute('data-state'), { timeout: 30_000 })
      .toBe('applied');
    const rows = bm.app.audit.list({ action: 'migrations.migrate' });
    expect(rows[0]).toMatchObject({ result: 'succeeded', door: 'browser', target: db.name, actor: bm.app.actor.get().actor });
    const details = rows[0]?.details as { result?: { preMigrationBackup?: string } } | undefined;
    const backup = details?.result?.preMigrationBackup ?? '(none)';
    expect(fs.existsSync(backup)).toBe(true);
    expect(bm.app.audit.list().length).toBe(auditBefore + 1);

    // A gap in the numbering is allowed: a quiet note, not a yellow warning.
    fs.writeFileSync(path.join(dir, '007_after_gap.sql'), 'SELECT 1;\n');
    await page.getByTestId('migrations-refresh').click();
    const gap = page.getByTestId('problem-GAP');
    await gap.waitFor({ timeout: 10_000 });
    expect(await gap.getAttribute('data-quiet')).toBe('true');
    expect(await page.locator('.mantine-Alert-root[data-testid="problem-GAP"]').count()).toBe(0);
    expect(bm.consoleErrors).toEqual([]);
  });
});
