import { afterEach, describe, expect, it } from 'vitest';
import { EtaEstimator } from '../../src/main/platform/jobs/EtaEstimator';
import { ProgressTracker } from '../../src/main/platform/jobs/ProgressTracker';
import type { AppEvent } from '../../src/shared/contract/events';
import { createTestApp, type TestApp } from '../fixtures/app';

describe('ProgressTracker', () => {
  it('moves over weighted phases as one fraction', () => {
    const p = new ProgressTracker();
    p.plan([
      { phase: 'scan', weight: 10 },
      { phase: 'load', weight: 80 },
      { phase: 'verify', weight: 10 },
    ]);
    expect(p.update(5, 10, 'scan')).toBeCloseTo(0.05);
    expect(p.update(0, 100, 'load')).toBeCloseTo(0.1);
    expect(p.update(50, 100)).toBeCloseTo(0.5);
    expect(p.update(0, 3, 'verify')).toBeCloseTo(0.9);
    expect(p.update(3, 3)).toBeCloseTo(1);
  });

  it('never goes down: a phase restarting from 0, a sub-job with its own totals, a phase out of plan', () => {
    const p = new ProgressTracker();
    p.plan([
      { phase: 'load', weight: 50 },
      { phase: 'backup', weight: 50 },
    ]);
    const seen = [
      p.update(90, 100, 'load'),
      p.update(10, 100), // the same phase reporting a smaller figure (a new stage counting from 0)
      p.update(0, null, 'backup'),
      p.update(1, 2),
      p.update(0, 10), // a sub-job's new stage
      p.update(1, 1, 'unplanned'),
      p.update(0, null),
    ];
    expect(seen).toEqual([0.45, 0.45, 0.5, 0.75, 0.75, 0.75, 0.75]);
    // A re-plan that makes the work bigger holds the bar where it is until the work catches up.
    p.plan([
      { phase: 'load', weight: 50 },
      { phase: 'backup', weight: 150 },
    ]);
    expect(p.update(1, 2, 'backup')).toBe(0.75);
    expect(p.update(2, 2, 'backup')).toBe(1);
  });

  it('without a plan is done/total, still never decreasing, and unknown until a total exists', () => {
    const p = new ProgressTracker();
    expect(p.update(3, null)).toBeNull();
    expect(p.update(3, 4)).toBe(0.75);
    expect(p.update(0, 1)).toBe(0.75);
    expect(p.finish()).toBe(1);
  });
});

describe('EtaEstimator', () => {
  const rules = { minElapsedMs: 5_000, minFraction: 0.05, minSamples: 3, sampleMs: 1_000, smoothing: 0.3 };

  it('stays quiet until enough time, progress and samples went into the rate, then predicts from it', () => {
    let now = 0;
    const eta = new EtaEstimator(() => now, rules);
    // 1 % per second: the first fast seconds alone never produce an estimate.
    const at = (s: number) => {
      now = s * 1000;
      return eta.update(s / 100);
    };
    expect(at(1)).toBeNull();
    expect(at(2)).toBeNull();
    expect(at(3)).toBeNull(); // three samples, but only 3 s and 3 %
    expect(at(4)).toBeNull();
    expect(at(6)).toBe(94);
    expect(at(20)).toBe(80);
    expect(eta.update(1)).toBeNull(); // all counted, job not ended: no '0 s left' (the runner writes 0 at the end)
    expect(eta.update(null)).toBeNull();
  });

  it('smooths a burst instead of jumping with it', () => {
    let now = 0;
    const eta = new EtaEstimator(() => now, rules);
    for (let s = 1; s <= 10; s++) {
      now = s * 1000;
      eta.update(s / 100);
    }
    now = 11_000;
    const afterBurst = eta.update(0.2); // 10 % in one second after ten seconds at 1 %/s
    // Raw instant rate would say 8 s; the smoothed rate keeps the estimate within reason of the history.
    expect(afterBurst).toBeGreaterThan(20);
  });

  it('goes quiet rather than showing "0 s left" while the job still works', () => {
    let now = 0;
    const eta = new EtaEstimator(() => now, rules);
    for (let s = 1; s <= 90; s++) {
      now = s * 1000;
      eta.update(s / 100);
    }
    now = 91_000;
    expect(eta.update(0.9)).toBe(9);
    now = 99_500; // no progress for a while: the estimate is used up
    expect(eta.update(0.9)).toBeNull();
    now = 130_000;
    expect(eta.update(0.9)).toBeNull();
  });
});

describe('JobRunner progress', () => {
  let t: TestApp | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  it('publishes a monotonic fraction over planned phases and 1 when the job succeeds', async () => {
    t = createTestApp();
    const fractions: number[] = [];
    t.app.events.subscribe((e: AppEvent) => {
      if (e.type === 'job.updated' && e.job.kind === 'demo' && typeof e.job.progress.fraction === 'number')
        fractions.push(e.job.progress.fraction);
    });
    const job = t.app.jobs.start({
      kind: 'demo',
      title: 'phases',
      run: async (ctx) => {
        ctx.plan([
          { phase: 'scan', weight: 1 },
          { phase: 'load', weight: 3 },
        ]);
        for (let i = 0; i <= 4; i++) ctx.progress({ phase: 'scan', done: i, total: 4, unit: 'bytes' });
        for (let i = 0; i <= 6; i++) ctx.progress({ phase: 'load', done: i, total: 6, unit: 'bytes' });
        ctx.progress({ stage: 'sub-job', done: 0, total: 10, unit: 'rows' });
        return null;
      },
    });
    const final = await t.app.jobs.wait(job.id, 5_000);
    expect(final.state).toBe('succeeded');
    expect(final.progress.fraction).toBe(1);
    expect(fractions.length).toBeGreaterThan(8);
    for (let i = 1; i < fractions.length; i++) expect(fractions[i]).toBeGreaterThanOrEqual(fractions[i - 1] as number);
    expect(fractions).toContain(0.25);
  });
});
