import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../../src/main/doors/cli/program';

function capture() {
  const out = new PassThrough();
  const err = new PassThrough();
  let stdout = '';
  let stderr = '';
  out.on('data', (d) => (stdout += d));
  err.on('data', (d) => (stderr += d));
  return { streams: { stdout: out, stderr: err }, text: () => ({ stdout, stderr }) };
}

beforeEach(() => {
  process.env.SYSNDD_ADMIN_HOME = fs.mkdtempSync(path.join(os.tmpdir(), 'sysndd-cli-'));
  process.env.SYSNDD_ADMIN_SECRETS = 'memory';
});

describe('sysndd-admin CLI', () => {
  it('exits 2 on an unknown command and prints usage', async () => {
    const c = capture();
    expect(await runCli(['frobnicate'], c.streams)).toBe(2);
    expect(c.text().stderr).toContain("unknown command 'frobnicate'");
  });

  it('exits 0 on --help for a command group', async () => {
    const c = capture();
    expect(await runCli(['jobs', '--help'], c.streams)).toBe(0);
    expect(c.text().stdout).toContain('job history');
  });

  it('runs a job, prints JSON-lines progress and the final snapshot with --json', async () => {
    const c = capture();
    expect(await runCli(['--json', 'jobs', 'demo', '--steps', '3', '--step-ms', '5'], c.streams)).toBe(0);
    const lines = c
      .text()
      .stdout.trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.some((l) => l.type === 'progress')).toBe(true);
    expect(lines.at(-1)).toMatchObject({ kind: 'demo', state: 'succeeded' });
  });

  it('maps a failure to its code: NOT_FOUND → 1, with a JSON failure body', async () => {
    const c = capture();
    expect(await runCli(['--json', 'jobs', 'show', 'nope'], c.streams)).toBe(1);
    expect(JSON.parse(c.text().stdout)).toMatchObject({ ok: false, code: 'NOT_FOUND' });
  });

  it('refuses a password inside --url (it would leak to the process list)', async () => {
    const { profileTargetFromFlags } = await import('../../src/main/doors/cli/target');
    await expect(profileTargetFromFlags({ url: 'mysql://root:pw@127.0.0.1:3306/db' })).rejects.toThrow(/MYSQL_PWD/);
    process.env.MYSQL_PWD = 'from-env';
    const { input, secrets } = await profileTargetFromFlags({
      url: 'mysql://app@db.example:3307/sysndd',
      ssh: 'ops@bastion:2222',
    });
    delete process.env.MYSQL_PWD;
    expect(input.mysql).toMatchObject({ host: 'db.example', port: 3307, user: 'app', database: 'sysndd' });
    expect(input.ssh).toMatchObject({ host: 'bastion', port: 2222, user: 'ops', auth: 'agent' });
    expect(secrets['mysql.password']).toBe('from-env');
  });
});
