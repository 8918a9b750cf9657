import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type CallContext, type Door, dispatch, guardHandlers, type Handlers } from '../../src/main/core/dispatch';
import { operations } from '../../src/shared/contract/index';
import { createTestApp, type TestApp } from '../fixtures/app';

let t: TestApp;
afterEach(async () => t?.close());

const DOORS: Door[] = ['electron', 'browser', 'cli', 'test'];

/** A production profile on a port nothing listens on: a refusal must come before any connection attempt. */
async function productionProfile(app: TestApp) {
  return app.ok('profiles.create', {
    profile: { name: 'prod', environment: 'production', mysql: { host: '127.0.0.1', port: 1, user: 'u', database: 'sysndd_db' } },
  });
}

function doorCall(app: TestApp, door: Door) {
  const ctx: CallContext = { door, actor: `forged-${door}` };
  return (name: string, args: unknown) => dispatch(app.app.handlers, name, args, ctx);
}

describe('contract: every operation declares its risk', () => {
  it('destructive operations are exactly the ones that replace or remove data; confirmation rules carry a kind', () => {
    const destructive = Object.entries(operations)
      .filter(([, d]) => d.risk === 'destructive')
      .map(([n]) => n)
      .sort();
    expect(destructive).toEqual([
      'backups.delete',
      'backups.diff.putBack',
      'backups.prune',
      'connections.knownHosts.forget',
      'mail.messages.delete',
      'migrations.baseline',
      'migrations.migrate',
      'migrations.repair.acceptChecksum',
      'migrations.repair.adopt',
      'migrations.repair.markApplied',
      'migrations.repair.resume',
      'profiles.remove',
      'restore.cleanupLeftovers',
      'restore.discard',
      'restore.rollback',
      'restore.start',
    ]);
    for (const [, d] of Object.entries(operations)) expect(d.destructive).toBe(d.risk === 'destructive');
    expect(operations['restore.start'].confirm).toEqual({ kind: 'word', word: 'RESTORE' });
    // Rollback and discard ask for their own words: a RESTORE typed from habit does neither.
    expect(operations['restore.rollback'].confirm).toEqual({ kind: 'word', word: 'ROLLBACK' });
    expect(operations['restore.discard'].confirm).toEqual({ kind: 'word', word: 'DROP' });
    expect(operations['backups.prune'].confirm).toEqual({ kind: 'word', word: 'DELETE' });
    // Putting rows back replaces live data like a restore: RESTORE, or the database name on production.
    expect(operations['backups.diff.putBack'].confirm).toEqual({ kind: 'word', word: 'RESTORE', production: 'database' });
    expect(operations['migrations.migrate'].confirm).toEqual({ kind: 'database', elsewhere: 'none' });
  });
});

describe('dispatch enforces confirmations for every door, before the handler runs', () => {
  it.each(DOORS)(
    'door %s: each guarded operation without its confirmation is refused, one refused audit row each',
    async (door) => {
      t = createTestApp();
      const p = await productionProfile(t);
      const dir = t.app.backups.localDir(p);
      fs.mkdirSync(dir, { recursive: true });
      const backup = path.join(dir, 'sysndd_db_20260101T000000Z.sql.gz');
      fs.writeFileSync(backup, 'not really a backup');
      t.app.restore.journal.create({
        id: 'run-1',
        actor: 'x',
        profileId: p.id,
        profileName: p.name,
        host: '127.0.0.1',
        file: backup,
        sourceFormat: 'sysndd-admin',
        targetDatabase: 'sysndd_db',
        shadowSchema: 'sysndd_db__restore_20260101_000000',
        serverKey: '127.0.0.1:1',
      });
      const call = doorCall(t, door);
      const target = { profileId: p.id };
      const refusals: Array<[string, Record<string, unknown>, RegExp]> = [
        ['backups.delete', { ...target, name: path.basename(backup) }, /Type DELETE/],
        ['backups.prune', { ...target, rule: { keepLast: 1 } }, /Type DELETE/],
        ['restore.start', { ...target, file: backup }, /Type RESTORE/],
        ['restore.rollback', { restoreId: 'run-1', confirm: 'RESTORE' }, /Type ROLLBACK/],
        ['restore.discard', { restoreId: 'run-1', confirm: 'RESTORE' }, /Type DROP/],
        ['migrations.migrate', { ...target, confirm: true }, /type the database name sysndd_db.*--confirm sysndd_db/],
        ['migrations.baseline', { ...target, upTo: '001' }, /sysndd_db/],
        ['migrations.repair.resume', { ...target, filename: '001_a.sql', confirm: 'prod' }, /sysndd_db/],
        ['migrations.repair.markApplied', { ...target, filename: '001_a.sql', reason: 'by hand' }, /sysndd_db/],
        ['migrations.repair.acceptChecksum', { ...target, filename: '001_a.sql' }, /sysndd_db/],
        ['migrations.repair.adopt', target, /sysndd_db/],
      ];
      for (const [name, args, message] of refusals) {
        const r = await call(name, args);
        expect(r, name).toMatchObject({ ok: false, code: 'CONFIRMATION_REQUIRED' });
        expect(r.ok === false && r.message, name).toMatch(message);
        const rows = t.app.audit.list({ action: name });
        expect(rows, name).toHaveLength(1);
        expect(rows[0], name).toMatchObject({ result: 'refused', door, actor: t.app.actor.get().actor, profileId: p.id });
      }
      // Nothing ran: the file is still there, no job was started, the restore record is untouched.
      expect(fs.existsSync(backup)).toBe(true);
      expect(await t.ok('jobs.list', {})).toEqual([]);
      expect(t.app.restore.journal.get('run-1').phase).toBe('preflight');
      // A forged actor from a door never reaches the log.
      expect(t.app.audit.list().some((e) => e.actor.startsWith('forged'))).toBe(false);
    },
  );

  it('with the right confirmation the action runs and keeps one row, moved from requested to succeeded', async () => {
    t = createTestApp();
    const p = await productionProfile(t);
    const dir = t.app.backups.localDir(p);
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, 'sysndd_db_20260101T000000Z.sql.gz');
    fs.writeFileSync(file, 'x');
    const r = await doorCall(t, 'browser')('backups.delete', { profileId: p.id, name: path.basename(file), confirm: 'DELETE' });
    expect(r).toMatchObject({ ok: true, value: { deleted: [file] } });
    expect(fs.existsSync(file)).toBe(false);
    const rows = t.app.audit.list({ action: 'backups.delete' });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ result: 'succeeded', door: 'browser', target: `local:${path.basename(file)}` });
    expect(rows[0]?.details).toMatchObject({ confirmation: 'word', result: { deleted: [file] } });
  });

  it('a failing handler settles its row as failed; a check asks and writes nothing', async () => {
    t = createTestApp();
    const p = await productionProfile(t);
    const call = doorCall(t, 'cli');
    const check = await t.ok('safety.check', { operation: 'migrations.migrate', args: { profileId: p.id } });
    expect(check).toMatchObject({ risk: 'destructive', audited: true, required: { kind: 'database', database: 'sysndd_db' } });
    expect(t.app.audit.list()).toEqual([]);
    const r = await call('backups.delete', { profileId: p.id, name: 'sysndd_db_20260101T000000Z.sql.gz', confirm: 'DELETE' });
    expect(r).toMatchObject({ ok: false, code: 'NOT_FOUND' });
    expect(t.app.audit.list({ action: 'backups.delete' }).map((e) => e.result)).toEqual(['failed']);
  });

  it('leaving production needs the database name and is audited; other profile edits are not', async () => {
    t = createTestApp();
    const p = await productionProfile(t);
    const { id, transient: _t, secrets: _s, createdAt: _c, updatedAt: _u, ...body } = p;
    expect(await t.ok('profiles.update', { id, profile: { ...body, name: 'prod-eu' } })).toMatchObject({ name: 'prod-eu' });
    expect(t.app.audit.list()).toEqual([]);
    const toDev = { ...body, name: 'prod-eu', environment: 'development' as const };
    const refused = await t.call('profiles.update', { id, profile: toDev });
    expect(refused).toMatchObject({ ok: false, code: 'CONFIRMATION_REQUIRED' });
    expect(t.app.profiles.get(id).environment).toBe('production');
    await t.ok('profiles.update', { id, profile: toDev, confirm: 'sysndd_db' });
    expect(t.app.profiles.get(id).environment).toBe('development');
    const rows = t.app.audit.list({ action: 'profiles.update' });
    expect(rows.map((e) => [e.result, e.target])).toEqual([
      ['succeeded', 'prod-eu: environment production → development'],
      ['refused', 'prod-eu: environment production → development'],
    ]);
  });

  it("a job's row is settled when the job ends: cancelled reads cancelled", async () => {
    t = createTestApp();
    const p = await productionProfile(t);
    // The real gate and runner around a long job standing in for a migration (no database needed).
    const handlers: Handlers = guardHandlers(
      {
        ...t.app.handlers,
        'migrations.migrate': async () =>
          t.app.jobs.start({
            kind: 'migrate',
            title: 'long',
            run: async (ctx) => {
              while (!ctx.signal.aborted) await new Promise((r) => setTimeout(r, 5));
              ctx.throwIfCancelled();
            },
          }),
      },
      t.app.safety,
    );
    const r = await dispatch(
      handlers,
      'migrations.migrate',
      { profileId: p.id, confirm: 'sysndd_db' },
      { door: 'test', actor: 'x' },
    );
    if (!r.ok) throw new Error(r.message);
    const job = r.value as { id: string };
    expect(t.app.audit.list({ action: 'migrations.migrate' })[0]).toMatchObject({
      result: 'started',
      details: { jobId: job.id },
    });
    t.app.jobs.cancel(job.id);
    const final = await t.app.jobs.wait(job.id, 5000);
    expect(final.state).toBe('cancelled');
    const rows = t.app.audit.list({ action: 'migrations.migrate' });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ result: 'cancelled', target: 'sysndd_db', details: { jobId: job.id, code: 'CANCELLED' } });
  });

  it('fails closed: a handler set without the gate runs no destructive operation', async () => {
    t = createTestApp();
    const bare = { ...t.app.handlers } as Handlers;
    const r = await dispatch(bare, 'profiles.remove', { id: 'x' }, { door: 'test', actor: 'x' });
    expect(r).toMatchObject({ ok: false, code: 'INTERNAL' });
    expect((await dispatch(bare, 'system.ping', {}, { door: 'test', actor: 'x' })).ok).toBe(true);
  });

  it('names the OS account and the optional display name as actor', async () => {
    t = createTestApp();
    const me = await t.ok('settings.actor', {});
    expect(me.actor).toBe(`${me.osUser}@${me.host}`);
    const named = await t.ok('settings.setDisplayName', { displayName: 'Jane Doe' });
    expect(named.actor).toBe(`${me.osUser}@${me.host} (Jane Doe)`);
    const p = await productionProfile(t);
    await t.ok('profiles.remove', { id: p.id });
    expect(t.app.audit.list({ action: 'profiles.remove' })[0]?.actor).toBe(named.actor);
  });
});
