import { afterEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../fixtures/app';

let t: TestApp;
afterEach(async () => t?.close());

describe('audit log', () => {
  it('records entries and exports them as JSON and spreadsheet-safe CSV', async () => {
    t = createTestApp();
    t.app.audit.record({
      actor: 'cli:alice',
      action: 'restore',
      profileId: 'p1',
      target: 'db "x", y',
      result: 'succeeded',
      details: { file: 'a.sql.gz' },
    });
    t.app.audit.record({
      actor: 'electron',
      action: 'prune',
      profileId: 'p2',
      target: '=HYPERLINK("http://evil")',
      result: 'refused',
      details: undefined,
    });
    const all = await t.ok('audit.list', {});
    expect(all.map((e) => e.action)).toEqual(['prune', 'restore']);
    const onlyRestore = await t.ok('audit.list', { action: 'restore' });
    expect(onlyRestore).toHaveLength(1);
    expect(onlyRestore[0]?.details).toEqual({ file: 'a.sql.gz' });

    const json = await t.ok('audit.export', { format: 'json' });
    expect(JSON.parse(json.content)).toHaveLength(2);
    expect(json.filename).toMatch(/^sysndd-admin-audit-.*\.json$/);

    const csv = await t.ok('audit.export', { format: 'csv' });
    const lines = csv.content.trim().split('\r\n');
    expect(lines[0]).toBe('id,at,updatedAt,actor,door,action,profileId,target,result,details');
    expect(csv.content).toContain('"db ""x"", y"');
    // A formula in a cell is neutralised so a spreadsheet shows it as text.
    expect(csv.content).toContain(`"'=HYPERLINK(""http://evil"")"`);
  });

  it('filters by result, lists the recorded actions, and exports only what the filter selects', async () => {
    t = createTestApp();
    const base = { actor: 'cli:bob', profileId: 'p1', target: 'sysndd_db', details: null };
    t.app.audit.record({ ...base, action: 'backups.prune', result: 'refused' });
    t.app.audit.record({ ...base, action: 'backups.prune', result: 'succeeded' });
    t.app.audit.record({ ...base, action: 'restore.rollback', result: 'failed', profileId: 'p2' });
    expect(await t.ok('audit.actions', {})).toEqual(['backups.prune', 'restore.rollback']);
    expect((await t.ok('audit.list', { result: 'refused' })).map((e) => e.action)).toEqual(['backups.prune']);
    expect(await t.ok('audit.list', { result: 'failed', profileId: 'p1' })).toEqual([]);
    const r = await t.call('audit.list', { result: 'maybe' } as never);
    expect(r.ok ? 'accepted' : r.code).toBe('INVALID_ARGUMENT');
    const csv = await t.ok('audit.export', { format: 'csv', action: 'backups.prune', result: 'succeeded' });
    expect(csv.content.trim().split('\r\n')).toHaveLength(2);
  });
});
