import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../../src/main/doors/cli/program';

// `backup path` only looks at files: a --url target with --dir needs no server (port 1 refuses any attempt).
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

beforeEach(() => {
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'sysndd-cli-path-'));
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sysndd-cli-path-dir-'));
  process.env.SYSNDD_ADMIN_HOME = home;
  process.env.SYSNDD_ADMIN_SECRETS = 'memory';
  delete process.env.MYSQL_PWD;
});

afterEach(() => {
  fs.rmSync(home, { recursive: true, force: true });
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('backup path NAME', () => {
  it('prints the absolute path of a backup in the local folder; --json adds its folder (nothing is opened)', async () => {
    const file = path.join(dir, 'sysndd_db.2026-01-01T03-00.sql');
    fs.writeFileSync(file, '-- MySQL dump 10.13\n-- Dump completed on 2026-01-01\n');
    const plain = await run(['backup', 'path', path.basename(file), '--url', URL, '--dir', dir]);
    expect(plain.err).toBe('');
    expect(plain.code).toBe(0);
    expect(plain.out.trim()).toBe(file);
    const json = await run(['--json', 'backup', 'path', path.basename(file), '--url', URL, '--dir', dir]);
    expect(JSON.parse(json.out)).toEqual({ path: file, folder: dir, shown: false });
  });

  it('a missing backup is NOT_FOUND and a path instead of a name is refused (exit ≠ 0, nothing printed to stdout)', async () => {
    const missing = await run(['backup', 'path', 'sysndd_db.2026-01-09T03-00.sql.gz', '--url', URL, '--dir', dir]);
    expect(missing.code).not.toBe(0);
    expect(missing.out).toBe('');
    expect(missing.err).toContain('NOT_FOUND');
    const hostile = await run(['backup', 'path', '../../etc/passwd', '--url', URL, '--dir', dir]);
    expect(hostile.code).not.toBe(0);
    expect(hostile.err).toContain('UNSAFE_FILENAME');
  });
});
