import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dispatch } from '../../src/main/core/dispatch';
import { generateIdentity } from '../../src/main/features/backups/age/ageKeys';
import { inspectBackupFile } from '../../src/main/features/backups/format/BackupFileReader';
import type { CreateBackupResult, JobSnapshot, Profile } from '../../src/shared/contract/index';
import { type BrowserMode, startBrowserMode } from '../fixtures/browserMode';
import { createTestDatabase, mysqlInfo, rootConnection, type TestDatabase } from '../fixtures/mysql';
import { keyAuthHop, type SshdFixture, startSshd } from '../fixtures/sshd';

let bm: BrowserMode;
let db: TestDatabase;
let sshd: SshdFixture;
let remoteDir: string;
let localDir: string;
let remoteName: string;
let idFile: string;
let recipient: string;
let profile: Profile;

async function call(name: string, args: unknown): Promise<unknown> {
  const r = await dispatch(bm.app.handlers, name, args, { door: 'test', actor: 'e2e' });
  if (!r.ok) throw new Error(`${name}: ${r.message}`);
  return r.value;
}

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

beforeAll(async () => {
  [sshd, db] = await Promise.all([startSshd(), createTestDatabase('enc_e2e')]);
  const c = await rootConnection({ database: db.name });
  await c.query('CREATE TABLE gene (id INT PRIMARY KEY, symbol VARCHAR(20)) ENGINE=InnoDB');
  await c.query("INSERT INTO gene SELECT seq, CONCAT('G', seq) FROM seq_1_to_5000");
  await c.end();
  remoteDir = fs.mkdtempSync(path.join(os.tmpdir(), 'enc-e2e-remote-'));
  bm = await startBrowserMode();
  await call('connections.trustHostKey', {
    host: sshd.host,
    port: sshd.port,
    keyType: 'ssh-ed25519',
    fingerprint: sshd.hostKeyFingerprint,
  });
  const info = mysqlInfo();
  profile = (await call('profiles.create', {
    profile: {
      name: 'e2e encrypted downloads',
      environment: 'development',
      mysql: { host: info.host, port: info.port, user: info.user, database: db.name },
      remoteBackupDir: remoteDir,
      ssh: keyAuthHop(sshd),
    },
    secrets: { 'mysql.password': info.password },
  })) as Profile;
  localDir = bm.app.backups.localDir(profile);
  // "Made on the server": a sealed backup of ours in the remote folder.
  const job = (await call('backups.create', { profileId: profile.id, options: { dir: remoteDir } })) as JobSnapshot;
  const end = (await call('jobs.wait', { id: job.id, timeoutMs: 120_000 })) as JobSnapshot;
  if (end.state !== 'succeeded') throw new Error(`backup failed: ${end.error?.message}`);
  remoteName = path.basename((end.result as CreateBackupResult).path);
  const id = generateIdentity();
  recipient = id.recipient;
  idFile = path.join(remoteDir, '..', `enc-e2e-key-${process.pid}.txt`);
  fs.writeFileSync(idFile, id.text, { mode: 0o600 });
});

afterAll(async () => {
  await bm?.close();
  await Promise.all([sshd?.stop(), db?.drop()]);
  if (remoteDir) fs.rmSync(remoteDir, { recursive: true, force: true });
  if (idFile) fs.rmSync(idFile, { force: true });
});

describe('Encrypt on download (browser mode, real sshd and MariaDB)', () => {
  it('downloads a remote backup encrypted from the UI; the copy is marked encrypted and sealed', async () => {
    const { page } = bm;
    await page.getByTestId('nav-backups').click();
    const remoteRow = page.locator(`[data-testid="backup-row"][data-name="${remoteName}"]`);
    await remoteRow.waitFor({ timeout: 30_000 });
    expect(await remoteRow.getByTestId('backup-location').textContent()).toBe('remote');
    expect(await remoteRow.getByTestId('backup-seal').textContent()).toMatch(/^sealed by /);
    expect(await remoteRow.getByTestId('backup-encrypted').count()).toBe(0);

    await remoteRow.getByTestId('backup-actions').click();
    await page.getByTestId('backup-action-download').click();
    const modal = page.getByTestId('backup-download-modal');
    await page.getByTestId('backup-download-encrypt').check({ force: true });
    expect(await page.getByTestId('backup-download-target').textContent()).toBe(`${remoteName}.age`);
    // Not a key: the start button stays disabled.
    await page.getByTestId('backup-download-recipients').fill('not-a-key');
    expect(await page.getByTestId('backup-download-start').isDisabled()).toBe(true);
    await page.getByTestId('backup-download-recipients').fill(recipient);
    await bm.screenshot('backup-download-encrypted');
    await page.getByTestId('backup-download-start').click();
    await modal.waitFor({ state: 'hidden' });

    const encRow = page.locator(`[data-testid="backup-row"][data-name="${remoteName}.age"]`);
    await encRow.waitFor({ timeout: 60_000 });
    expect(await encRow.getByTestId('backup-location').textContent()).toBe('local');
    expect(await encRow.getByTestId('backup-encrypted').textContent()).toBe('encrypted');
    expect(await encRow.getByTestId('backup-seal').getAttribute('data-state')).toBe('sealed');
    expect(await encRow.getByTestId('backup-seal').textContent()).toMatch(/^sealed by /);
    await bm.screenshot('backup-list-encrypted');

    // On disk: only the age file, which Debian's age opens to the remote bytes.
    const local = path.join(localDir, `${remoteName}.age`);
    expect(fs.existsSync(path.join(localDir, remoteName))).toBe(false);
    const opened = execFileSync('age', ['-d', '-i', idFile, local], { maxBuffer: 256 << 20 });
    expect(sha(opened)).toBe(sha(fs.readFileSync(path.join(remoteDir, remoteName))));
  });

  it('creates a backup encrypted with a passphrase from the create popover; it is listed encrypted', async () => {
    const { page } = bm;
    await page.getByTestId('backup-create-open').click();
    await page.getByTestId('backup-create-label').fill('enc');
    await page.getByTestId('backup-create-encrypt').check({ force: true });
    await page.getByTestId('backup-create-encrypt-mode').getByText('Passphrase').click();
    await page.getByTestId('backup-create-passphrase').fill('short');
    expect(await page.getByTestId('backup-create-start').isDisabled()).toBe(true);
    await page.getByTestId('backup-create-passphrase').fill('a long enough passphrase');
    await page.getByTestId('backup-create-start').click();
    const row = page.locator('[data-testid="backup-row"][data-name$="_enc.sql.gz.age"]');
    await row.waitFor({ timeout: 60_000 });
    expect(await row.getByTestId('backup-encrypted').textContent()).toBe('encrypted');
    const name = (await row.getAttribute('data-name')) as string;
    const head = fs.readFileSync(path.join(localDir, name)).subarray(0, 21).toString('latin1');
    expect(head).toBe('age-encryption.org/v1');
    expect(fs.readdirSync(localDir).some((n) => n.endsWith('_enc.sql.gz'))).toBe(false);
    // Described at creation: its tables and seal show without the passphrase.
    expect(await row.getByTestId('backup-tables').textContent()).toBe('1');
    expect(await row.getByTestId('backup-seal').getAttribute('data-state')).toBe('sealed');
  });

  it('verifies the encrypted backup with a test restore after asking for its passphrase; a wrong one fails by name', async () => {
    const { page } = bm;
    const row = page.locator('[data-testid="backup-row"][data-name$="_enc.sql.gz.age"]');
    const modal = page.getByTestId('backup-verify-modal');
    const startWith = async (passphrase: string) => {
      await row.getByTestId('backup-actions').click();
      await page.getByTestId('backup-action-verify-restore').click();
      await page.getByTestId('backup-verify-key-mode').getByText('Passphrase').click();
      expect(await page.getByTestId('backup-verify-start').isDisabled()).toBe(true);
      await page.getByTestId('backup-verify-passphrase').fill(passphrase);
      await page.getByTestId('backup-verify-start').click();
      await modal.waitFor({ state: 'hidden' });
    };
    await startWith('not the passphrase');
    const failed = page.locator('[data-testid="backups-jobs"] [data-state="failed"]').first();
    await failed.waitFor({ timeout: 60_000 });
    expect(await failed.getByTestId('job-error').textContent()).toContain('BACKUP_DECRYPT_FAILED');
    expect(await row.getByTestId('backup-verified').count()).toBe(0);

    await startWith('a long enough passphrase');
    await bm.screenshot('backup-verify-encrypted');
    const badge = row.getByTestId('backup-verified');
    await badge.waitFor({ timeout: 90_000 });
    expect(await badge.getAttribute('data-level')).toBe('restore');
    expect(await badge.getAttribute('data-ok')).toBe('true');
    const scratch = await rootConnection();
    try {
      const [left] = await scratch.query('SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME LIKE ?', [
        `${db.name}__verify_%`,
      ]);
      expect(left).toEqual([]);
    } finally {
      await scratch.end();
    }
  });
  it("the create popover starts from the profile's default encryption (public keys)", async () => {
    const { page } = bm;
    const { id, transient, secrets, createdAt, updatedAt, ...input } = profile;
    await call('profiles.update', { id, profile: { ...input, backupEncryption: { recipients: [recipient] } } });
    await page.reload();
    await page.getByTestId('nav-backups').click();
    await page.getByTestId('backup-create-open').click();
    await page.getByTestId('backup-create-profile-default').waitFor();
    expect(await page.getByTestId('backup-create-encrypt').isChecked()).toBe(true);
    expect(await page.getByTestId('backup-create-recipients').inputValue()).toBe(recipient);
    await bm.screenshot('backup-create-profile-default');
    await page.getByTestId('backup-create-label').fill('dflt');
    await page.getByTestId('backup-create-start').click();
    const row = page.locator('[data-testid="backup-row"][data-name$="_dflt.sql.gz.age"]');
    await row.waitFor({ timeout: 60_000 });
    const name = (await row.getAttribute('data-name')) as string;
    execFileSync('age', ['-d', '-i', idFile, '-o', '/dev/null', path.join(localDir, name)]);
  });
  // The CI failure of the case above: a quick backup (public keys, no scrypt) ended before the browser had
  // read the answer to backups.create, and that late "running" answer overwrote the finished job in the
  // store, so the page waited for an end that had already come and never reloaded the list. Here the answer
  // is held until the page has shown the job as succeeded (jobs drawer), which makes that order certain.
  it('lists a backup whose job ended before the create call answered (the late answer does not revive the job)', async () => {
    const { page } = bm;
    let jobId = '';
    await page.route('**/api/call/backups.create', async (route) => {
      const response = await route.fetch();
      const answer = (await response.json()) as { ok: boolean; value?: JobSnapshot };
      jobId = answer.value?.id ?? '';
      await page.getByTestId('jobs-drawer-toggle').click();
      const seen = page.getByTestId('jobs-drawer').getByTestId(`job-${jobId}`);
      await seen.and(page.locator('[data-state="succeeded"]')).waitFor({ timeout: 60_000 });
      await page.keyboard.press('Escape');
      await page.getByTestId('jobs-drawer').getByTestId(`job-${jobId}`).waitFor({ state: 'hidden' });
      await route.fulfill({ response });
    });
    try {
      await page.getByTestId('backup-create-open').click();
      await page.getByTestId('backup-create-label').fill('late');
      await page.getByTestId('backup-create-start').click();
      const row = page.locator('[data-testid="backup-row"][data-name$="_late.sql.gz.age"]');
      await row.waitFor({ timeout: 60_000 });
      const card = page.getByTestId('backups-jobs').getByTestId(`job-${jobId}`);
      expect(await card.getAttribute('data-state')).toBe('succeeded');
      expect(await page.getByTestId('backup-create-open').isDisabled()).toBe(false);
    } finally {
      await page.unroute('**/api/call/backups.create');
    }
  });
  it('Save as… streams a remote and a local encrypted backup as real browser downloads; the address works once', async () => {
    const { page } = bm;
    const saveFrom = async (name: string): Promise<{ file: string; url: string }> => {
      const row = page.locator(`[data-testid="backup-row"][data-name="${name}"]`);
      await row.getByTestId('backup-actions').click();
      await page.getByTestId('backup-action-details').click();
      const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('backup-save-as').click()]);
      expect(download.suggestedFilename()).toBe(name);
      const file = path.join(os.tmpdir(), `enc-e2e-saved-${process.pid}-${name}`);
      await download.saveAs(file);
      await page.keyboard.press('Escape');
      await page.getByTestId('backup-save-as').waitFor({ state: 'hidden' });
      return { file, url: download.url() };
    };
    // Remote (streamed from the SSH host): the same bytes, and every member matches the manifest.
    const remote = await saveFrom(remoteName);
    try {
      expect(sha(fs.readFileSync(remote.file))).toBe(sha(fs.readFileSync(path.join(remoteDir, remoteName))));
      const report = await inspectBackupFile(remote.file);
      expect(report.ok, JSON.stringify(report.problems)).toBe(true);
      expect(report.members).toBeGreaterThan(2);
      const again = await fetch(remote.url);
      expect(again.status).toBe(404);
    } finally {
      fs.rmSync(remote.file, { force: true });
    }
    // Local encrypted copy: saved as it is on disk (still encrypted).
    const local = await saveFrom(`${remoteName}.age`);
    try {
      expect(sha(fs.readFileSync(local.file))).toBe(sha(fs.readFileSync(path.join(localDir, `${remoteName}.age`))));
    } finally {
      fs.rmSync(local.file, { force: true });
    }
  });
});
