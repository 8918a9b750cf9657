import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { App } from '../../../src/main/app/App';
import { dispatch } from '../../../src/main/core/dispatch';
import type { SavePathRequest } from '../../../src/main/features/backups/copy/BackupCopies';
import { MemorySecretStore } from '../../../src/main/platform/secrets/SecretStore';
import type {
  ArgsIn,
  BackupManifest,
  CreateBackupResult,
  JobSnapshot,
  OperationName,
  ResultOf,
  SavedBackupCopy,
} from '../../../src/shared/contract/index';
import type { Result } from '../../../src/shared/errors';
import type { TestApp } from '../../fixtures/app';
import { createProfileForTestDb, createTestDatabase, rootConnection, seqRows, type TestDatabase } from '../../fixtures/mysql';
import { keyAuthHop, type SshdFixture, startSshd } from '../../fixtures/sshd';

const sha = (file: string) => createHash('sha256').update(fs.readFileSync(file)).digest('hex');

/**
 * A real App whose door "chooses" save paths from a queue, as the Electron door's dialog would (null =
 * cancelled); the copy, its check and the job are the real ones. No file-manager hook: like browser mode.
 */
function appWithSaveDialog(): TestApp & { answers: Array<string | null>; asked: SavePathRequest[] } {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'sysndd-save-copy-'));
  const answers: Array<string | null> = [];
  const asked: SavePathRequest[] = [];
  const chooseSavePath = async (request: SavePathRequest) => {
    asked.push(request);
    return answers.shift() ?? null;
  };
  const app = new App({ door: 'test', secrets: new MemorySecretStore(null), home, hooks: { chooseSavePath } });
  const call = (async (name: string, args: unknown) =>
    dispatch(app.handlers, name, args, { door: 'test', actor: 'test' })) as TestApp['call'];
  const ok = (async (name: OperationName, args: unknown) => {
    const r = await dispatch(app.handlers, name, args, { door: 'test', actor: 'test' });
    if (!r.ok) throw new Error(`${name} failed: ${r.code}: ${r.message}`);
    return r.value;
  }) as TestApp['ok'];
  return { app, home, call, ok, close: () => app.close(), answers, asked };
}

describe('desktop "Save as…": copy + verify on real MariaDB (and a remote folder over SFTP)', () => {
  let t: ReturnType<typeof appWithSaveDialog>;
  let db: TestDatabase;
  let sshd: SshdFixture;
  let profileId: string;
  let localDir: string;
  let remoteDir: string;
  let backup: string;
  let out: string;

  async function jobEnd(job: JobSnapshot | null): Promise<JobSnapshot> {
    if (!job) throw new Error('no job was started');
    return t.ok('jobs.wait', { id: job.id, timeoutMs: 120_000 });
  }
  /** `backups.saveCopy` with the dialog answering `target` (null: the person cancelled). */
  async function saveTo(target: string | null, args: ArgsIn<'backups.saveCopy'>): Promise<Result<ResultOf<'backups.saveCopy'>>> {
    t.answers.push(target);
    return t.call('backups.saveCopy', args);
  }
  /** A new, empty folder to save into: after a failure, nothing at all may be in it. */
  function freshFolder(name: string): string {
    const dir = path.join(out, name);
    fs.mkdirSync(dir);
    return dir;
  }

  beforeAll(async () => {
    [db, sshd] = await Promise.all([createTestDatabase('bk_savecopy'), startSshd()]);
    const c = await rootConnection({ database: db.name });
    await c.query('CREATE TABLE blobs (id INT PRIMARY KEY, b LONGBLOB) ENGINE=InnoDB');
    // Incompressible rows over several members, so a damaged byte lands inside a data member.
    await c.query(`INSERT INTO blobs SELECT seq, RANDOM_BYTES(1024) FROM ${seqRows(6000)}`);
    await c.end();
    t = appWithSaveDialog();
    remoteDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bk-savecopy-remote-'));
    out = fs.mkdtempSync(path.join(os.tmpdir(), 'bk-savecopy-out-'));
    await t.ok('connections.trustHostKey', {
      host: sshd.host,
      port: sshd.port,
      keyType: 'ssh-ed25519',
      fingerprint: sshd.hostKeyFingerprint,
    });
    const profile = await createProfileForTestDb(t, db.name, {
      name: 'save copy',
      remoteBackupDir: remoteDir,
      ssh: keyAuthHop(sshd),
    });
    profileId = profile.id;
    localDir = t.app.backups.localDir(profile);
    const job = await jobEnd(await t.ok('backups.create', { profileId, options: { compressionLevel: 1 } }));
    expect(job.state, job.error?.message).toBe('succeeded');
    backup = (job.result as CreateBackupResult).path;
  });

  afterAll(async () => {
    await t?.close();
    await Promise.all([db?.drop(), sshd?.stop()]);
    for (const dir of [remoteDir, out, t?.home]) if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it("a good copy: the dialog is asked with the name and size, the copy verifies and its SHA-256 is the source's", async () => {
    const dir = freshFolder('good');
    const target = path.join(dir, 'offline copy.sql.gz');
    const r = await saveTo(target, { profileId, name: path.basename(backup) });
    if (!r.ok) throw new Error(r.message);
    expect(t.asked.at(-1)).toEqual({ fileName: path.basename(backup), size: fs.statSync(backup).size, location: 'local' });
    const end = await jobEnd(r.value.job);
    expect(end.state, end.error?.message).toBe('succeeded');
    expect(end.kind).toBe('backup.saveCopy');
    const saved = end.result as SavedBackupCopy;
    const manifest = (await t.ok('backups.manifest', { path: target })).manifest as BackupManifest;
    expect(saved).toMatchObject({ path: target, size: fs.statSync(backup).size, check: 'manifest' });
    expect(saved.members).toBe(manifest.members.length);
    expect(saved.sha256).toBe(sha(backup));
    expect(sha(target)).toBe(sha(backup));
    expect(fs.readdirSync(dir)).toEqual(['offline copy.sql.gz']);
    // Browser-like door (no file-manager hook): the folder comes back for the page to show.
    expect(await t.ok('backups.showInFolder', { savedPath: target })).toEqual({ path: target, folder: dir, shown: false });
  });

  it('a corrupted source is refused with BACKUP_CORRUPT; no partial is left and a file it would replace is untouched', async () => {
    const damaged = path.join(localDir, `${path.basename(backup, '.sql.gz')}_damaged.sql.gz`);
    const bytes = fs.readFileSync(backup);
    const manifest = (await t.ok('backups.manifest', { path: backup })).manifest as BackupManifest;
    const data = manifest.members.find((m) => m.kind === 'table-data');
    if (!data) throw new Error('the fixture backup has no table-data member');
    const at = data.offset + Math.floor(data.length / 2);
    bytes.writeUInt8(bytes.readUInt8(at) ^ 0xff, at);
    fs.writeFileSync(damaged, bytes);
    const dir = freshFolder('corrupt');
    const target = path.join(dir, 'replace me.sql.gz');
    fs.writeFileSync(target, 'the file the person agreed to replace');
    const r = await saveTo(target, { profileId, name: path.basename(damaged) });
    if (!r.ok) throw new Error(r.message);
    const end = await jobEnd(r.value.job);
    expect(end.state).toBe('failed');
    expect(end.error?.code).toBe('BACKUP_CORRUPT');
    expect(end.error?.message).toMatch(/failed its check and was deleted/);
    expect(fs.readdirSync(dir)).toEqual(['replace me.sql.gz']);
    expect(fs.readFileSync(target, 'utf8')).toBe('the file the person agreed to replace');
    fs.rmSync(damaged);
  });

  it('a source cut short is refused with BACKUP_INCOMPLETE and leaves nothing', async () => {
    const cut = path.join(localDir, `${path.basename(backup, '.sql.gz')}_cut.sql.gz`);
    const bytes = fs.readFileSync(backup);
    fs.writeFileSync(cut, bytes.subarray(0, Math.floor(bytes.length * 0.6)));
    const dir = freshFolder('cut');
    const r = await saveTo(path.join(dir, 'cut.sql.gz'), { profileId, name: path.basename(cut) });
    if (!r.ok) throw new Error(r.message);
    const end = await jobEnd(r.value.job);
    expect(end.error?.code).toBe('BACKUP_INCOMPLETE');
    expect(fs.readdirSync(dir)).toEqual([]);
    fs.rmSync(cut);
  });

  it('cancel: no job, nothing written, no error', async () => {
    const dir = freshFolder('cancel');
    const jobsBefore = (await t.ok('jobs.list', {})).length;
    const r = await saveTo(null, { profileId, name: path.basename(backup) });
    expect(r).toEqual({ ok: true, value: { cancelled: true, job: null } });
    expect(fs.readdirSync(dir)).toEqual([]);
    expect((await t.ok('jobs.list', {})).length).toBe(jobsBefore);
  });

  it('a name that is not a backup is refused before the dialog opens', async () => {
    const asked = t.asked.length;
    const r = await t.call('backups.saveCopy', { profileId, name: '../../etc/passwd' });
    expect(r.ok === false && r.code).toBe('UNSAFE_FILENAME');
    expect(t.asked.length).toBe(asked);
  });

  it('a remote backup is streamed over SFTP to the chosen path and verified', async () => {
    fs.copyFileSync(backup, path.join(remoteDir, 'remote_only.sql.gz'));
    const list = await t.ok('backups.list', { profileId, refreshRemote: true });
    expect(list.remoteError).toBeNull();
    const dir = freshFolder('remote');
    const target = path.join(dir, 'from the server.sql.gz');
    const r = await saveTo(target, { profileId, name: 'remote_only.sql.gz', location: 'remote' });
    if (!r.ok) throw new Error(r.message);
    const end = await jobEnd(r.value.job);
    expect(end.state, end.error?.message).toBe('succeeded');
    expect(end.result).toMatchObject({ path: target, check: 'manifest', sha256: sha(backup) });
    expect(fs.readdirSync(dir)).toEqual(['from the server.sql.gz']);
    // Only in the remote folder: there is no local file to show.
    const shown = await t.call('backups.showInFolder', { profileId, name: 'remote_only.sql.gz' });
    expect(shown.ok === false && shown.code).toBe('PRECONDITION_FAILED');
  });
});
