export interface EtaRules {
  /** No estimate before the job has run this long (the first seconds are connection set-up and scans). */
  minElapsedMs: number;
  /** … nor before this share of the work is done. */
  minFraction: number;
  /** … nor before this many rate samples (one per sampleMs at most) went into the smoothed rate. */
  minSamples: number;
  sampleMs: number;
  /** Weight of the newest sample in the exponentially smoothed rate (0–1; lower is steadier). */
  smoothing: number;
}

export const DEFAULT_ETA_RULES: EtaRules = {
  minElapsedMs: 5_000,
  minFraction: 0.05,
  minSamples: 3,
  sampleMs: 1_000,
  smoothing: 0.3,
};

/**
 * Seconds left from an exponentially smoothed rate of the job's overall fraction (ProgressTracker). Quiet
 * (null) until the rules above hold, so a first guess from a fast scan or a slow connect ("about 9 h" at
 * 14 %) is never shown; quiet again when the estimate has run out while the job still works, so "about
 * 0 s left" never stays up.
 */
export class EtaEstimator {
  private readonly startedAt: number;
  private lastAt: number;
  private lastFraction = 0;
  private rate: number | null = null;
  private samples = 0;

  constructor(
    private readonly now: () => number = () => Date.now(),
    private readonly rules: EtaRules = DEFAULT_ETA_RULES,
  ) {
    this.startedAt = now();
    this.lastAt = this.startedAt;
  }

  update(fraction: number | null): number | null {
    // All work counted but the job not ended yet (its last steps report nothing): nothing sensible to say.
    // The runner writes 0 itself when the job ends.
    if (fraction === null || fraction >= 1) return null;
    const t = this.now();
    const dt = t - this.lastAt;
    if (dt >= this.rules.sampleMs && fraction > this.lastFraction) {
      const instant = (fraction - this.lastFraction) / (dt / 1000);
      const s = this.rules.smoothing;
      this.rate = this.rate === null ? instant : s * instant + (1 - s) * this.rate;
      this.samples += 1;
      this.lastAt = t;
      this.lastFraction = fraction;
    }
    const stable =
      this.rate !== null &&
      this.rate > 0 &&
      this.samples >= this.rules.minSamples &&
      t - this.startedAt >= this.rules.minElapsedMs &&
      fraction >= this.rules.minFraction;
    if (!stable || this.rate === null) return null;
    // Counted from the last sample: time spent since then without progress is time the estimate used up.
    const left = (1 - this.lastFraction) / this.rate - (t - this.lastAt) / 1000;
    return left >= 1 ? Math.round(left) : null;
  }
}
