import { randomUUID } from 'node:crypto';
import type { JobKind, JobLogLine, JobProgress, JobSnapshot } from '../../../shared/contract/jobs';
import { AppError, toFailure } from '../../core/AppError';
import type { EventBus } from '../../core/EventBus';
import { EventLoopMonitor } from '../EventLoopMonitor';
import { EtaEstimator } from './EtaEstimator';
import type { JobStore } from './JobStore';
import { type PhaseWeight, ProgressTracker } from './ProgressTracker';

/** A progress update: the stage's own amounts, and optionally the planned phase it belongs to (see `plan`). */
export type ProgressUpdate = Partial<Omit<JobProgress, 'etaSeconds' | 'fraction'>> & { phase?: string };

export interface JobContext {
  readonly id: string;
  readonly signal: AbortSignal;
  progress(update: ProgressUpdate): void;
  /**
   * The job's phases in order with the work each does (e.g. bytes): the bar then moves over all of them
   * as one fraction. Updates name their phase (`phase`); ones without it (a sub-job's) count in the current one.
   */
  plan(phases: readonly PhaseWeight[]): void;
  log(level: JobLogLine['level'], message: string): void;
  /** Throws `CANCELLED` when the job was asked to stop; call it between units of work. */
  throwIfCancelled(): void;
}

/** What a long step of a job is handed: the job's cancel signal, its progress (amounts of a total) and its log. */
export interface JobStep {
  signal: AbortSignal;
  onProgress: (done: number, total: number) => void;
  log: (level: 'info' | 'warn', message: string) => void;
}

export interface JobSpec<T> {
  kind: JobKind;
  title: string;
  profileId?: string | null;
  /** Jobs sharing a key never run at the same time (e.g. one backup operation per profile); a second is refused. */
  exclusiveKey?: string;
  run(ctx: JobContext): Promise<T>;
}

interface LiveJob {
  snapshot: JobSnapshot;
  controller: AbortController;
  done: Promise<JobSnapshot>;
  seq: number;
  lastPersist: number;
  exclusiveKey?: string;
  /** Called with the final snapshot before the last `job.updated` event (the audit row of the action). */
  finishers: Array<(snapshot: JobSnapshot) => void>;
}

const PERSIST_EVERY_MS = 500;
/** How often a running job's ETA is looked at again when no progress arrives (it counts down, or goes quiet). */
const ETA_REFRESH_MS = 1_000;

/** Runs long operations, reports progress with an ETA, persists history, and cancels on request. */
export class JobRunner {
  private readonly live = new Map<string, LiveJob>();
  private readonly exclusive = new Map<string, string>();

  constructor(
    private readonly store: JobStore,
    private readonly events: EventBus,
  ) {
    store.markInterrupted();
  }

  start<T>(spec: JobSpec<T>): JobSnapshot {
    if (spec.exclusiveKey) {
      const holder = this.exclusive.get(spec.exclusiveKey);
      if (holder) {
        throw new AppError(
          'CONFLICT',
          `Another job (${holder}) is already running this kind of operation; wait for it or cancel it.`,
          {
            jobId: holder,
          },
        );
      }
    }
    const now = new Date().toISOString();
    const snapshot: JobSnapshot = {
      id: randomUUID(),
      kind: spec.kind,
      title: spec.title,
      profileId: spec.profileId ?? null,
      state: 'running',
      progress: { stage: 'starting', done: 0, total: null, unit: 'items', etaSeconds: null },
      error: null,
      createdAt: now,
      startedAt: now,
      finishedAt: null,
    };
    const controller = new AbortController();
    const live: LiveJob = {
      snapshot,
      controller,
      seq: 0,
      lastPersist: 0,
      done: Promise.resolve(snapshot),
      exclusiveKey: spec.exclusiveKey,
      finishers: [],
    };
    if (spec.exclusiveKey) this.exclusive.set(spec.exclusiveKey, snapshot.id);
    this.live.set(snapshot.id, live);
    this.store.save(snapshot);
    this.events.emit({ type: 'job.updated', job: snapshot });
    live.done = this.execute(live, spec);
    return { ...snapshot };
  }

  private async execute<T>(live: LiveJob, spec: JobSpec<T>): Promise<JobSnapshot> {
    const eta = new EtaEstimator();
    const tracker = new ProgressTracker();
    // One histogram per job, so the figures cover exactly this job's lifetime (the App's monitor counts
    // from process start). Its timer is unref'd and costs one wake-up per interval.
    const lag = new EventLoopMonitor();
    const ctx: JobContext = {
      id: live.snapshot.id,
      signal: live.controller.signal,
      progress: ({ phase, ...update }) => {
        const p = { ...live.snapshot.progress, ...update };
        p.fraction = tracker.update(p.done, p.total, phase);
        p.etaSeconds = eta.update(p.fraction);
        live.snapshot = { ...live.snapshot, progress: p };
        this.events.emit({ type: 'job.updated', job: live.snapshot });
        const t = Date.now();
        if (t - live.lastPersist > PERSIST_EVERY_MS) {
          live.lastPersist = t;
          // Computing percentiles walks the histogram: do it at the persist rate, not on every progress call.
          live.snapshot = { ...live.snapshot, eventLoopLag: lag.lag() };
          this.store.save(live.snapshot);
        }
      },
      plan: (phases) => tracker.plan(phases),
      log: (level, message) => {
        live.seq += 1;
        const line: JobLogLine = { jobId: live.snapshot.id, seq: live.seq, at: new Date().toISOString(), level, message };
        this.store.appendLog(line);
        this.events.emit({ type: 'job.log', line });
      },
      throwIfCancelled: () => {
        if (live.controller.signal.aborted) throw new AppError('CANCELLED', 'Cancelled by request.');
      },
    };
    const etaRefresh = setInterval(() => {
      const etaSeconds = eta.update(live.snapshot.progress.fraction ?? null);
      if (etaSeconds === live.snapshot.progress.etaSeconds) return;
      live.snapshot = { ...live.snapshot, progress: { ...live.snapshot.progress, etaSeconds } };
      this.events.emit({ type: 'job.updated', job: live.snapshot });
    }, ETA_REFRESH_MS);
    etaRefresh.unref();
    try {
      const result = await spec.run(ctx);
      const succeeded = !live.controller.signal.aborted;
      const progress = { ...live.snapshot.progress, etaSeconds: 0 };
      if (succeeded) progress.fraction = tracker.finish();
      live.snapshot = {
        ...live.snapshot,
        state: succeeded ? 'succeeded' : 'cancelled',
        result: result ?? null,
        progress,
      };
    } catch (err) {
      const failure = toFailure(err);
      const cancelled = failure.code === 'CANCELLED' || live.controller.signal.aborted;
      live.snapshot = {
        ...live.snapshot,
        state: cancelled ? 'cancelled' : 'failed',
        error: { code: cancelled ? 'CANCELLED' : failure.code, message: failure.message },
      };
      ctx.log(cancelled ? 'warn' : 'error', failure.message);
    } finally {
      clearInterval(etaRefresh);
      live.snapshot = { ...live.snapshot, finishedAt: new Date().toISOString(), eventLoopLag: lag.lag() };
      lag.stop();
      this.store.save(live.snapshot);
      if (live.exclusiveKey) this.exclusive.delete(live.exclusiveKey);
      this.live.delete(live.snapshot.id);
      for (const finish of live.finishers) {
        try {
          finish(live.snapshot);
        } catch {
          // A finisher's failure must not change the job's outcome.
        }
      }
      this.events.emit({ type: 'job.updated', job: live.snapshot });
    }
    return live.snapshot;
  }

  get(id: string): JobSnapshot {
    const live = this.live.get(id);
    if (live) return live.snapshot;
    const stored = this.store.get(id);
    if (!stored) throw new AppError('NOT_FOUND', `No job with id ${id}.`);
    return stored;
  }

  cancel(id: string): JobSnapshot {
    const live = this.live.get(id);
    if (!live) return this.get(id);
    live.controller.abort(new AppError('CANCELLED', 'Cancelled by request.'));
    return live.snapshot;
  }

  /**
   * Run `finish` with the final snapshot when the job ends, before its last event goes out (so whoever
   * sees the job end also sees what `finish` recorded). False when the job is not running any more.
   */
  onFinished(id: string, finish: (snapshot: JobSnapshot) => void): boolean {
    const live = this.live.get(id);
    if (!live) return false;
    live.finishers.push(finish);
    return true;
  }

  /** Resolves with the final snapshot, or the current one when the timeout passes first. */
  async wait(id: string, timeoutMs = 60_000): Promise<JobSnapshot> {
    const live = this.live.get(id);
    if (!live) return this.get(id);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<JobSnapshot>((resolve) => {
      timer = setTimeout(() => resolve(live.snapshot), timeoutMs);
    });
    try {
      return await Promise.race([live.done, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  active(): JobSnapshot[] {
    return [...this.live.values()].map((l) => l.snapshot);
  }

  /** Cancel everything and wait for each job to wind down (used on shutdown). */
  async cancelAll(timeoutMs = 15_000): Promise<JobSnapshot[]> {
    const ids = [...this.live.keys()];
    for (const id of ids) this.cancel(id);
    return Promise.all(ids.map((id) => this.wait(id, timeoutMs)));
  }
}
