import { afterEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../fixtures/app';

let t: TestApp;
afterEach(async () => t?.close());

describe('dispatch: the one validation path every door uses', () => {
  it('refuses an unknown operation with UNKNOWN_OPERATION', async () => {
    t = createTestApp();
    const r = await t.call('no.such.op' as 'system.ping', {});
    expect(r).toMatchObject({ ok: false, code: 'UNKNOWN_OPERATION' });
  });

  it('refuses a payload that does not match the contract, naming the field', async () => {
    t = createTestApp();
    const r = await t.call('profiles.create', { profile: { name: '', mysql: { user: 'u', port: 99999 } } } as never);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.code).toBe('INVALID_ARGUMENT');
    expect(r.message).toContain('profile.name');
    expect(r.message).toContain('profile.mysql.port');
  });

  it('refuses unknown keys (strict schemas) instead of silently dropping them', async () => {
    t = createTestApp();
    const r = await t.call('jobs.get', { id: 'x', extra: 1 } as never);
    expect(r).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT' });
  });

  it('turns an AppError thrown by a service into a Failure value', async () => {
    t = createTestApp();
    const r = await t.call('profiles.get', { id: 'missing' });
    expect(r).toEqual({ ok: false, code: 'NOT_FOUND', message: 'No profile with id "missing".' });
  });

  it('returns values for valid calls', async () => {
    t = createTestApp();
    const r = await t.call('system.ping', {});
    expect(r.ok && r.value.pong).toBe(true);
  });
});

describe('profiles', () => {
  it('creates, lists, edits, duplicates and removes; secrets are named but never returned', async () => {
    t = createTestApp();
    const p = await t.ok('profiles.create', {
      profile: { name: 'prod', environment: 'production', mysql: { host: 'db', user: 'admin' } },
      secrets: { 'mysql.password': 's3cret' },
    });
    expect(p.secrets).toEqual(['mysql.password']);
    expect(JSON.stringify(p)).not.toContain('s3cret');
    expect(await t.app.profiles.secret(p.id, 'mysql.password')).toBe('s3cret');
    const dup = await t.ok('profiles.duplicate', { id: p.id, name: 'prod copy' });
    // The copy keeps the stored secrets and the environment (a production copy is production too).
    expect(dup.secrets).toEqual(['mysql.password']);
    expect(dup.environment).toBe('production');
    expect(await t.app.profiles.secret(dup.id, 'mysql.password')).toBe('s3cret');
    expect(dup.mysql.host).toBe('db');
    const clash = await t.call('profiles.create', { profile: { name: 'PROD', mysql: { user: 'x' } } });
    expect(clash).toMatchObject({ ok: false, code: 'PROFILE_NAME_TAKEN' });
    const { id: _i, transient: _t, secrets: _s, createdAt: _c, updatedAt: _u, ...body } = p;
    await t.ok('profiles.update', { id: p.id, profile: { ...body, name: 'production' }, secrets: { 'mysql.password': null } });
    const updated = await t.ok('profiles.get', { id: p.id });
    expect(updated.name).toBe('production');
    expect(updated.secrets).toEqual([]);
    expect(await t.app.profiles.secret(p.id, 'mysql.password')).toBeNull();
    await t.ok('profiles.remove', { id: p.id });
    expect((await t.ok('profiles.list', {})).map((x) => x.name)).toEqual(['prod copy']);
    expect(t.app.audit.list({ action: 'profiles.remove' })).toHaveLength(1);
  });
});
