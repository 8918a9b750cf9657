/**
 * Seconds left from an exponentially smoothed rate of progress. Quiet until it has seen enough work
 * (1 s or 2% of the total) to say something better than noise.
 */
export class EtaEstimator {
  private readonly startedAt: number;
  private lastAt: number;
  private lastDone = 0;
  private rate: number | null = null;

  constructor(
    private readonly now: () => number = () => Date.now(),
    private readonly smoothing = 0.5,
  ) {
    this.startedAt = now();
    this.lastAt = this.startedAt;
  }

  update(done: number, total: number | null): number | null {
    const t = this.now();
    if (total === null || total <= 0) return null;
    if (done >= total) return 0;
    const dt = (t - this.lastAt) / 1000;
    if (dt >= 0.2 && done > this.lastDone) {
      const instant = (done - this.lastDone) / dt;
      this.rate = this.rate === null ? instant : this.smoothing * instant + (1 - this.smoothing) * this.rate;
      this.lastAt = t;
      this.lastDone = done;
    }
    const elapsed = (t - this.startedAt) / 1000;
    if (this.rate === null || this.rate <= 0 || (elapsed < 1 && done / total < 0.02)) return null;
    return Math.max(0, Math.round((total - done) / this.rate));
  }
}
