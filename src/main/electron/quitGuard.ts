import type { JobSnapshot } from '../../shared/contract/jobs';

export interface QuitGuardDeps {
  /** Jobs that would be cut short by quitting now. */
  activeJobs(): JobSnapshot[];
  /** Ask the person whether to cancel them and quit (a dialog in Electron); true means quit. */
  confirmCancel(jobs: JobSnapshot[]): Promise<boolean>;
  /** Cancel every job, wait for each to clean up (locks, shadow schemas, partial files), close services. */
  shutdown(): Promise<void>;
}

/**
 * Decides whether the desktop app may quit. Electron's 'close' and 'before-quit' are synchronous, so the
 * handlers prevent the default, call `requestQuit()`, and quit again once it resolves true; by then
 * `closed` is true and the second pass goes through. Concurrent requests (closing the window while
 * Cmd+Q is pending) share one dialog and one shutdown.
 */
export class QuitGuard {
  private inFlight: Promise<boolean> | null = null;
  private done = false;

  constructor(private readonly deps: QuitGuardDeps) {}

  /** True once the app has shut down cleanly and the quit may proceed. */
  get closed(): boolean {
    return this.done;
  }

  requestQuit(): Promise<boolean> {
    if (this.done) return Promise.resolve(true);
    this.inFlight ??= this.decide().finally(() => {
      this.inFlight = null;
    });
    return this.inFlight;
  }

  private async decide(): Promise<boolean> {
    const running = this.deps.activeJobs();
    if (running.length > 0 && !(await this.deps.confirmCancel(running))) return false;
    await this.deps.shutdown();
    this.done = true;
    return true;
  }
}

/** The dialog's words, kept here so they can be read (and tested) without Electron. */
export function describeRunningJobs(jobs: JobSnapshot[]): { message: string; detail: string } {
  const n = jobs.length;
  return {
    message: n === 1 ? 'A job is still running.' : `${n} jobs are still running.`,
    detail: `${jobs
      .slice(0, 8)
      .map(
        (j) =>
          `• ${j.title} (${j.state}${j.progress.total ? `, ${j.progress.done}/${j.progress.total} ${j.progress.unit}` : ''})`,
      )
      .join(
        '\n',
      )}${n > 8 ? `\n… and ${n - 8} more` : ''}\n\nQuitting cancels them; each stops cleanly (locks released, partial files removed).`,
  };
}
