/** One phase of a job and the work it does, in any unit shared by the job's phases (bytes, estimated seconds). */
export interface PhaseWeight {
  phase: string;
  weight: number;
}

/**
 * The job's overall fraction done (0–1). With a plan (weighted phases in order), a progress update counts
 * within its phase: phases before it are whole, the current one by done/total. Without a plan it is
 * done/total. Whatever the updates say (a new stage counting from 0, a sub-job reporting its own totals),
 * the fraction never goes down: a late estimate only holds the bar where it is until the work catches up.
 */
export class ProgressTracker {
  private phases: PhaseWeight[] = [];
  private current: string | null = null;
  private fraction: number | null = null;

  /** Declare (or re-declare, when a later phase learns its size) the job's phases in the order they run. */
  plan(phases: readonly PhaseWeight[]): void {
    this.phases = phases.filter((p) => Number.isFinite(p.weight) && p.weight > 0).map((p) => ({ ...p }));
  }

  /** The fraction after an update; `phase` switches the current phase, updates without one stay in it. */
  update(done: number, total: number | null, phase?: string): number | null {
    if (phase !== undefined) this.current = phase;
    const computed = this.phases.length ? this.planned(done, total) : total && total > 0 ? done / total : null;
    if (computed === null || !Number.isFinite(computed)) return this.fraction;
    this.fraction = Math.max(this.fraction ?? 0, Math.min(1, Math.max(0, computed)));
    return this.fraction;
  }

  /** The job finished: the whole bar. */
  finish(): number {
    this.fraction = 1;
    return 1;
  }

  private planned(done: number, total: number | null): number | null {
    const index = this.phases.findIndex((p) => p.phase === this.current);
    if (index < 0) return null;
    const sum = this.phases.reduce((a, p) => a + p.weight, 0);
    const before = this.phases.slice(0, index).reduce((a, p) => a + p.weight, 0);
    const within = total && total > 0 ? Math.min(1, Math.max(0, done / total)) : 0;
    return (before + (this.phases[index]?.weight ?? 0) * within) / sum;
  }
}
