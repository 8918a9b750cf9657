import { describe, expect, it, vi } from 'vitest';
import { describeRunningJobs, QuitGuard } from '../../src/main/electron/quitGuard';
import type { JobSnapshot } from '../../src/shared/contract/jobs';

const job = (title: string, done = 0, total: number | null = null): JobSnapshot => ({
  id: `id-${title}`,
  kind: 'demo',
  title,
  profileId: null,
  state: 'running',
  progress: { stage: '', done, total, unit: 'steps', etaSeconds: null },
  error: null,
  createdAt: new Date().toISOString(),
  startedAt: new Date().toISOString(),
  finishedAt: null,
});

describe('QuitGuard', () => {
  it('quits without asking when no job runs', async () => {
    const deps = { activeJobs: () => [], confirmCancel: vi.fn(async () => true), shutdown: vi.fn(async () => {}) };
    const guard = new QuitGuard(deps);
    expect(guard.closed).toBe(false);
    expect(await guard.requestQuit()).toBe(true);
    expect(deps.confirmCancel).not.toHaveBeenCalled();
    expect(deps.shutdown).toHaveBeenCalledTimes(1);
    expect(guard.closed).toBe(true);
    expect(await guard.requestQuit()).toBe(true);
    expect(deps.shutdown).toHaveBeenCalledTimes(1);
  });

  it('keeps running when the person says so, and asks again next time', async () => {
    const confirm = vi.fn(async () => false);
    const shutdown = vi.fn(async () => {});
    const guard = new QuitGuard({ activeJobs: () => [job('backup')], confirmCancel: confirm, shutdown });
    expect(await guard.requestQuit()).toBe(false);
    expect(await guard.requestQuit()).toBe(false);
    expect(confirm).toHaveBeenCalledTimes(2);
    expect(shutdown).not.toHaveBeenCalled();
    expect(guard.closed).toBe(false);
  });

  it('shares one dialog and one shutdown between concurrent requests (window close + Cmd+Q)', async () => {
    let answer: (yes: boolean) => void = () => {};
    const confirm = vi.fn(() => new Promise<boolean>((resolve) => (answer = resolve)));
    const shutdown = vi.fn(async () => {});
    const guard = new QuitGuard({ activeJobs: () => [job('restore')], confirmCancel: confirm, shutdown });
    const a = guard.requestQuit();
    const b = guard.requestQuit();
    await Promise.resolve();
    answer(true);
    expect(await Promise.all([a, b])).toEqual([true, true]);
    expect(confirm).toHaveBeenCalledTimes(1);
    expect(shutdown).toHaveBeenCalledTimes(1);
  });

  it('names the running jobs and their progress in the dialog text', () => {
    expect(describeRunningJobs([job('Backup of production', 3, 10)])).toMatchObject({
      message: 'A job is still running.',
      detail: expect.stringContaining('Backup of production (running, 3/10 steps)'),
    });
    const many = describeRunningJobs(Array.from({ length: 10 }, (_, i) => job(`job ${i}`)));
    expect(many.message).toBe('10 jobs are still running.');
    expect(many.detail).toContain('… and 2 more');
  });
});
