import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../../../src/main/doors/cli/program';
import { createTestApp, type TestApp } from '../../fixtures/app';

let t: TestApp | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

const mysql = { user: 'u' };

describe('profile names: one line, unique without regard to case', () => {
  it('refuses line breaks, tabs and control characters with PROFILE_NAME_INVALID (create, rename, duplicate, import)', async () => {
    t = createTestApp();
    for (const name of ['two\nlines', 'cr\rhere', 'tab\there', 'bell\u0007', 'sep\u2028x', '   ']) {
      const r = await t.call('profiles.create', { profile: { name, mysql } });
      expect(r, JSON.stringify(name)).toMatchObject({ ok: false, code: 'PROFILE_NAME_INVALID' });
    }
    const p = await t.ok('profiles.create', { profile: { name: 'ok', mysql } });
    const { id: _i, transient: _t, secrets: _s, createdAt: _c, updatedAt: _u, ...body } = p;
    expect(await t.call('profiles.update', { id: p.id, profile: { ...body, name: 'a\nb' } })).toMatchObject({
      ok: false,
      code: 'PROFILE_NAME_INVALID',
    });
    expect(await t.call('profiles.duplicate', { id: p.id, name: 'copy\n' })).toMatchObject({
      ok: false,
      code: 'PROFILE_NAME_INVALID',
    });
    const doc = {
      format: 'sysndd-admin.profiles',
      version: 1,
      exportedAt: new Date().toISOString(),
      profiles: [
        { name: 'fine', mysql },
        { name: 'bad\nname', mysql },
      ],
    };
    expect(await t.call('profiles.import', { document: doc, onConflict: 'skip' })).toMatchObject({
      ok: false,
      code: 'PROFILE_NAME_INVALID',
    });
    // Refused before anything was created.
    expect((await t.ok('profiles.list', {})).map((x) => x.name)).toEqual(['ok']);
  });

  it('refuses a name another profile has in any case with PROFILE_NAME_TAKEN; a profile may change its own case', async () => {
    t = createTestApp();
    const p = await t.ok('profiles.create', { profile: { name: 'Prod', mysql } });
    await t.ok('profiles.create', { profile: { name: 'Ärzte', mysql } });
    for (const name of ['prod', 'PROD', 'äRZTE']) {
      expect(await t.call('profiles.create', { profile: { name, mysql } }), name).toMatchObject({
        ok: false,
        code: 'PROFILE_NAME_TAKEN',
      });
    }
    expect(await t.call('profiles.duplicate', { id: p.id, name: 'pRoD' })).toMatchObject({
      ok: false,
      code: 'PROFILE_NAME_TAKEN',
    });
    const { id: _i, transient: _t, secrets: _s, createdAt: _c, updatedAt: _u, ...body } = p;
    const renamed = await t.ok('profiles.update', { id: p.id, profile: { ...body, name: 'PROD' } });
    expect(renamed.name).toBe('PROD');
    expect(await t.call('profiles.update', { id: p.id, profile: { ...body, name: 'ärzte' } })).toMatchObject({
      ok: false,
      code: 'PROFILE_NAME_TAKEN',
    });
  });

  it('the CLI names the code and the rule for a name with a newline', async () => {
    process.env.SYSNDD_ADMIN_HOME = fs.mkdtempSync(path.join(os.tmpdir(), 'sysndd-names-'));
    process.env.SYSNDD_ADMIN_SECRETS = 'memory';
    const out = new PassThrough();
    const err = new PassThrough();
    let stdout = '';
    let stderr = '';
    out.on('data', (d) => (stdout += d));
    err.on('data', (d) => (stderr += d));
    const code = await runCli(['profile', 'add', 'two\nlines', '--mysql-user', 'u'], { stdout: out, stderr: err });
    expect(code).not.toBe(0);
    expect(stdout + stderr).toContain('PROFILE_NAME_INVALID');
    expect(stdout + stderr).toContain('one line');
  });
});

describe('duplicating keeps the secrets', () => {
  it('profiles.create with copySecretsFrom copies the stored secrets; values given win', async () => {
    t = createTestApp();
    const p = await t.ok('profiles.create', {
      profile: { name: 'src', mysql, smtp: { host: 'mx', port: 25 } },
      secrets: { 'mysql.password': 'pw1', 'smtp.password': 'pw2' },
    });
    const copy = await t.ok('profiles.create', {
      profile: { name: 'copy', mysql },
      secrets: { 'smtp.password': 'new' },
      copySecretsFrom: p.id,
    });
    expect(copy.secrets).toEqual(['mysql.password', 'smtp.password']);
    expect(await t.app.profiles.secret(copy.id, 'mysql.password')).toBe('pw1');
    expect(await t.app.profiles.secret(copy.id, 'smtp.password')).toBe('new');
  });
});
