import { beforeEach, describe, expect, it } from 'vitest';
import { useAppStore } from '../../src/renderer/state/appStore';
import { whenJobEnds } from '../../src/renderer/state/jobEnd';
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

describe('whenJobEnds (a job whose starter may be gone, e.g. a closed drawer)', () => {
  beforeEach(() => useAppStore.setState({ jobs: {} }));

  it('reports the end once, not the running updates before it or snapshots after it', () => {
    const ends: JobSnapshot[] = [];
    const { upsertJob } = useAppStore.getState();
    upsertJob(running);
    whenJobEnds('job-1', (job) => ends.push(job));
    upsertJob({ ...running, progress: { ...running.progress, done: 5 } });
    expect(ends).toEqual([]);
    upsertJob(succeeded);
    upsertJob({ ...succeeded, title: 'again' });
    expect(ends).toEqual([succeeded]);
  });

  it('reports at once for a job that already ended, and never for another job', () => {
    const ends: string[] = [];
    useAppStore.getState().upsertJob(succeeded);
    whenJobEnds('job-1', (job) => ends.push(job.id));
    whenJobEnds('job-2', (job) => ends.push(job.id));
    useAppStore.getState().upsertJob({ ...succeeded, id: 'job-3' });
    expect(ends).toEqual(['job-1']);
  });
});
