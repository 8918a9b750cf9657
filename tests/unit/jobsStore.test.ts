import { beforeEach, describe, expect, it } from 'vitest';
import { useAppStore } from '../../src/renderer/state/appStore';
import type { JobSnapshot } from '../../src/shared/contract/index';

const running: JobSnapshot = {
  id: 'job-1',
  kind: 'backup.create',
  title: 'Backup of sysndd (Local sandbox)',
  profileId: 'p1',
  state: 'running',
  progress: { stage: 'starting', done: 0, total: null, unit: 'items', etaSeconds: null },
  error: null,
  createdAt: '2026-12-06T04:00:00.000Z',
  startedAt: '2026-12-06T04:00:00.000Z',
  finishedAt: null,
};
const succeeded: JobSnapshot = { ...running, state: 'succeeded', finishedAt: '2026-12-06T04:00:01.000Z' };

describe('jobs in the renderer store (upsertJob)', () => {
  beforeEach(() => useAppStore.setState({ jobs: {} }));

  it('keeps a finished job finished when a late "running" snapshot arrives (the create call answered after the last event)', () => {
    const { upsertJob } = useAppStore.getState();
    upsertJob(running);
    upsertJob(succeeded);
    upsertJob(running);
    expect(useAppStore.getState().jobs['job-1']).toEqual(succeeded);
  });

  it('still follows a live job and takes its end', () => {
    const { upsertJob } = useAppStore.getState();
    upsertJob(running);
    const later = { ...running, progress: { ...running.progress, stage: 'rows', done: 10 } };
    upsertJob(later);
    expect(useAppStore.getState().jobs['job-1']).toEqual(later);
    upsertJob(succeeded);
    expect(useAppStore.getState().jobs['job-1']).toEqual(succeeded);
  });
});
