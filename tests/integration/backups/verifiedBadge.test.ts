import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manifestTail } from '../../../src/main/features/backups/format/BackupFileWriter';
import { readManifest } from '../../../src/main/features/backups/format/index';
import type { BackupEntry, CreateBackupResult, JobSnapshot } from '../../../src/shared/contract/index';
import { createTestApp, type TestApp } from '../../fixtures/app';
import { createProfileForTestDb, createTestDatabase, rootConnection, type TestDatabase } from '../../fixtures/mysql';
import { keyAuthHop, type SshdFixture, startSshd } from '../../fixtures/sshd';

/**
 * The verified badge follows the bytes that were checked, not the manifest or the name: a backup edited
 * after it was verified — re-sealed with fresh hashes, or altered in place, each with its size and mtime
 * kept — shows no badge (and a failed one once verified again); a copy proven the same content (a verified
 * remote backup, downloaded) shares it.
 */
describe('verified badge keyed on the file content', () => {
  let t: TestApp;
  let db: TestDatabase;
  let sshd: SshdFixture;
  let profileId: string;
  let file: string;
  const remoteDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bk-badge-remote-'));
  const localDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bk-badge-local-'));

  const finished = async (job: JobSnapshot) => t.app.jobs.wait(job.id, 120_000);
  const entry = async (name: string, refreshRemote = false): Promise<BackupEntry | undefined> =>
    (await t.ok('backups.list', { profileId, refreshRemote })).entries.find((e) => e.name === name);
  const verify = async (ref: { path: string } | { name: string }) =>
    finished(await t.ok('backups.verify', { profileId, ...ref, scratchRestore: false }));
  /**
   * Give a file a whole-second mtime (returned), so an edit can put it back exactly: utimes takes
   * milliseconds at best, a file's own mtime has nanoseconds.
   */
  const wholeSecondMtime = (f: string): Date => {
    const at = new Date(Math.floor(fs.statSync(f).mtimeMs / 1000) * 1000);
    fs.utimesSync(f, at, at);
    return at;
  };

  beforeAll(async () => {
    [sshd, db] = await Promise.all([startSshd(), createTestDatabase('bk_badge')]);
    const c = await rootConnection({ database: db.name });
    await c.query('CREATE TABLE gene (id INT PRIMARY KEY, symbol VARCHAR(20))');
    await c.query("INSERT INTO gene VALUES (1, 'ARID1B'), (2, 'SCN2A'), (3, 'ANKRD11')");
    await c.end();
    t = createTestApp();
    await t.ok('connections.trustHostKey', {
      host: sshd.host,
      port: sshd.port,
      keyType: 'ssh-ed25519',
      fingerprint: sshd.hostKeyFingerprint,
    });
    profileId = (
      await createProfileForTestDb(t, db.name, { localBackupDir: localDir, remoteBackupDir: remoteDir, ssh: keyAuthHop(sshd) })
    ).id;
    const done = await finished(await t.ok('backups.create', { profileId, options: {} }));
    if (done.state !== 'succeeded') throw new Error(`backup failed: ${done.error?.message}`);
    file = (done.result as CreateBackupResult).path;
  });

  afterAll(async () => {
    await t?.close();
    await Promise.all([sshd?.stop(), db?.drop()]);
    for (const d of [remoteDir, localDir]) fs.rmSync(d, { recursive: true, force: true });
  });

  it('a backup re-sealed after it was verified (same size, mtime put back) loses its badge', async () => {
    const name = path.basename(file);
    const mtime = wholeSecondMtime(file);
    expect((await verify({ path: file })).state).toBe('succeeded');
    expect((await entry(name))?.verified).toMatchObject({ ok: true, level: 'structure' });

    // Re-seal with another manifest (valid hashes) of exactly the same size, then put the mtime back.
    const bytes = fs.readFileSync(file);
    const manifest = await readManifest(file);
    const at = (manifest.members.at(-1)?.offset ?? 0) + (manifest.members.at(-1)?.length ?? 0);
    let resealed: Buffer | null = null;
    // Another source host (random, so it does not compress away, of every length, with a varying tail) until
    // the re-sealed tail has the old size: it carries no signature line, so the host makes up for it.
    const noise = randomBytes(600).toString('base64');
    for (let pad = 0; pad < 600 && !resealed; pad++) {
      for (let i = 0; i < 10 && !resealed; i++) {
        const host = `${noise.slice(0, pad)}${i}`;
        const candidate = Buffer.concat([
          bytes.subarray(0, at),
          await manifestTail({ ...manifest, source: { ...manifest.source, host } }, at),
        ]);
        if (candidate.length === bytes.length) resealed = candidate;
      }
    }
    if (!resealed) throw new Error('no same-size re-seal found');
    fs.writeFileSync(file, resealed);
    fs.utimesSync(file, mtime, mtime);
    expect(fs.statSync(file).size).toBe(bytes.length);
    expect(fs.statSync(file).mtimeMs).toBe(mtime.getTime());
    expect((await readManifest(file)).source.host).not.toBe(manifest.source.host);

    const after = await entry(name);
    expect(after?.verified ?? null).toBeNull();
    // Verified again, it earns its own badge.
    expect((await verify({ name })).state).toBe('succeeded');
    expect((await entry(name))?.verified).toMatchObject({ ok: true });
  });

  it('a byte changed in place (same size, mtime put back, manifest untouched) loses the badge; verify then marks it FAILED', async () => {
    const name = path.basename(file);
    expect((await entry(name))?.verified?.ok).toBe(true);
    const manifest = await readManifest(file);
    const data = manifest.members.find((m) => m.kind === 'table-data');
    if (!data) throw new Error('no data member');
    const mtime = new Date(fs.statSync(file).mtimeMs);
    expect(mtime.getTime() % 1000).toBe(0);
    const fd = fs.openSync(file, 'r+');
    const one = Buffer.alloc(1);
    fs.readSync(fd, one, 0, 1, data.offset + Math.floor(data.length / 2));
    one[0] = (one[0] as number) ^ 0xff;
    fs.writeSync(fd, one, 0, 1, data.offset + Math.floor(data.length / 2));
    fs.closeSync(fd);
    fs.utimesSync(file, mtime, mtime);
    expect(fs.statSync(file).mtimeMs).toBe(mtime.getTime());

    expect((await entry(name))?.verified ?? null).toBeNull();
    const failed = await verify({ name });
    expect(failed.state).toBe('failed');
    expect(failed.error?.code).toBe('BACKUP_CORRUPT');
    expect((await entry(name))?.verified).toMatchObject({ ok: false });
  });

  it('a backup verified on the server keeps its badge once downloaded (proven the same content), not before', async () => {
    const done = await finished(await t.ok('backups.create', { profileId, options: { dir: remoteDir, label: 'remote' } }));
    const name = path.basename((done.result as CreateBackupResult).path);
    const remoteOnly = await entry(name, true);
    expect(remoteOnly?.location).toBe('remote');
    expect(remoteOnly?.verified ?? null).toBeNull();
    expect((await verify({ name })).state).toBe('succeeded');
    expect((await entry(name, true))?.verified).toMatchObject({ ok: true, level: 'structure' });

    const dl = await finished(await t.ok('backups.download', { profileId, name }));
    expect(dl.state, dl.error?.message).toBe('succeeded');
    const both = await entry(name, true);
    expect(both?.location).toBe('both');
    expect(both?.verified).toMatchObject({ ok: true, level: 'structure' });

    // The local copy edited afterwards: the merged row no longer claims it.
    const local = path.join(localDir, name);
    const { mtime } = fs.statSync(local);
    expect(mtime.getTime() % 1000).toBe(0); // the remote mtime, whole seconds over SFTP
    fs.writeFileSync(local, fs.readFileSync(local));
    fs.utimesSync(local, mtime, mtime);
    expect(fs.statSync(local).mtimeMs).toBe(mtime.getTime());
    expect((await entry(name, true))?.verified ?? null).toBeNull();
  });

  it('a foreign dump verified, then replaced by another of the same size and mtime, loses its badge', async () => {
    const name = 'sysndd_db.2026-01-01T03-00.sql.gz';
    const dump = (v: string) =>
      zlib.gzipSync(`CREATE TABLE a (id int);\nINSERT INTO a VALUES (${v});\n-- Dump completed on 2026-01-01  3:00:01\n`);
    const p = path.join(localDir, name);
    fs.writeFileSync(p, dump('1'));
    const mtime = wholeSecondMtime(p);
    expect((await verify({ name })).state).toBe('succeeded');
    expect((await entry(name))?.verified).toMatchObject({ ok: true });
    const { size } = fs.statSync(p);
    const tmp = `${p}.tmp`;
    fs.writeFileSync(tmp, dump('2'));
    expect(fs.statSync(tmp).size).toBe(size);
    fs.renameSync(tmp, p);
    fs.utimesSync(p, mtime, mtime);
    expect(fs.statSync(p).mtimeMs).toBe(mtime.getTime());
    expect((await entry(name))?.verified ?? null).toBeNull();
  });
});
