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

let original: Record<string, string>;
let changed: Record<string, string>;

beforeAll(async () => {
  db = await createTestDatabase('rt_e2e');
  const c = await rootConnection({ database: db.name });
  await c.query('CREATE TABLE gene (id INT PRIMARY KEY, symbol VARCHAR(20)) ENGINE=InnoDB');
  await c.query("INSERT INTO gene SELECT seq, CONCAT('G', seq) FROM seq_1_to_200");
  await c.query(
    'CREATE TABLE gene_note (id INT PRIMARY KEY, gene_id INT, note VARCHAR(50), FOREIGN KEY (gene_id) REFERENCES gene (id)) ENGINE=InnoDB',
  );
  await c.query("INSERT INTO gene_note SELECT seq, seq, 'note' FROM seq_1_to_100");
  await c.query('CREATE TABLE disease (id INT PRIMARY KEY, name VARCHAR(50)) ENGINE=InnoDB');
  await c.query("INSERT INTO disease SELECT seq, CONCAT('disease ', seq) FROM seq_1_to_50");
  await c.end();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rt-e2e-'));
  bm = await startBrowserMode();
  const info = mysqlInfo();
  const profile = (await call('profiles.create', {
    profile: {
      name: 'e2e table restore',
      environment: 'development',
      mysql: { host: info.host, port: info.port, user: info.user, database: db.name },
      localBackupDir: dir,
    },
    secrets: { 'mysql.password': info.password },
  })) as Profile;
  backupName = (await bm.app.backups.createBackup(profile.id, {}, {})).name;
  original = await sums();
  // Every table moves on after the backup.
  const d = await rootConnection({ database: db.name });
  await d.query("UPDATE gene SET symbol = 'CHANGED' WHERE id <= 10");
  await d.query("UPDATE gene_note SET note = 'changed' WHERE id <= 10");
  await d.query('DELETE FROM disease WHERE id <= 5');
  await d.end();
  changed = await sums();
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

describe('Restore wizard: table picker (browser mode, real MariaDB)', () => {
  it('offers the linked tables of a foreign key, then restores one table and leaves the others as they are', async () => {
    const { page } = bm;
    await page.getByTestId('nav-restore').click();
    const row = page.locator(`[data-testid="restore-backup-row"][data-name="${backupName}"]`);
    await row.waitFor({ timeout: 20_000 });
    await row.click();
    await page.getByTestId('restore-run-preflight').click();
    const picker = page.getByTestId('restore-table-picker');
    await picker.waitFor({ timeout: 60_000 });
    expect(await picker.getAttribute('data-scope')).toBe('all');
    expect(await page.getByTestId('preflight-report').getAttribute('data-ok')).toBe('true');

    // gene_note alone would break its link to gene: the preflight says so, and the button includes gene.
    await page.getByTestId('restore-tables-some').click();
    await page.locator('[data-testid="restore-table-option"][data-name="gene_note"]').click();
    await page.getByTestId('restore-tables-apply').click();
    const fk = page.getByTestId('restore-tables-fk');
    await fk.waitFor({ timeout: 30_000 });
    expect(await fk.textContent()).toMatch(/gene_note references gene/);
    expect(await page.getByTestId('preflight-report').getAttribute('data-ok')).toBe('false');
    expect(await page.getByTestId('restore-tables-include-linked').textContent()).toBe('Include 1 linked table');
    await bm.screenshot('restore-tables-fk');
    await page.getByTestId('restore-tables-include-linked').click();
    await expect
      .poll(async () => picker.getAttribute('data-scope'), { timeout: 30_000 })
      .toMatch(/^(gene,gene_note|gene_note,gene)$/);
    expect(await page.getByTestId('preflight-report').getAttribute('data-ok')).toBe('true');
    expect(await fk.count()).toBe(0);

    // Now only disease: one table restored.
    await page.getByTestId('restore-tables-filter').fill('');
    await page.locator('[data-testid="restore-table-option"][data-name="gene"]').click();
    await page.locator('[data-testid="restore-table-option"][data-name="gene_note"]').click();
    await page.locator('[data-testid="restore-table-option"][data-name="disease"]').click();
    await page.getByTestId('restore-tables-apply').click();
    await expect.poll(async () => picker.getAttribute('data-scope'), { timeout: 30_000 }).toBe('disease');
    expect(await page.getByTestId('preflight-report').getAttribute('data-ok')).toBe('true');
    await bm.screenshot('restore-tables-picker');

    await page.getByTestId('restore-continue').click();
    const what = page.getByTestId('restore-confirm-tables');
    await what.waitFor();
    expect(await what.getAttribute('data-tables')).toBe('disease');
    expect(await what.textContent()).toContain('Only this table is replaced: disease');
    await page.getByTestId('restore-confirm-input').fill('RESTORE');
    await page.getByTestId('restore-start').click();
    const job = page.getByTestId('restore-job');
    await expect
      .poll(async () => job.locator('[data-state]').first().getAttribute('data-state'), { timeout: 60_000 })
      .toBe('succeeded');

    const after = await sums();
    expect(after.disease).toBe(original.disease);
    expect(after.gene).toBe(changed.gene);
    expect(after.gene_note).toBe(changed.gene_note);
    expect(Object.keys(after).sort()).toEqual(Object.keys(changed).sort());
    expect(bm.consoleErrors).toEqual([]);
  });
});
