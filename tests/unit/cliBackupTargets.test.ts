import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import zlib from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../../src/main/doors/cli/program';
import type { PrunePlan } from '../../src/shared/contract/index';

// `backup prune|delete` with a --url target instead of a saved profile: they only touch files, so a folder
// (--dir) is all they need and no MySQL server has to exist. Port 1 on loopback makes sure of that: any
// attempt to connect would fail the command.
const URL = 'mysql://app@127.0.0.1:1/sysndd_db';
let home: string;
let dir: string;

async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d: Buffer) => (out += d.toString()));
  stderr.on('data', (d: Buffer) => (err += d.toString()));
  const code = await runCli(argv, { stdout, stderr });
  return { code, out, err };
}

/** A complete mysqldump-style file, as SysNDD's nightly job writes them. */
function plantDump(name: string, mtime: Date): string {
  const file = path.join(dir, name);
  const text = [
    '-- MySQL dump 10.13',
    'CREATE TABLE `t` (`id` int);',
    'INSERT INTO `t` VALUES (1);',
    '-- Dump completed on 2026-01-01',
  ];
  fs.writeFileSync(file, zlib.gzipSync(`${text.join('\n')}\n`));
  fs.utimesSync(file, mtime, mtime);
  return file;
}

beforeEach(() => {
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'sysndd-cli-bt-'));
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sysndd-cli-bt-dir-'));
  process.env.SYSNDD_ADMIN_HOME = home;
  process.env.SYSNDD_ADMIN_SECRETS = 'memory';
  delete process.env.MYSQL_PWD;
});

afterEach(() => {
  fs.rmSync(home, { recursive: true, force: true });
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('backup prune|delete with --url and --dir (no saved profile, no database)', () => {
  it('prune previews, then with --confirm DELETE keeps the newest and deletes the rest of --dir', async () => {
    const names = ['sysndd_db.2026-01-01T03-00.sql.gz', 'sysndd_db.2026-01-02T03-00.sql.gz', 'sysndd_db.2026-01-03T03-00.sql.gz'];
    for (const [i, n] of names.entries()) plantDump(n, new Date(Date.UTC(2026, 0, i + 1, 3)));

    const preview = await run(['--json', 'backup', 'prune', '--url', URL, '--dir', dir, '--keep-last', '1']);
    expect(preview.code, preview.err).toBe(0);
    const plan = JSON.parse(preview.out) as PrunePlan;
    expect(plan.keep.map((f) => f.name)).toEqual([names[2]]);
    expect(plan.remove.map((f) => f.name).sort()).toEqual([names[0], names[1]]);
    expect(fs.readdirSync(dir).sort()).toEqual(names);

    const applied = await run([
      '--json',
      'backup',
      'prune',
      '--url',
      URL,
      '--dir',
      dir,
      '--keep-last',
      '1',
      '--confirm',
      'DELETE',
    ]);
    expect(applied.code, applied.err).toBe(0);
    expect((JSON.parse(applied.out) as { deleted: string[] }).deleted.sort()).toEqual([
      path.join(dir, names[0] as string),
      path.join(dir, names[1] as string),
    ]);
    expect(fs.readdirSync(dir)).toEqual([names[2]]);
  });

  it('the text plan says why each file is kept and marks pre-restore backups as their own class', async () => {
    const old = 'sysndd_db.2026-01-01T03-00.sql.gz';
    const newest = 'sysndd_db.2026-01-02T03-00.sql.gz';
    const safety = 'sysndd_db.2026-01-03T03-00_pre-restore.sql.gz';
    plantDump(old, new Date(Date.UTC(2026, 0, 1, 3)));
    plantDump(newest, new Date(Date.UTC(2026, 0, 2, 3)));
    plantDump(safety, new Date());
    const r = await run(['backup', 'prune', '--url', URL, '--dir', dir, '--keep-last', '1']);
    expect(r.code, r.err).toBe(0);
    const lines = r.out.split('\n');
    expect(lines[0]).toMatch(/^Would delete 1 local backup\(s\), .*; keeping 2\.$/);
    expect(lines.find((l) => l.includes(old))).toMatch(/^ {2}- /);
    const kept = (name: string) => lines[lines.findIndex((l) => l.includes(name)) + 1];
    expect(kept(newest)).toBe('      kept: newest 1 of the last 1');
    expect(lines.find((l) => l.includes(safety))).toContain('(pre-restore/pre-migration)');
    expect(kept(safety)).toBe('      kept: pre-restore/pre-migration backup younger than 7 day(s)');
    expect(r.out).toContain('Nothing deleted. Run again with --confirm DELETE to apply.');
    // Not a terminal: nothing asked, nothing deleted.
    expect(fs.readdirSync(dir).sort()).toEqual([old, newest, safety]);
  });

  it('delete removes exactly the named file in --dir; without --confirm DELETE it is refused (exit 3)', async () => {
    const keep = plantDump('sysndd_db.2026-01-01T03-00.sql.gz', new Date());
    const gone = plantDump('sysndd_db.2026-01-02T03-00.sql.gz', new Date());

    const refused = await run(['backup', 'delete', path.basename(gone), '--url', URL, '--dir', dir]);
    expect(refused.code).toBe(3);
    expect(refused.err).toContain('CONFIRMATION_REQUIRED');
    expect(fs.existsSync(gone)).toBe(true);

    const r = await run(['--json', 'backup', 'delete', path.basename(gone), '--url', URL, '--dir', dir, '--confirm', 'DELETE']);
    expect(r.code, r.err).toBe(0);
    expect(JSON.parse(r.out)).toEqual({ deleted: [gone] });
    expect(fs.existsSync(gone)).toBe(false);
    expect(fs.existsSync(keep)).toBe(true);
  });

  it('without --dir a --url target uses <home>/backups/<user@host:port, file-safe>, where `backup create --url` writes', async () => {
    const r = await run(['--json', 'backup', 'prune', '--url', URL, '--keep-last', '1']);
    expect(r.code, r.err).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({ location: 'local', keep: [], remove: [] });
    const listed = await run(['--json', 'backup', 'list', '--url', URL, '--offline']);
    expect(JSON.parse(listed.out)).toMatchObject({ localDir: path.join(home, 'backups', 'app_127_0_0_1_1') });
  });

  it('refuses folder flags that cannot apply: --remote-dir without --ssh, --dir with a saved profile, download without --remote-dir', async () => {
    const noSsh = await run(['backup', 'prune', '--url', URL, '--remote-dir', '/srv/backups', '--remote', '--keep-last', '1']);
    expect(noSsh.code).toBe(2);
    expect(noSsh.err).toContain('--remote-dir needs --ssh');

    const withProfile = await run(['backup', 'delete', 'x.sql.gz', '--profile', 'prod', '--dir', dir, '--confirm', 'DELETE']);
    expect(withProfile.code).toBe(2);
    expect(withProfile.err).toContain('--dir and --remote-dir go with --url');

    const download = await run(['backup', 'download', 'x.sql.gz', '--url', URL, '--ssh', 'ops@127.0.0.1:1']);
    expect(download.code).toBe(2);
    expect(download.err).toContain('--remote-dir');
  });
});
