import { setTimeout as sleep } from 'node:timers/promises';
import type { JobSnapshot } from '../../../shared/contract/jobs';
import type { HandlerGroup } from '../../core/dispatch';
import type { JobRunner } from './JobRunner';
import type { JobStore } from './JobStore';

type JobOps = 'jobs.list' | 'jobs.get' | 'jobs.log' | 'jobs.cancel' | 'jobs.wait' | 'jobs.demo' | 'jobs.active';

export function jobHandlers(app: { readonly jobs: JobRunner; readonly jobHistory: JobStore }): HandlerGroup<JobOps> {
  return {
    // Live snapshots first: they are fresher than the throttled copies in the store.
    'jobs.list': async (args) =>
      [...app.jobs.active().filter(matches(args)), ...app.jobHistory.list(args)].filter(unique()).slice(0, args.limit),
    'jobs.get': async ({ id }) => app.jobs.get(id),
    'jobs.log': async ({ id, afterSeq }) => {
      app.jobs.get(id);
      return app.jobHistory.logs(id, afterSeq);
    },
    'jobs.cancel': async ({ id }) => app.jobs.cancel(id),
    'jobs.wait': async ({ id, timeoutMs }) => app.jobs.wait(id, timeoutMs),
    'jobs.active': async () => app.jobs.active(),
    'jobs.demo': async ({ steps, stepMs }) =>
      app.jobs.start({
        kind: 'demo',
        title: `Demo job (${steps} steps)`,
        run: async (ctx) => {
          for (let i = 0; i < steps; i++) {
            ctx.throwIfCancelled();
            await sleep(stepMs, undefined, { signal: ctx.signal }).catch(() => ctx.throwIfCancelled());
            ctx.progress({ stage: `step ${i + 1} of ${steps}`, done: i + 1, total: steps, unit: 'steps' });
          }
          ctx.log('info', 'Demo finished.');
          return { steps };
        },
      }),
  };
}

function matches(args: { kind?: string; profileId?: string; state?: string }) {
  return (j: JobSnapshot) =>
    (!args.kind || j.kind === args.kind) &&
    (!args.state || j.state === args.state) &&
    (!args.profileId || j.profileId === args.profileId);
}

function unique<T extends { id: string }>() {
  const seen = new Set<string>();
  return (j: T) => (seen.has(j.id) ? false : (seen.add(j.id), true));
}
