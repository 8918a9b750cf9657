import type { JobSnapshot } from '../../shared/contract/jobs';
import { useAppStore } from './appStore';

/**
 * Calls `onEnd` once, when the job with this id has finished (from the store the job.updated events feed).
 * It lives outside any component on purpose: a person who closes the drawer that started a job must still
 * hear how it ended, so the watch cannot be tied to that drawer's lifetime.
 */
export function whenJobEnds(jobId: string, onEnd: (job: JobSnapshot) => void): () => void {
  let done = false;
  const check = (jobs: Record<string, JobSnapshot>): void => {
    const job = jobs[jobId];
    if (done || !job?.finishedAt) return;
    done = true;
    unsubscribe();
    onEnd(job);
  };
  const unsubscribe = useAppStore.subscribe((s) => check(s.jobs));
  check(useAppStore.getState().jobs);
  return unsubscribe;
}
