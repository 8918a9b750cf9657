import cliProgress from 'cli-progress';
import type { JobSnapshot } from '../../../shared/contract/jobs';
import type { App } from '../../app/App';

function formatEta(seconds: number | null): string {
  if (seconds === null) return '--:--';
  const m = Math.floor(seconds / 60);
  return `${m}:${String(seconds % 60).padStart(2, '0')}`;
}

/** Renders a job's progress on the terminal (bar on a TTY, JSON lines with --json) until it ends. */
export class JobFollower {
  constructor(
    private readonly app: App,
    private readonly json: boolean,
    private readonly stdout: NodeJS.WritableStream,
    private readonly stderr: NodeJS.WritableStream,
  ) {}

  async follow(start: JobSnapshot): Promise<JobSnapshot> {
    const tty = !this.json && (this.stderr as NodeJS.WriteStream).isTTY === true;
    const bar = tty
      ? new cliProgress.SingleBar(
          { format: ' {bar} {percentage}% | {stage} | ETA {eta_h}', stream: this.stderr as NodeJS.WriteStream, hideCursor: true },
          cliProgress.Presets.shades_classic,
        )
      : null;
    bar?.start(100, 0, { stage: start.progress.stage, eta_h: '--:--' });
    // Each error is printed once. The runner logs a failed job's final error as its last line, and the
    // command prints that same failure when the job ends: so the newest warn/error line is held back until
    // the next line comes, and dropped when it is the final error. Without a TTY lines stream live; on a
    // TTY (bar) the error lines are printed under the bar when the job ends.
    const hold: { line: { level: string; message: string } | null } = { line: null };
    const barErrors: string[] = [];
    const release = (finalError?: string) => {
      if (hold.line && hold.line.message !== finalError) this.stderr.write(`[${hold.line.level}] ${hold.line.message}\n`);
      hold.line = null;
    };
    let lastJsonAt = 0;
    // JSON lines are throttled to one per 250 ms; the newest update of a quiet spell is written when the
    // spell ends, so a consumer always sees the current stage (e.g. a long statement that just started).
    let pending: JobSnapshot | null = null;
    let flushTimer: NodeJS.Timeout | null = null;
    const writeJson = (job: JobSnapshot) => {
      lastJsonAt = Date.now();
      pending = null;
      this.stdout.write(`${JSON.stringify({ type: 'progress', jobId: start.id, state: job.state, progress: job.progress })}\n`);
    };
    const unsubscribe = this.app.events.subscribe((event) => {
      if (event.type === 'job.updated' && event.job.id === start.id) {
        if (event.job.finishedAt) release(event.job.error?.message);
        const p = event.job.progress;
        // The job's overall fraction (never decreasing); older snapshots without it: the stage's done/total.
        const pct =
          typeof p.fraction === 'number'
            ? Math.floor(p.fraction * 100)
            : p.total
              ? Math.min(100, Math.round((p.done / p.total) * 100))
              : 0;
        bar?.update(pct, { stage: p.stage.slice(0, 60), eta_h: formatEta(p.etaSeconds) });
        if (!this.json) return;
        const wait = 250 - (Date.now() - lastJsonAt);
        if (wait <= 0 || event.job.finishedAt) {
          if (flushTimer) clearTimeout(flushTimer);
          flushTimer = null;
          writeJson(event.job);
          return;
        }
        pending = event.job;
        flushTimer ??= setTimeout(() => {
          flushTimer = null;
          if (pending) writeJson(pending);
        }, wait);
      } else if (event.type === 'job.log' && event.line.jobId === start.id && !this.json && event.line.level !== 'debug') {
        const { level, message } = event.line;
        if (tty) {
          if (level === 'error') barErrors.push(message);
          return;
        }
        release();
        if (level === 'error' || level === 'warn') hold.line = { level, message };
        else this.stderr.write(`[${level}] ${message}\n`);
      }
    });
    // Ctrl+C is not handled here: GracefulShutdown (shutdown.ts) cancels every running job of the process,
    // this one included, and this wait then returns the cancelled snapshot.
    try {
      let final = await this.app.jobs.wait(start.id, 24 * 3600 * 1000);
      while (!final.finishedAt) final = await this.app.jobs.wait(start.id, 24 * 3600 * 1000);
      release(final.error?.message);
      bar?.stop();
      for (const m of barErrors) if (m !== final.error?.message) this.stderr.write(`  ${m}\n`);
      return final;
    } finally {
      if (flushTimer) clearTimeout(flushTimer);
      unsubscribe();
      release();
      bar?.stop();
    }
  }
}
