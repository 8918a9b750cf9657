import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { profileInputFromFlags } from '../../../src/main/doors/cli/commands/profileFlags';
import { createTestApp, type TestApp } from '../../fixtures/app';

let t: TestApp;
beforeEach(() => {
  t = createTestApp();
});
afterEach(async () => {
  await t.close();
  fs.rmSync(t.home, { recursive: true, force: true });
});

describe('profile export / import (no secrets)', () => {
  it('exports settings and secret names, never secret values', async () => {
    await t.ok('profiles.create', {
      profile: {
        name: 'prod',
        environment: 'production',
        mysql: { user: 'app', database: 'sysndd' },
        ssh: { host: 'bastion', user: 'ops', auth: 'password' },
      },
      secrets: { 'mysql.password': 'top-secret-1', 'ssh.password': 'top-secret-2' },
    });
    const doc = await t.ok('profiles.export', {});
    const text = JSON.stringify(doc);
    expect(text).not.toContain('top-secret');
    expect(doc.profiles[0]).toMatchObject({
      name: 'prod',
      environment: 'production',
      secretsNeeded: ['mysql.password', 'ssh.password'],
    });
    expect(doc.profiles[0]).not.toHaveProperty('id');
  });

  it('imports atomically: a bad entry or a name clash under "fail" creates nothing', async () => {
    await t.ok('profiles.create', { profile: { name: 'a', mysql: { user: 'u' } } });
    const doc = {
      format: 'sysndd-admin.profiles',
      version: 1,
      exportedAt: new Date().toISOString(),
      profiles: [
        { name: 'b', mysql: { user: 'u' } },
        { name: 'a', mysql: { user: 'v' } },
      ],
    };
    const clash = await t.call('profiles.import', { document: doc, onConflict: 'fail' });
    expect(clash).toMatchObject({ ok: false, code: 'CONFLICT' });
    expect((await t.ok('profiles.list', {})).map((p) => p.name)).toEqual(['a']);

    const smuggled = { ...doc, profiles: [{ name: 'c', mysql: { user: 'u', password: 'x' } }] };
    const bad = await t.call('profiles.import', { document: smuggled, onConflict: 'skip' });
    expect(bad).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT' });
    expect(bad.ok ? '' : bad.message).toMatch(/profiles\.0\.mysql/);

    expect(await t.call('profiles.import', { document: '{not json', onConflict: 'skip' })).toMatchObject({
      ok: false,
      code: 'INVALID_ARGUMENT',
    });
    expect(await t.call('profiles.import', { document: { ...doc, version: 2 }, onConflict: 'skip' })).toMatchObject({
      ok: false,
      message: expect.stringMatching(/version 2/),
    });
    expect(await t.call('profiles.import', { document: { hello: 1 }, onConflict: 'skip' })).toMatchObject({
      ok: false,
      message: expect.stringMatching(/not a SysNDD Admin profile export/),
    });
  });

  it('skips or renames clashing names', async () => {
    await t.ok('profiles.create', { profile: { name: 'a', mysql: { user: 'u' } } });
    const doc = JSON.stringify({
      format: 'sysndd-admin.profiles',
      version: 1,
      exportedAt: 'now',
      profiles: [
        { name: 'A', mysql: { user: 'v' } },
        { name: 'b', mysql: { user: 'w' } },
      ],
    });
    const skipped = await t.ok('profiles.import', { document: doc, onConflict: 'skip' });
    expect(skipped.created.map((p) => p.name)).toEqual(['b']);
    expect(skipped.skipped).toEqual([{ name: 'A', reason: expect.any(String) }]);
    const renamed = await t.ok('profiles.import', { document: doc, onConflict: 'rename' });
    expect(renamed.created.map((p) => p.name)).toEqual(['A (2)', 'b (2)']);
  });
});

describe('importing ~/.ssh/config aliases', () => {
  it('previews concrete aliases with HostName, User, Port, IdentityFile and ProxyJump, then imports chosen ones', async () => {
    const file = path.join(t.home, 'ssh_config');
    fs.writeFileSync(
      file,
      [
        'Host *',
        '  ServerAliveInterval 30',
        'Host bastion',
        '  HostName bastion.example.org',
        '  User alice',
        '  Port 2200',
        '  IdentityFile ~/.ssh/id_bastion',
        'Host db-prod prod-alias',
        '  HostName 10.0.0.5',
        '  User deploy',
        '  ProxyJump bastion',
        '  IdentityFile ~/.ssh/id_ed25519',
        'Host far',
        '  HostName far.example.org',
        '  ProxyJump a@one:22,b@two:22',
        'Host web-*',
        '  User x',
        // The jump alias's own HostName and IdentityFile apply; user and port written in ProxyJump win.
        'Host inner',
        '  HostName 10.0.0.6',
        '  ProxyJump bob@bastion:2222',
        // A jump alias without IdentityFile: the agent, as OpenSSH would try.
        'Host agentjump',
        '  HostName agent-jump.example.org',
        '  User carol',
        'Host behind-agent',
        '  HostName 10.0.0.7',
        '  ProxyJump agentjump',
      ].join('\n'),
    );
    const preview = await t.ok('connections.importSshConfig', { path: file });
    expect(preview.created).toEqual([]);
    expect(preview.hosts.map((h) => [h.alias, h.status])).toEqual([
      ['bastion', 'new'],
      ['db-prod', 'new'],
      ['prod-alias', 'new'],
      ['far', 'skipped'],
      ['inner', 'new'],
      ['agentjump', 'new'],
      ['behind-agent', 'new'],
    ]);
    expect(preview.hosts[1]).toMatchObject({
      hostName: '10.0.0.5',
      user: 'deploy',
      port: 22,
      identityFile: '~/.ssh/id_ed25519',
      proxyJump: { host: 'bastion.example.org', user: 'alice', port: 2200, identityFile: '~/.ssh/id_bastion' },
    });
    expect(preview.hosts.find((h) => h.alias === 'inner')?.proxyJump).toEqual({
      host: 'bastion.example.org',
      user: 'bob',
      port: 2222,
      identityFile: '~/.ssh/id_bastion',
    });

    const noMysql = await t.call('connections.importSshConfig', { path: file, apply: true });
    expect(noMysql).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT' });
    const done = await t.ok('connections.importSshConfig', {
      path: file,
      apply: true,
      aliases: ['db-prod'],
      environment: 'production',
      mysql: { user: 'sysndd', database: 'sysndd_db' },
    });
    expect(done.created).toHaveLength(1);
    expect(done.created[0]).toMatchObject({
      name: 'db-prod',
      environment: 'production',
      mysql: { host: '127.0.0.1', port: 3306, user: 'sysndd', database: 'sysndd_db' },
      ssh: {
        host: '10.0.0.5',
        user: 'deploy',
        auth: 'key',
        privateKeyPath: '~/.ssh/id_ed25519',
        jump: { host: 'bastion.example.org', port: 2200, user: 'alice', auth: 'key', privateKeyPath: '~/.ssh/id_bastion' },
      },
    });

    const more = await t.ok('connections.importSshConfig', {
      path: file,
      apply: true,
      aliases: ['inner', 'behind-agent'],
      mysql: { user: 'sysndd' },
    });
    const jumpOf = (name: string) => more.created.find((p) => p.name === name)?.ssh?.jump;
    expect(jumpOf('inner')).toEqual({
      host: 'bastion.example.org',
      port: 2222,
      user: 'bob',
      auth: 'key',
      privateKeyPath: '~/.ssh/id_bastion',
    });
    // No IdentityFile on the jump alias: agent auth, and no key path borrowed from the target host.
    expect(jumpOf('behind-agent')).toEqual({ host: 'agent-jump.example.org', port: 22, user: 'carol', auth: 'agent' });
    const again = await t.ok('connections.importSshConfig', { path: file });
    expect(again.hosts.find((h) => h.alias === 'db-prod')?.status).toBe('exists');
    expect(await t.call('connections.importSshConfig', { path: path.join(t.home, 'missing') })).toMatchObject({
      ok: false,
      code: 'NOT_FOUND',
    });
  });
});

describe('CLI profile flags', () => {
  it('builds a profile from flags and merges edits ("" clears a field)', () => {
    const input = profileInputFromFlags('p', {
      mysqlUser: 'app',
      database: 'sysndd',
      ssh: 'ops@bastion:2222',
      sshKey: '/k',
      jump: 'j@jump',
      keepalive: '10',
      smtpHost: 'smtp',
      mailpitUrl: 'http://localhost:8025',
    });
    expect(input).toMatchObject({
      mysql: { host: '127.0.0.1', port: 3306, user: 'app', database: 'sysndd', tls: 'off' },
      ssh: {
        host: 'bastion',
        port: 2222,
        user: 'ops',
        auth: 'key',
        privateKeyPath: '/k',
        keepaliveSeconds: 10,
        jump: { host: 'jump', user: 'j', port: 22, auth: 'agent' },
      },
      smtp: { host: 'smtp', port: 25 },
      mailpit: { url: 'http://localhost:8025' },
    });
    const current = { ...input, id: 'x', transient: false, secrets: [], createdAt: '', updatedAt: '' } as Parameters<
      typeof profileInputFromFlags
    >[2];
    const edited = profileInputFromFlags('p', { database: '', removeJump: true, removeSmtp: true }, current);
    expect(edited.mysql.database).toBeUndefined();
    expect(edited.ssh?.jump).toBeUndefined();
    expect(edited.ssh?.host).toBe('bastion');
    expect(edited.smtp).toBeUndefined();
    expect(() => profileInputFromFlags('p', { mysqlUser: 'a', jump: 'j@x' })).toThrow(/--jump needs --ssh/);
    expect(() => profileInputFromFlags('p', {})).toThrow(/--mysql-user/);
    expect(() => profileInputFromFlags('p', { mysqlUser: 'a', mysqlPort: 'abc' })).toThrow(/whole number/);
  });
});
