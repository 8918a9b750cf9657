import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BackupList, CreateBackupResult, JobSnapshot, PrunePlan } from '../../../src/shared/contract/index';
import { createTestApp, type TestApp } from '../../fixtures/app';
import { createProfileForTestDb, createTestDatabase, rootConnection, seqRows, type TestDatabase } from '../../fixtures/mysql';
import { keyAuthHop, type SshdFixture, startSshd } from '../../fixtures/sshd';
import { cli } from './cliRun';

const sha = (file: string) => createHash('sha256').update(fs.readFileSync(file)).digest('hex');

/** The SysNDD server's backup folder reached over SFTP through a real OpenSSH sshd. */
describe('remote backup folder over SFTP', () => {
  let t: TestApp;
  let sshd: SshdFixture;
  let db: TestDatabase;
  let profileId: string;
  let remoteDir: string;
  let localDir: string;
  let ours: string;
  const foreign = 'sysndd_db.2026-01-01T03-00.sql.gz';

  beforeAll(async () => {
    [sshd, db] = await Promise.all([startSshd(), createTestDatabase('bk_sftp')]);
    const c = await rootConnection({ database: db.name });
    await c.query('CREATE TABLE blobs (id INT PRIMARY KEY, b LONGBLOB) ENGINE=InnoDB');
    // ~12 MB of incompressible data, so the file is big enough to interrupt a download.
    await c.query(`INSERT INTO blobs SELECT seq, RANDOM_BYTES(1024) FROM ${seqRows(6000)}`);
    await c.query('CREATE TABLE small (id INT PRIMARY KEY)');
    await c.end();
    remoteDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bk-remote-'));
    t = createTestApp();
    await t.ok('connections.trustHostKey', {
      host: sshd.host,
      port: sshd.port,
      keyType: 'ssh-ed25519',
      fingerprint: sshd.hostKeyFingerprint,
    });
    const p = await createProfileForTestDb(t, db.name, {
      name: 'via ssh',
      remoteBackupDir: remoteDir,
      ssh: keyAuthHop(sshd),
    });
    profileId = p.id;
    localDir = t.app.backups.localDir(p);
    // "Made on the server": our backup written straight into the remote folder, plus a nightly mysqldump
    // file, its latest.* link (skipped like SysNDD does) and a file whose name is not a backup name.
    const job = await t.ok('backups.create', { profileId, options: { dir: remoteDir } });
    const final = await t.ok('jobs.wait', { id: job.id, timeoutMs: 120_000 });
    if (final.state !== 'succeeded') throw new Error(`backup failed: ${final.error?.message}`);
    ours = path.basename((final.result as CreateBackupResult).path);
    const dump = ['-- MySQL dump 10.13  Distrib 8.0.36', '-- Host: mysql    Database: sysndd_db', '-- Server version\t8.0.36']
      .concat(
        ['a', 'b', 'c'].map((n) => `CREATE TABLE \`${n}\` (\n  \`id\` int NOT NULL\n);\nINSERT INTO \`${n}\` VALUES (1),(2);`),
      )
      .concat(['-- Dump completed on 2026-01-01  3:00:01', ''])
      .join('\n');
    fs.writeFileSync(path.join(remoteDir, foreign), zlib.gzipSync(dump, { level: 9 }));
    fs.symlinkSync(path.join(remoteDir, foreign), path.join(remoteDir, 'latest.sql.gz'));
    fs.writeFileSync(path.join(remoteDir, 'notes $(id).txt'), 'not a backup');
  });

  afterAll(async () => {
    await t?.close();
    await Promise.all([sshd?.stop(), db?.drop()]);
    fs.rmSync(remoteDir, { recursive: true, force: true });
  });

  it('lists the remote folder: our backup with its manifest facts, the foreign dump, no symlink', async () => {
    const list = await t.ok('backups.list', { profileId, refreshRemote: true });
    expect(list.remoteError).toBeNull();
    expect(list.entries.map((e) => e.name).sort()).toEqual([ours, foreign].sort());
    const o = list.entries.find((e) => e.name === ours);
    expect(o).toMatchObject({
      location: 'remote',
      format: 'sysndd-admin',
      status: 'complete',
      tableCount: 2,
      rowCount: 6000,
      localPath: null,
    });
    expect(list.entries.find((e) => e.name === foreign)).toMatchObject({
      location: 'remote',
      format: 'foreign',
      status: 'unknown',
      tableCount: null,
    });
    const shown = await t.ok('backups.manifest', { profileId, name: ours });
    expect(shown.manifest?.tables.map((x) => x.name)).toEqual(['blobs', 'small']);
  });

  it('resumes an interrupted download and checks every member against the manifest', async () => {
    // Cancel from inside a progress event past 2 MiB: the copy stops within a chunk or two.
    let first: JobSnapshot | null = null;
    const off = t.app.events.subscribe((e) => {
      if (e.type === 'job.updated' && e.job.kind === 'backup.download' && (e.job.progress.bytes ?? 0) > 2 << 20 && !first) {
        first = e.job;
        t.app.jobs.cancel(e.job.id);
      }
    });
    const job1 = await t.ok('backups.download', { profileId, name: ours });
    const end1 = await t.ok('jobs.wait', { id: job1.id, timeoutMs: 60_000 });
    off();
    expect(end1.state).toBe('cancelled');
    const partial = path.join(localDir, `${ours}.download.partial`);
    const had = fs.statSync(partial).size;
    const total = fs.statSync(path.join(remoteDir, ours)).size;
    expect(had).toBeGreaterThan(0);
    expect(had).toBeLessThan(total);
    expect(fs.existsSync(path.join(localDir, ours))).toBe(false);

    const job2 = await t.ok('backups.download', { profileId, name: ours });
    const end2 = await t.ok('jobs.wait', { id: job2.id, timeoutMs: 60_000 });
    expect(end2.state, end2.error?.message).toBe('succeeded');
    const r = end2.result as { path: string; resumedFrom: number; sha256: string; format: string };
    expect(r.resumedFrom).toBe(had);
    expect(r.format).toBe('sysndd-admin');
    expect(r.sha256).toBe(sha(path.join(remoteDir, ours)));
    expect(sha(path.join(localDir, ours))).toBe(r.sha256);
    expect(fs.existsSync(partial)).toBe(false);
    const log = await t.ok('jobs.log', { id: job2.id, afterSeq: 0 });
    expect(log.map((l) => l.message).join('\n')).toMatch(/Resuming .* at \d+ of \d+ bytes[\s\S]*members match their SHA-256/);

    const list = await t.ok('backups.list', { profileId, refreshRemote: true });
    expect(list.entries.find((e) => e.name === ours)).toMatchObject({ location: 'both', status: 'complete' });
  });

  it('an already-present local copy is checked against its manifest: real format when sound, refused (kept) when altered', async () => {
    const local = path.join(localDir, ours);
    const good = fs.readFileSync(local);
    const again = await t.ok('jobs.wait', {
      id: (await t.ok('backups.download', { profileId, name: ours })).id,
      timeoutMs: 60_000,
    });
    expect(again.state, again.error?.message).toBe('succeeded');
    expect(again.result).toMatchObject({ alreadyPresent: true, format: 'sysndd-admin', bytes: 0, sha256: sha(local) });
    const log = (await t.ok('jobs.log', { id: again.id, afterSeq: 0 })).map((l) => l.message).join('\n');
    expect(log).toMatch(/members match their SHA-256/);

    // Same size, one byte flipped inside a member: not the remote file, and not a sound backup.
    const bad = Buffer.from(good);
    const mid = Math.floor(bad.length / 2);
    bad[mid] = (bad[mid] as number) ^ 0xff;
    fs.writeFileSync(local, bad);
    try {
      const refused = await t.ok('jobs.wait', {
        id: (await t.ok('backups.download', { profileId, name: ours })).id,
        timeoutMs: 60_000,
      });
      expect(refused.state).toBe('failed');
      expect(refused.error?.code).toBe('BACKUP_CORRUPT');
      expect(refused.error?.message).toContain('already exists locally');
      // The user's file is reported, never deleted or replaced.
      expect(fs.readFileSync(local).equals(bad)).toBe(true);
    } finally {
      fs.writeFileSync(local, good);
    }
  });

  it('starts over when the remote file changed since the partial copy, and refuses a damaged copy', async () => {
    const name = 'damaged_20260101T000000Z.sql.gz';
    const good = fs.readFileSync(path.join(remoteDir, ours));
    const bad = Buffer.from(good);
    const mid = Math.floor(bad.length / 2);
    bad[mid] = (bad[mid] as number) ^ 0xff;
    fs.writeFileSync(path.join(remoteDir, name), bad);
    fs.writeFileSync(path.join(localDir, `${name}.download.partial`), Buffer.alloc(1000, 1));
    const job = await t.ok('backups.download', { profileId, name });
    const end = await t.ok('jobs.wait', { id: job.id, timeoutMs: 60_000 });
    expect(end.state).toBe('failed');
    expect(end.error?.code).toBe('BACKUP_CORRUPT');
    const log = (await t.ok('jobs.log', { id: job.id, afterSeq: 0 })).map((l) => l.message).join('\n');
    expect(log).toContain('starting over');
    expect(fs.existsSync(path.join(localDir, name))).toBe(false);
    expect(fs.existsSync(path.join(localDir, `${name}.download.partial`))).toBe(false);
    fs.rmSync(path.join(remoteDir, name));
  });

  it('CLI: downloads a foreign dump (its real table count is then known), lists both folders, previews a prune', async () => {
    const dl = await cli(['--json', 'backup', 'download', foreign, '--profile', 'via ssh'], t.home);
    expect(dl.code, dl.err + dl.out).toBe(0);
    const r = dl.json<{ path: string; sha256: string; resumedFrom: number }>();
    expect(r).toMatchObject({ path: path.join(localDir, foreign), resumedFrom: 0 });
    expect(r.sha256).toBe(sha(path.join(remoteDir, foreign)));
    // --json progress lines come before the result.
    expect(dl.out).toContain('"type":"progress"');

    const listed = await cli(['--json', 'backup', 'list', '--profile', 'via ssh'], t.home);
    expect(listed.code, listed.err).toBe(0);
    const entries = listed.json<BackupList>().entries;
    expect(entries.find((e) => e.name === foreign)).toMatchObject({
      location: 'both',
      format: 'foreign',
      status: 'complete',
      tableCount: 3,
    });
    expect(entries.find((e) => e.name === ours)).toMatchObject({ location: 'both', format: 'sysndd-admin', rowCount: 6000 });

    // Without --confirm DELETE, prune only shows its plan; nothing is deleted.
    const preview = await cli(['--json', 'backup', 'prune', '--profile', 'via ssh', '--remote', '--keep-last', '1'], t.home);
    expect(preview.code, preview.err).toBe(0);
    const plan = preview.json<PrunePlan>();
    expect(plan.location).toBe('remote');
    expect([...plan.keep, ...plan.remove].map((f) => f.name).sort()).toEqual([ours, foreign].sort());
    expect(plan.remove).toHaveLength(1);
    expect(
      fs
        .readdirSync(remoteDir)
        .filter((n) => n.endsWith('.gz'))
        .sort(),
    ).toEqual([ours, foreign, 'latest.sql.gz'].sort());
    const refused = await cli(['backup', 'download', '../../etc/passwd', '--profile', 'via ssh'], t.home);
    expect(refused.code).toBe(3);
    expect(refused.err).toContain('UNSAFE_FILENAME');
  });

  it('refuses hostile names everywhere with UNSAFE_FILENAME', async () => {
    for (const name of ['../../etc/passwd', '../x.sql.gz', 'sub/x.sql.gz', '/etc/shadow.sql', 'x.sql.gz/..', '..']) {
      for (const r of [
        await t.call('backups.download', { profileId, name }),
        await t.call('backups.delete', { profileId, name, location: 'remote', confirm: 'DELETE' }),
        await t.call('backups.verify', { profileId, name, scratchRestore: false }),
        await t.call('backups.manifest', { profileId, name }),
      ]) {
        expect(r.ok ? 'ok' : r.code, name).toBe('UNSAFE_FILENAME');
      }
    }
    expect(fs.existsSync(path.join(remoteDir, ours))).toBe(true);
  });

  it('deletes a remote file only with the word DELETE, audited', async () => {
    const refused = await t.call('backups.delete', { profileId, name: foreign, location: 'remote' });
    expect(refused.ok ? 'ok' : refused.code).toBe('CONFIRMATION_REQUIRED');
    expect(fs.existsSync(path.join(remoteDir, foreign))).toBe(true);
    const done = await t.ok('backups.delete', { profileId, name: foreign, location: 'remote', confirm: 'DELETE' });
    expect(done.deleted).toEqual([`remote:${path.join(remoteDir, foreign)}`]);
    expect(fs.existsSync(path.join(remoteDir, foreign))).toBe(false);
    expect(fs.existsSync(path.join(localDir, foreign))).toBe(true);
    const audit = t.app.audit.list({ action: 'backups.delete' }).filter((a) => a.target === `remote:${foreign}`);
    expect(audit.map((a) => a.result)).toEqual(['succeeded', 'refused']);
  });

  it('keeps the catalog browsable offline when the SSH host is gone', async () => {
    await sshd.stop();
    await t.app.connections.closeProfile(profileId);
    const list = await t.ok('backups.list', { profileId, refreshRemote: true });
    expect(list.remoteError).not.toBeNull();
    expect(list.remoteFromCache).toBe(true);
    expect(list.entries.find((e) => e.name === ours)).toMatchObject({ location: 'both', tableCount: 2 });
  });
});
