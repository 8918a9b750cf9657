import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { App } from '../../src/main/app/App';
import { dispatch } from '../../src/main/core/dispatch';
import { MemorySecretStore } from '../../src/main/platform/secrets/SecretStore';
import type { ArgsIn, JobSnapshot, OperationName, ResultOf, SavedBackupCopy } from '../../src/shared/contract/index';
import type { Result } from '../../src/shared/errors';

// The Electron binary does not exist here: the door's dialog, shell and app paths are faked, with the
// rest of the fake module (tests/fixtures/fakeElectron.ts) as it is.
const fakes = vi.hoisted(() => ({
  showSaveDialog: vi.fn(async (..._args: unknown[]) => ({ canceled: true, filePath: '' })),
  showItemInFolder: vi.fn((_file: string) => {}),
  downloads: '/home/someone/Downloads',
}));
vi.mock('electron', async () => {
  const base = await import('../fixtures/fakeElectron');
  Object.assign(base.app, { getPath: (name: string) => (name === 'downloads' ? fakes.downloads : os.tmpdir()) });
  return {
    ...base,
    dialog: { ...base.dialog, showSaveDialog: fakes.showSaveDialog },
    shell: { ...base.shell, showItemInFolder: fakes.showItemInFolder },
  };
});
const { desktopFileHooks } = await import('../../src/main/electron/fileHooks');
const { BrowserWindow } = await import('../fixtures/fakeElectron');

beforeEach(() => {
  fakes.showSaveDialog.mockReset();
  fakes.showItemInFolder.mockReset();
});

describe('Electron file hooks (electron faked)', () => {
  it('chooseSavePath: the native dialog on the window, starting in Downloads with the backup name; its path back', async () => {
    const window = new BrowserWindow({});
    fakes.showSaveDialog.mockResolvedValueOnce({ canceled: false, filePath: '/tmp/elsewhere/copy.sql.gz' });
    const hooks = desktopFileHooks(() => window as never);
    const chosen = await hooks.chooseSavePath({ fileName: 'db_2026.sql.gz', size: 10, location: 'local' });
    expect(chosen).toBe('/tmp/elsewhere/copy.sql.gz');
    expect(fakes.showSaveDialog).toHaveBeenCalledTimes(1);
    const [parent, options] = fakes.showSaveDialog.mock.calls[0] as [unknown, Record<string, unknown>];
    expect(parent).toBe(window);
    expect(options.defaultPath).toBe(path.join(fakes.downloads, 'db_2026.sql.gz'));
    expect(options.filters).toEqual([{ name: 'Backups', extensions: ['gz'] }]);
  });

  it('chooseSavePath: a cancelled dialog is null, not an error; without a window the dialog is app-modal', async () => {
    fakes.showSaveDialog.mockResolvedValueOnce({ canceled: true, filePath: '' });
    const hooks = desktopFileHooks(() => null);
    await expect(hooks.chooseSavePath({ fileName: 'x.sql', size: 1, location: 'remote' })).resolves.toBeNull();
    const args = fakes.showSaveDialog.mock.calls[0] as unknown[];
    expect(args).toHaveLength(1);
    expect((args[0] as { defaultPath: string }).defaultPath).toBe(path.join(fakes.downloads, 'x.sql'));
  });

  it('showInFolder: shell.showItemInFolder with the file', () => {
    desktopFileHooks(() => null).showInFolder('/tmp/a/b.sql.gz');
    expect(fakes.showItemInFolder).toHaveBeenCalledWith('/tmp/a/b.sql.gz');
  });
});

describe('backups.saveCopy and backups.showInFolder through an App with the Electron hooks', () => {
  let tmp: string;
  let app: App;
  let profileId: string;
  let backupFile: string;
  const call = <K extends OperationName>(name: K, args: ArgsIn<K>) =>
    dispatch(app.handlers, name, args, { door: 'electron', actor: 'electron' }) as Promise<Result<ResultOf<K>>>;
  async function ok<K extends OperationName>(name: K, args: ArgsIn<K>): Promise<ResultOf<K>> {
    const r = await call(name, args);
    if (!r.ok) throw new Error(`${name}: ${r.code}: ${r.message}`);
    return r.value;
  }

  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sysndd-save-copy-'));
    app = new App({
      door: 'electron',
      secrets: new MemorySecretStore(null),
      home: path.join(tmp, 'home'),
      hooks: desktopFileHooks(() => null),
    });
    const backups = path.join(tmp, 'backups');
    profileId = (await ok('profiles.create', { profile: { name: 'copy', mysql: { user: 'u' }, localBackupDir: backups } })).id;
    // A plain mysqldump file: no MariaDB needed to make it, and its copy is checked byte for byte.
    fs.mkdirSync(backups, { recursive: true });
    backupFile = path.join(backups, 'plain_2026-01-01.sql');
    fs.writeFileSync(
      backupFile,
      `-- MariaDB dump\nCREATE TABLE t (id INT);\n${'INSERT INTO t VALUES (1);\n'.repeat(5000)}-- Dump completed\n`,
    );
  });
  afterAll(async () => {
    await app.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('cancel in the dialog: cancelled, no job, no file, no error', async () => {
    const out = path.join(tmp, 'out-cancel');
    fs.mkdirSync(out);
    fakes.showSaveDialog.mockResolvedValueOnce({ canceled: true, filePath: '' });
    const r = await ok('backups.saveCopy', { profileId, name: path.basename(backupFile) });
    expect(r).toEqual({ cancelled: true, job: null });
    expect(fs.readdirSync(out)).toEqual([]);
    expect(app.jobs.active()).toEqual([]);
  });

  it('a chosen path: the job copies and checks; then Show in folder opens the file manager on the copy', async () => {
    const out = path.join(tmp, 'out-save');
    fs.mkdirSync(out);
    const target = path.join(out, 'my copy.sql');
    fakes.showSaveDialog.mockResolvedValueOnce({ canceled: false, filePath: target });
    const r = await ok('backups.saveCopy', { profileId, name: path.basename(backupFile) });
    expect(r.cancelled).toBe(false);
    const final = (await app.jobs.wait((r.job as JobSnapshot).id)) as JobSnapshot;
    expect(final.state, final.error?.message).toBe('succeeded');
    const saved = final.result as SavedBackupCopy;
    expect(saved).toMatchObject({ path: target, size: fs.statSync(backupFile).size, check: 'sha256' });
    expect(fs.readFileSync(target).equals(fs.readFileSync(backupFile))).toBe(true);
    expect(fs.readdirSync(out)).toEqual(['my copy.sql']);

    const shown = await ok('backups.showInFolder', { savedPath: target });
    expect(shown).toEqual({ path: target, folder: out, shown: true });
    expect(fakes.showItemInFolder).toHaveBeenCalledWith(target);
  });

  it('Show in folder: a local backup is shown; a path this app did not save is refused (NOT_FOUND)', async () => {
    const shown = await ok('backups.showInFolder', { profileId, name: path.basename(backupFile) });
    expect(shown).toEqual({ path: backupFile, folder: path.dirname(backupFile), shown: true });
    const other = await call('backups.showInFolder', { savedPath: '/etc/passwd' });
    expect(other.ok === false && other.code).toBe('NOT_FOUND');
    expect(fakes.showItemInFolder).toHaveBeenCalledTimes(1);
  });

  it('the backup itself as the target is refused before any job (CONFLICT), and the file is untouched', async () => {
    const before = fs.readFileSync(backupFile);
    fakes.showSaveDialog.mockResolvedValueOnce({ canceled: false, filePath: backupFile });
    const r = await call('backups.saveCopy', { profileId, name: path.basename(backupFile) });
    expect(r.ok === false && r.code).toBe('CONFLICT');
    expect(fs.readFileSync(backupFile).equals(before)).toBe(true);
  });
});
