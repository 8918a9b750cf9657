import { z } from 'zod';
import { ById, Empty, ErrorInfo, Id, IsoDate, listLimit } from './common';
import { op } from './define';

export const JobState = z.enum(['queued', 'running', 'succeeded', 'failed', 'cancelled']);
export type JobState = z.infer<typeof JobState>;
export const JobKind = z.enum([
  'backup.create',
  'backup.verify',
  'backup.download',
  'backup.saveCopy',
  'backup.diff',
  'restore',
  'restore.rollback',
  'migrate',
  'mail.roundtrip',
  'sandbox',
  'demo',
]);
export type JobKind = z.infer<typeof JobKind>;

export const JobProgress = z.object({
  /** What is happening now, in words ("dumping table entity", "statement 3 of 5"). */
  stage: z.string().default(''),
  done: z.number().nonnegative().default(0),
  total: z.number().nonnegative().nullable().default(null),
  unit: z.string().default('items'),
  bytes: z.number().nonnegative().optional(),
  rows: z.number().nonnegative().optional(),
  /**
   * The whole job's share done (0–1) over its weighted phases; never decreases while the job runs, so a
   * bar drawn from it only moves forward. Null (or absent, in older records) until the job can tell.
   */
  fraction: z.number().min(0).max(1).nullable().optional(),
  /** Seconds left, from the runner's rate estimate over `fraction`; null until it is stable. */
  etaSeconds: z.number().nonnegative().nullable().default(null),
});
export type JobProgress = z.infer<typeof JobProgress>;

/**
 * Event-loop lag of the main process while a job ran (perf_hooks.monitorEventLoopDelay, one histogram per
 * job): milliseconds the loop was late beyond its sampling interval. It is the whole process's loop, so a
 * second job running at the same time shows up in both. Updated while the job runs, final when it ends.
 */
export const EventLoopLag = z.object({
  p50: z.number().nonnegative(),
  p99: z.number().nonnegative(),
  max: z.number().nonnegative(),
  /** Timer firings measured; 0 for a job shorter than one interval (the figures are then 0, not measured). */
  samples: z.number().int().nonnegative(),
  resolutionMs: z.number().positive(),
});
export type EventLoopLag = z.infer<typeof EventLoopLag>;

export const JobSnapshot = z.object({
  id: Id,
  kind: JobKind,
  title: z.string(),
  profileId: z.string().nullable(),
  state: JobState,
  progress: JobProgress,
  result: z.unknown().optional(),
  error: ErrorInfo.nullable(),
  createdAt: IsoDate,
  startedAt: IsoDate.nullable(),
  finishedAt: IsoDate.nullable(),
  /** Absent on jobs recorded before lag was measured. */
  eventLoopLag: EventLoopLag.optional(),
});
export type JobSnapshot = z.infer<typeof JobSnapshot>;

export const JobLogLine = z.object({
  jobId: Id,
  seq: z.number().int(),
  at: IsoDate,
  level: z.enum(['debug', 'info', 'warn', 'error']),
  message: z.string(),
});
export type JobLogLine = z.infer<typeof JobLogLine>;

export const jobOperations = {
  'jobs.list': op(
    'Job history, newest first',
    z
      .object({
        kind: JobKind.optional(),
        profileId: z.string().optional(),
        state: JobState.optional(),
        limit: listLimit(1000, 200),
      })
      .strict(),
    z.array(JobSnapshot),
  ),
  'jobs.get': op('One job', ById, JobSnapshot),
  'jobs.log': op("A job's log lines", z.object({ id: Id, afterSeq: z.number().int().default(0) }).strict(), z.array(JobLogLine)),
  'jobs.cancel': op('Ask a running job to stop', ById, JobSnapshot, { risk: 'write' }),
  'jobs.wait': op(
    'Wait until a job ends (or the timeout passes) and return its snapshot',
    z.object({ id: Id, timeoutMs: z.number().int().min(0).max(3_600_000).default(60_000) }).strict(),
    JobSnapshot,
  ),
  'jobs.demo': op(
    'Start a CPU-and-timer demo job (used to measure event-loop lag and to try the jobs drawer)',
    z
      .object({ steps: z.number().int().min(1).max(10_000).default(20), stepMs: z.number().int().min(0).max(10_000).default(50) })
      .strict(),
    JobSnapshot,
    { risk: 'write' },
  ),
  'jobs.active': op('Jobs that are queued or running', Empty, z.array(JobSnapshot)),
} as const;
