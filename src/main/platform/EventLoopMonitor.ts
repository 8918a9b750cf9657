import { type IntervalHistogram, monitorEventLoopDelay } from 'node:perf_hooks';
import type { EventLoopLag } from '../../shared/contract/jobs';

const ms = (ns: number) => Math.round((ns / 1e6) * 10) / 10;

/**
 * Event-loop delay of this process: the number that tells whether the UI door stays responsive during jobs.
 * The histogram's timer fires every `resolutionMs`; what it records is the time between firings, so an idle
 * loop shows about `resolutionMs` and a 100 ms block shows about 100 ms.
 */
export class EventLoopMonitor {
  private readonly histogram: IntervalHistogram;

  constructor(private readonly resolutionMs = 10) {
    this.histogram = monitorEventLoopDelay({ resolution: resolutionMs });
    this.histogram.enable();
  }

  /** The raw histogram since start (or reset), interval included (the Overview's figures). */
  snapshot(): { p50: number; p99: number; max: number } {
    return { p50: ms(this.histogram.percentile(50)), p99: ms(this.histogram.percentile(99)), max: ms(this.histogram.max) };
  }

  /**
   * Lag: how late the timer fired beyond its interval, i.e. how long something kept the loop from running
   * other callbacks (an IPC reply, a WebSocket event). 0 for an idle loop. `samples` is 0 for a stretch
   * shorter than one interval, in which case there is nothing to report.
   */
  lag(): EventLoopLag {
    const samples = this.histogram.count;
    const over = (ns: number) => (samples === 0 ? 0 : Math.max(0, ms(ns - this.resolutionMs * 1e6)));
    return {
      p50: over(this.histogram.percentile(50)),
      p99: over(this.histogram.percentile(99)),
      max: over(this.histogram.max),
      samples,
      resolutionMs: this.resolutionMs,
    };
  }

  reset(): void {
    this.histogram.reset();
  }

  stop(): void {
    this.histogram.disable();
  }
}
