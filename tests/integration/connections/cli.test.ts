import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../../../src/main/doors/cli/program';
import { createTestDatabase, mysqlInfo, type TestDatabase } from '../../fixtures/mysql';
import { type SshdFixture, startSshd } from '../../fixtures/sshd';

async function cli(argv: string[], env: Record<string, string> = {}) {
  const out = new PassThrough();
  const err = new PassThrough();
  let stdout = '';
  let stderr = '';
  out.on('data', (d) => (stdout += d));
  err.on('data', (d) => (stderr += d));
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  Object.assign(process.env, env);
  try {
    const code = await runCli(argv, { stdout: out, stderr: err });
    return { code, stdout, stderr };
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

/** `sysndd-admin profile …` and `connect test` in-process, against the real MariaDB and sshd. */
describe('profile and connect commands', () => {
  let sshd: SshdFixture;
  let db: TestDatabase;
  let home: string;

  beforeAll(async () => {
    [sshd, db] = await Promise.all([startSshd(), createTestDatabase('conn_cli')]);
  });
  beforeEach(() => {
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'sysndd-cli-conn-'));
    process.env.SYSNDD_ADMIN_HOME = home;
    process.env.SYSNDD_ADMIN_SECRETS = 'memory';
  });
  afterAll(async () => {
    await Promise.all([sshd?.stop(), db?.drop()]);
  });

  function addArgs(name: string, extra: string[] = []) {
    const m = mysqlInfo();
    return [
      'profile',
      'add',
      name,
      '--mysql-host',
      m.host,
      '--mysql-port',
      String(m.port),
      '--mysql-user',
      m.user,
      '--database',
      db.name,
      ...extra,
    ];
  }

  it('adds, lists, shows, edits, exports, removes and imports profiles; secrets only from env', async () => {
    const m = mysqlInfo();
    const add = await cli(
      addArgs('cli one', [
        '--env',
        'staging',
        '--ssh',
        `${sshd.user}@${sshd.host}:${sshd.port}`,
        '--ssh-key',
        sshd.privateKeyPath,
      ]),
      {
        MYSQL_PWD: m.password,
      },
    );
    expect(add.code).toBe(0);
    expect(add.stdout).toContain('Created profile "cli one"');

    const show = await cli(['--json', 'profile', 'show', 'cli one']);
    const p = JSON.parse(show.stdout);
    expect(p).toMatchObject({ environment: 'staging', secrets: ['mysql.password'], ssh: { auth: 'key', port: sshd.port } });
    expect(show.stdout).not.toContain(m.password);

    const edit = await cli(['profile', 'edit', 'cli one', '--remove-ssh', '--color', '#12ab34', '--rename', 'cli renamed']);
    expect(edit.code).toBe(0);
    const list = JSON.parse((await cli(['--json', 'profile', 'list'])).stdout);
    expect(list).toEqual([expect.objectContaining({ name: 'cli renamed', color: '#12ab34', secrets: ['mysql.password'] })]);
    expect(list[0].ssh).toBeUndefined();

    const file = path.join(home, 'profiles.json');
    expect((await cli(['profile', 'export', '-o', file])).code).toBe(0);
    const exported = fs.readFileSync(file, 'utf8');
    expect(exported).not.toContain(m.password);
    expect(JSON.parse(exported)).toMatchObject({
      format: 'sysndd-admin.profiles',
      profiles: [{ name: 'cli renamed', secretsNeeded: ['mysql.password'] }],
    });

    const refused = await cli(['profile', 'remove', 'cli renamed']);
    expect(refused.code).toBe(3);
    expect((await cli(['profile', 'remove', 'cli renamed', '--yes'])).code).toBe(0);
    expect(JSON.parse((await cli(['--json', 'profile', 'list'])).stdout)).toEqual([]);

    const imported = await cli(['profile', 'import', file]);
    expect(imported.code).toBe(0);
    expect(imported.stdout).toContain('Imported 1 profile(s): cli renamed');
    const again = await cli(['profile', 'import', file]);
    expect(again.code).toBe(3);
    expect(again.stderr).toContain('already exists');
    expect((await cli(['profile', 'import', file, '--on-conflict', 'rename'])).stdout).toContain('cli renamed (2)');

    fs.writeFileSync(
      file,
      JSON.stringify({
        format: 'sysndd-admin.profiles',
        version: 1,
        exportedAt: 'x',
        profiles: [{ name: 'x', mysql: { user: 'u', password: 'leak' } }],
      }),
    );
    const bad = await cli(['profile', 'import', file]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/password/);
    expect(JSON.parse((await cli(['--json', 'profile', 'list'])).stdout)).toHaveLength(2);
  });

  it('connect test: exit 0 when all stages pass, 1 with the failing stage otherwise', async () => {
    // With SYSNDD_ADMIN_SECRETS=memory (like a host without an OS keyring) each run forgets the saved
    // password, so every run gets it from MYSQL_PWD; without it the login is refused.
    const pwd = { MYSQL_PWD: mysqlInfo().password };
    expect((await cli(addArgs('direct'), pwd)).code).toBe(0);
    const ok = await cli(['connect', 'test', '--profile', 'direct'], pwd);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/OK in/);
    expect(ok.stdout).toMatch(/✓ SELECT 1/);

    const bad = await cli(['--json', 'connect', 'test', '--profile', 'direct'], { MYSQL_PWD: 'wrong' });
    expect(bad.code).toBe(1);
    expect(JSON.parse(bad.stdout)).toMatchObject({ ok: false, failure: { stage: 'mysql.auth', code: 'DB_AUTH_FAILED' } });

    const m = mysqlInfo();
    const url = await cli(['connect', 'test', '--url', `mysql://${m.user}@${m.host}:${m.port}/${db.name}`], {
      MYSQL_PWD: m.password,
    });
    expect(url.code).toBe(0);
  });

  it('connect test: first-contact host key exits 3 off a terminal, --accept-host-key pins only the right key', async () => {
    const tunnel = ['--ssh', `${sshd.user}@${sshd.host}:${sshd.port}`, '--ssh-key', sshd.privateKeyPath];
    expect((await cli(addArgs('tunnel', tunnel), { MYSQL_PWD: mysqlInfo().password })).code).toBe(0);
    const pwd = { MYSQL_PWD: mysqlInfo().password };
    const first = await cli(['connect', 'test', '--profile', 'tunnel'], pwd);
    expect(first.code).toBe(3);
    expect(first.stdout).toContain('HOST_KEY_UNKNOWN');
    expect(first.stderr).toContain(`--accept-host-key ${sshd.hostKeyFingerprint}`);

    const wrong = await cli(
      ['connect', 'test', '--profile', 'tunnel', '--accept-host-key', 'SHA256:BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB'],
      pwd,
    );
    expect(wrong.code).toBe(3);
    expect(wrong.stderr).toContain(`the server presents ${sshd.hostKeyFingerprint}`);

    const right = await cli(['connect', 'test', '--profile', 'tunnel', '--accept-host-key', sshd.hostKeyFingerprint], pwd);
    expect(right.code).toBe(0);
    expect((await cli(['connect', 'test', '--profile', 'tunnel'], pwd)).code).toBe(0);
    const hosts = await cli(['connect', 'known-hosts', 'list']);
    expect(hosts.stdout).toContain(sshd.hostKeyFingerprint);
    expect((await cli(['connect', 'known-hosts', 'forget', sshd.host, '--port', String(sshd.port)])).stdout).toContain(
      'Forgot 1 key',
    );
    expect((await cli(['connect', 'test', '--profile', 'tunnel'], pwd)).code).toBe(3);
  });

  it('--accept-host-key works on every command that tunnels (migrate status, backup create), and refuses another key', async () => {
    const m = mysqlInfo();
    const pwd = { MYSQL_PWD: m.password };
    const target = [
      '--url',
      `mysql://${m.user}@${m.host}:${m.port}/${db.name}`,
      '--ssh',
      `${sshd.user}@${sshd.host}:${sshd.port}`,
      '--ssh-key',
      sshd.privateKeyPath,
    ];
    const pinned = async () => (await cli(['--json', 'connect', 'known-hosts', 'list'])).stdout;

    // Off a terminal, first contact is refused with the fingerprint and the flag that would accept it.
    const first = await cli(['migrate', 'status', ...target], pwd);
    expect(first.code).toBe(3);
    expect(first.stderr).toContain('HOST_KEY_UNKNOWN');
    expect(first.stderr).toContain(`--accept-host-key ${sshd.hostKeyFingerprint}`);
    expect(await pinned()).not.toContain(sshd.hostKeyFingerprint);

    // Another fingerprint: refused, naming both, and nothing pinned.
    const offered = 'SHA256:BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB';
    const wrong = await cli(['migrate', 'status', ...target, '--accept-host-key', offered], pwd);
    expect(wrong.code).toBe(3);
    expect(wrong.stderr).toContain(`presents the ED25519 host key ${sshd.hostKeyFingerprint}, not the accepted ${offered}`);
    expect(await pinned()).not.toContain(sshd.hostKeyFingerprint);
    const malformed = await cli(['migrate', 'status', ...target, '--accept-host-key', 'abc'], pwd);
    expect(malformed.code).toBe(2);
    expect(malformed.stderr).toContain('--accept-host-key must look like SHA256:');

    // The right one: the command runs through the tunnel, and exactly that key is pinned for later runs.
    const right = await cli(['--json', 'migrate', 'status', ...target, '--accept-host-key', sshd.hostKeyFingerprint], pwd);
    expect(right.stderr).toBe('');
    expect(right.code).toBe(0);
    expect(JSON.parse(right.stdout)).toMatchObject({ historyTable: false });
    const hosts = JSON.parse(await pinned());
    expect(hosts.entries).toEqual([expect.objectContaining({ port: sshd.port, fingerprint: sshd.hostKeyFingerprint })]);
    expect((await cli(['migrate', 'status', ...target], pwd)).code).toBe(0);
  });

  it('--accept-host-key on a job command: backup create over the tunnel of a saved profile', async () => {
    const tunnel = ['--ssh', `${sshd.user}@${sshd.host}:${sshd.port}`, '--ssh-key', sshd.privateKeyPath];
    const pwd = { MYSQL_PWD: mysqlInfo().password };
    expect((await cli(addArgs('bastion', tunnel), pwd)).code).toBe(0);
    const dir = path.join(home, 'backups');
    const refused = await cli(['backup', 'create', '--profile', 'bastion', '--dir', dir], pwd);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toContain(`--accept-host-key ${sshd.hostKeyFingerprint}`);
    // Commands without the flag (backup download …) can follow the other advice: pin the key once.
    expect(refused.stderr).toContain(
      `connect known-hosts trust ${sshd.host} ${sshd.hostKeyFingerprint} --port ${sshd.port} --key-type ssh-ed25519`,
    );
    expect(fs.existsSync(dir) ? fs.readdirSync(dir) : []).toEqual([]);

    const ok = await cli(
      ['backup', 'create', '--profile', 'bastion', '--dir', dir, '--accept-host-key', sshd.hostKeyFingerprint],
      pwd,
    );
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('Backup written:');
    expect(fs.readdirSync(dir).filter((f) => f.endsWith('.sql.gz'))).toHaveLength(1);
  });
});
