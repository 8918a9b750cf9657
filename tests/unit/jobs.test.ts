import { afterEach, describe, expect, it } from 'vitest';
import type { AppEvent } from '../../src/shared/contract/events';
import { createTestApp, type TestApp } from '../fixtures/app';

let t: TestApp | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

describe('JobRunner', () => {
  it('runs a job with progress events and persists its final state and log', async () => {
    t = createTestApp();
    const events: AppEvent[] = [];
    t.app.events.subscribe((e) => events.push(e));
    const job = await t.ok('jobs.demo', { steps: 5, stepMs: 5 });
    const final = await t.ok('jobs.wait', { id: job.id, timeoutMs: 5000 });
    expect(final.state).toBe('succeeded');
    expect(final.progress).toMatchObject({ done: 5, total: 5, etaSeconds: 0 });
    expect(final.result).toEqual({ steps: 5 });
    const updates = events.filter((e) => e.type === 'job.updated');
    expect(updates.length).toBeGreaterThanOrEqual(6);
    const log = await t.ok('jobs.log', { id: job.id, afterSeq: 0 });
    expect(log.map((l) => l.message)).toContain('Demo finished.');
  });

  it('cancels a running job', async () => {
    t = createTestApp();
    const job = await t.ok('jobs.demo', { steps: 1000, stepMs: 20 });
    await new Promise((r) => setTimeout(r, 60));
    await t.ok('jobs.cancel', { id: job.id });
    const final = await t.ok('jobs.wait', { id: job.id, timeoutMs: 5000 });
    expect(final.state).toBe('cancelled');
    expect(final.error?.code).toBe('CANCELLED');
    expect(final.progress.done).toBeLessThan(1000);
  });

  it('refuses a second job with the same exclusive key while the first runs', async () => {
    t = createTestApp();
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const first = t.app.jobs.start({ kind: 'demo', title: 'first', exclusiveKey: 'backup:p1', run: () => gate });
    expect(() => t?.app.jobs.start({ kind: 'demo', title: 'second', exclusiveKey: 'backup:p1', run: async () => null })).toThrow(
      /already running/,
    );
    release();
    await t.app.jobs.wait(first.id);
    const third = t.app.jobs.start({ kind: 'demo', title: 'third', exclusiveKey: 'backup:p1', run: async () => 'ok' });
    expect((await t.app.jobs.wait(third.id)).state).toBe('succeeded');
  });

  it('history survives a restart; jobs interrupted by the restart are marked failed', async () => {
    t = createTestApp();
    const home = t.home;
    const done = await t.ok('jobs.demo', { steps: 2, stepMs: 1 });
    await t.ok('jobs.wait', { id: done.id, timeoutMs: 5000 });
    // Simulate a crash: a job still running when the process dies. Close the store under it.
    const stuck = t.app.jobs.start({ kind: 'demo', title: 'stuck', run: () => new Promise(() => {}) });
    t.app.store.close();
    t = createTestApp({ home });
    const list = await t.ok('jobs.list', { limit: 10 });
    const byId = new Map(list.map((j) => [j.id, j]));
    expect(byId.get(done.id)?.state).toBe('succeeded');
    expect(byId.get(stuck.id)?.state).toBe('failed');
    expect(byId.get(stuck.id)?.error?.message).toMatch(/Interrupted/);
  });

  it('records the event-loop lag during each job: a job that blocks the loop shows it, an idle one does not; kept in history', async () => {
    t = createTestApp();
    const home = t.home;
    const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
    const block = (ms: number) => {
      const until = performance.now() + ms;
      while (performance.now() < until) {
        // busy: nothing else may run, which is exactly what the histogram must notice
      }
    };
    // Blocks the loop for 150 ms once, between idle stretches long enough to collect samples.
    const heavy = t.app.jobs.start({
      kind: 'demo',
      title: 'blocks',
      run: async () => {
        await sleep(100);
        block(150);
        await sleep(100);
      },
    });
    const heavyFinal = await t.app.jobs.wait(heavy.id, 5000);
    // A job started after it has its own histogram: the earlier block must not leak into its figures.
    const idle = t.app.jobs.start({ kind: 'demo', title: 'idle', run: () => sleep(300) });
    const idleFinal = await t.app.jobs.wait(idle.id, 5000);

    const heavyLag = heavyFinal.eventLoopLag;
    expect(heavyLag?.samples).toBeGreaterThan(5);
    expect(heavyLag?.resolutionMs).toBe(10);
    // The timer fired about 150 ms late once (give or take one interval and a busy machine).
    expect(heavyLag?.max).toBeGreaterThanOrEqual(120);
    expect(heavyLag?.max).toBeLessThan(1000);
    expect(idleFinal.eventLoopLag?.samples).toBeGreaterThan(5);
    expect(idleFinal.eventLoopLag?.max).toBeLessThan(120);
    for (const lag of [heavyLag, idleFinal.eventLoopLag]) {
      expect(lag?.p50).toBeLessThanOrEqual(lag?.p99 ?? -1);
      expect(lag?.p99).toBeLessThanOrEqual(lag?.max ?? -1);
    }

    // A job shorter than one sample interval reports 0 samples rather than made-up figures.
    const instant = t.app.jobs.start({ kind: 'demo', title: 'instant', run: async () => 1 });
    expect((await t.app.jobs.wait(instant.id)).eventLoopLag).toMatchObject({ samples: 0, p99: 0, max: 0 });

    // The figures are part of the persisted record: a restarted app still shows them.
    await t.close();
    t = createTestApp({ home });
    expect((await t.ok('jobs.get', { id: heavy.id })).eventLoopLag).toEqual(heavyLag);
  });

  it('filters history by kind and state', async () => {
    t = createTestApp();
    const a = t.app.jobs.start({ kind: 'demo', title: 'ok', run: async () => 1 });
    const b = t.app.jobs.start({ kind: 'migrate', title: 'bad', run: async () => Promise.reject(new Error('boom')) });
    await t.app.jobs.wait(a.id);
    await t.app.jobs.wait(b.id);
    const failed = await t.ok('jobs.list', { state: 'failed', limit: 10 });
    expect(failed.map((j) => j.id)).toEqual([b.id]);
    expect(failed[0]?.error?.message).toContain('boom');
    const demos = await t.ok('jobs.list', { kind: 'demo', limit: 10 });
    expect(demos.map((j) => j.id)).toEqual([a.id]);
  });
});
