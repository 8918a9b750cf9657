import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PrunePlan } from '../../../src/shared/contract/index';
import { type SshdFixture, startSshd } from '../../fixtures/sshd';
import { cli } from './cliRun';

const sha = (file: string) => createHash('sha256').update(fs.readFileSync(file)).digest('hex');

/**
 * Issue 2: every database command takes `--url … --ssh user@host --ssh-key PATH` instead of a saved profile.
 * `backup download` needs only the SSH side (SFTP), so the MySQL URL points at a port nothing listens on:
 * the command must not try it, and must not ask for its password.
 */
describe('backup download|prune|delete --url --ssh --ssh-key (no saved profile) through a real sshd', () => {
  let sshd: SshdFixture;
  let home: string;
  let remoteDir: string;
  let localDir: string;
  const name = 'sysndd_db.2026-02-01T03-00.sql.gz';
  const older = 'sysndd_db.2026-01-01T03-00.sql.gz';
  let target: string[];

  beforeAll(async () => {
    sshd = await startSshd();
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'sysndd-url-dl-home-'));
    remoteDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sysndd-url-dl-remote-'));
    localDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sysndd-url-dl-local-'));
    const dump = ['-- MySQL dump 10.13', 'CREATE TABLE `a` (`id` int);', 'INSERT INTO `a` VALUES (1),(2);', '-- Dump completed'];
    for (const [i, n] of [older, name].entries()) {
      fs.writeFileSync(path.join(remoteDir, n), zlib.gzipSync(`${dump.join('\n')}\n-- ${n}\n`));
      const at = new Date(Date.UTC(2026, i, 1, 3));
      fs.utimesSync(path.join(remoteDir, n), at, at);
    }
    target = [
      '--url',
      'mysql://app@127.0.0.1:1/sysndd_db',
      '--ssh',
      `${sshd.user}@${sshd.host}:${sshd.port}`,
      '--ssh-key',
      sshd.privateKeyPath,
      '--accept-host-key',
      sshd.hostKeyFingerprint,
      '--remote-dir',
      remoteDir,
      '--dir',
      localDir,
    ];
    delete process.env.MYSQL_PWD;
  });

  afterAll(async () => {
    await sshd?.stop();
    for (const d of [home, remoteDir, localDir]) if (d) fs.rmSync(d, { recursive: true, force: true });
  });

  it('download copies the file over SFTP into --dir and checks it', async () => {
    const r = await cli(['--json', 'backup', 'download', name, ...target], home);
    expect(r.code, r.err + r.out).toBe(0);
    const result = r.json<{ path: string; sha256: string; resumedFrom: number }>();
    expect(result).toMatchObject({ path: path.join(localDir, name), resumedFrom: 0 });
    expect(result.sha256).toBe(sha(path.join(remoteDir, name)));
    expect(sha(path.join(localDir, name))).toBe(result.sha256);
  });

  it('an unpinned host key without --accept-host-key is refused (the flags pin exactly that key)', async () => {
    const withoutAccept = target.filter((_, i) => target[i] !== '--accept-host-key' && target[i - 1] !== '--accept-host-key');
    const r = await cli(['--json', 'backup', 'download', older, ...withoutAccept], fs.mkdtempSync(path.join(home, 'fresh-')));
    expect(r.code).toBe(3);
    expect(r.json()).toMatchObject({ ok: false, code: 'HOST_KEY_UNKNOWN' });
    expect(fs.existsSync(path.join(localDir, older))).toBe(false);
  });

  it('prune --remote plans over SFTP; delete --remote removes the remote copy only', async () => {
    const preview = await cli(['--json', 'backup', 'prune', '--remote', '--keep-last', '1', ...target], home);
    expect(preview.code, preview.err).toBe(0);
    const plan = preview.json<PrunePlan>();
    expect(plan.keep.map((f) => f.name)).toEqual([name]);
    expect(plan.remove.map((f) => f.name)).toEqual([older]);

    const del = await cli(['--json', 'backup', 'delete', name, '--remote', '--confirm', 'DELETE', ...target], home);
    expect(del.code, del.err).toBe(0);
    expect(fs.existsSync(path.join(remoteDir, name))).toBe(false);
    expect(fs.existsSync(path.join(localDir, name))).toBe(true);
    expect(fs.existsSync(path.join(remoteDir, older))).toBe(true);
  });
});
