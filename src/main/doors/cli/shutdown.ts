import type { EventEmitter } from 'node:events';
import type { App } from '../../app/App';

/** The signals that end the CLI and `serve` gracefully; each exits with the shell's 128 + signal number. */
export const SHUTDOWN_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
export type ShutdownSignal = (typeof SHUTDOWN_SIGNALS)[number];
export const SIGNAL_EXIT_CODES: Record<ShutdownSignal, number> = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 };

/** How long running jobs get to clean up (release the migration lock, drop shadow schemas, delete partials). */
export const JOB_GRACE_MS = 15_000;
/** After the jobs ended: time for the command to print its result and return before it is cut short. */
export const SETTLE_MS = 3_000;
/** After everything closed: time for buffered output to drain before a lingering handle is overridden. */
const FLUSH_MS = 2_000;

const closing = new WeakMap<App, Promise<void>>();

/**
 * `App.close()` once, however many paths ask for it: the command's own `finally`, `serve` after its signal,
 * and the signal handler when the command does not return in time. A second real close would run the
 * closers again and close the store twice.
 */
export function closeApp(app: App, jobGraceMs?: number): Promise<void> {
  let done = closing.get(app);
  if (!done) {
    done = app.close(jobGraceMs);
    closing.set(app, done);
  }
  return done;
}

export interface GracefulShutdownOptions {
  stderr: NodeJS.WritableStream;
  /** Ends the process; injectable so the sequence can be exercised without losing the test process. */
  exit?: (code: number) => void;
  graceMs?: number;
  settleMs?: number;
  /** Where the signals arrive: the process, or an emitter standing in for it in tests. */
  signals?: EventEmitter;
}

/**
 * SIGINT / SIGTERM / SIGHUP for the CLI process. Node's default for SIGTERM is to die on the spot, which
 * would leave the migration lock's session, a `<db>__restore_*` shadow schema or a `.partial` backup
 * behind. Instead, on the first signal:
 *
 *  1. every running job of every watched App is cancelled, and the handler waits (at most `graceMs`) for
 *     each to finish its own cleanup — the jobs know what they hold, the handler does not;
 *  2. the command gets `settleMs` to notice, print its result and return (its `finally` closes the App);
 *  3. every watched App is closed (pools, SSH tunnels, the store) — a no-op when the command already did;
 *  4. the process ends with 130 / 143 / 129 (or 0 for a command for which a signal is the normal end,
 *     `serve`), letting output drain first when nothing else holds the process open.
 *
 * A second signal ends the process at once; whatever was left is cleaned up by the next run (restore
 * leftovers, the server releasing a dead session's lock).
 */
export class GracefulShutdown {
  private readonly apps = new Set<App>();
  private received: ShutdownSignal | null = null;
  private commandDone: Promise<void> = new Promise<void>(() => undefined);
  private signalIsNormalEnd = false;
  private cleanupIncomplete = false;
  private resolveRequested: (signal: ShutdownSignal) => void = () => undefined;
  /** Resolves with the first signal (`serve` waits on it). */
  readonly requested: Promise<ShutdownSignal>;
  private readonly listeners = new Map<ShutdownSignal, () => void>();
  private readonly exit: (code: number) => void;

  constructor(private readonly options: GracefulShutdownOptions) {
    this.requested = new Promise((resolve) => {
      this.resolveRequested = resolve;
    });
    this.exit = options.exit ?? ((code) => process.exit(code));
  }

  /** Take over the signals from Node's defaults (process entry point only; in-process callers skip it). */
  install(): this {
    for (const signal of SHUTDOWN_SIGNALS) {
      if (this.listeners.has(signal)) continue;
      const listener = () => void this.onSignal(signal);
      this.listeners.set(signal, listener);
      (this.options.signals ?? process).on(signal, listener);
    }
    return this;
  }

  uninstall(): void {
    for (const [signal, listener] of this.listeners) (this.options.signals ?? process).off(signal, listener);
    this.listeners.clear();
  }

  /** An App whose jobs a signal cancels and which it closes. */
  watch(app: App): void {
    this.apps.add(app);
  }

  /** The running command: once it has returned, the handler stops waiting for it. */
  setCommand(run: Promise<unknown>): void {
    this.commandDone = run.then(
      () => undefined,
      () => undefined,
    );
  }

  /** For commands that run until stopped (`serve`): a signal then ends them successfully (exit 0). */
  endsOnSignal(): void {
    this.signalIsNormalEnd = true;
  }

  /** How long a signal waits for running jobs to clean up. */
  get graceMs(): number {
    return this.options.graceMs ?? JOB_GRACE_MS;
  }

  get signal(): ShutdownSignal | null {
    return this.received;
  }

  /** The exit code the process must end with, or null when no signal arrived. */
  get exitCode(): number | null {
    if (!this.received) return null;
    if (!this.signalIsNormalEnd) return SIGNAL_EXIT_CODES[this.received];
    // Stopping `serve` is success, unless a job could not be wound down in time.
    return this.cleanupIncomplete ? 1 : 0;
  }

  private async onSignal(signal: ShutdownSignal): Promise<void> {
    const { stderr } = this.options;
    if (this.received) {
      stderr.write(`\n${signal} again: quitting now, without waiting for the cleanup to finish.\n`);
      this.exit(SIGNAL_EXIT_CODES[signal]);
      return;
    }
    this.received = signal;
    // Set now: if the command's last handle goes away before this handler ends, Node exits with it.
    process.exitCode = this.exitCode ?? SIGNAL_EXIT_CODES[signal];
    const running = [...this.apps].reduce((n, app) => n + app.jobs.active().length, 0);
    stderr.write(
      running > 0
        ? `\n${signal}: cancelling ${running} running job(s) and cleaning up (locks, shadow schemas, partial files)… send it again to quit at once.\n`
        : `\n${signal}: closing connections… send it again to quit at once.\n`,
    );
    this.resolveRequested(signal);
    const graceMs = this.graceMs;
    const ends = await Promise.all([...this.apps].map((app) => app.jobs.cancelAll(graceMs).catch(() => [])));
    const unfinished = ends.flat().filter((job) => !job.finishedAt);
    if (unfinished.length > 0) {
      this.cleanupIncomplete = true;
      stderr.write(
        `${unfinished.length} job(s) did not finish cleaning up within ${Math.round(graceMs / 1000)} s (${unfinished
          .map((j) => j.title)
          .join('; ')}); closing anyway. The next run reports and cleans up what they left.\n`,
      );
    }
    // A command following a job that is still running will not return; do not wait for it then.
    const returned =
      unfinished.length === 0 &&
      (await Promise.race([this.commandDone.then(() => true), delay(this.options.settleMs ?? SETTLE_MS).then(() => false)]));
    // Apps opened meanwhile are included: the set is read again after the waits. The jobs had their grace
    // period (0: do not wait for them again); a close that hangs (a pool waiting on a long statement) is
    // cut short too, the server ends a dead client's sessions and locks itself.
    const closed = Promise.all([...this.apps].map((app) => closeApp(app, 0).catch(() => undefined)));
    await Promise.race([closed, delay(this.options.settleMs ?? SETTLE_MS)]);
    const code = this.exitCode ?? SIGNAL_EXIT_CODES[signal];
    process.exitCode = code; // again: cleanupIncomplete may have changed it
    if (!returned) {
      this.exit(code);
      return;
    }
    // The command returned and printed; the process normally ends by itself now. A forgotten handle
    // (a socket, a timer) must not keep it alive, hence the unref'd deadline.
    setTimeout(() => this.exit(code), FLUSH_MS).unref();
  }
}

/** `SYSNDD_ADMIN_SHUTDOWN_GRACE` (seconds, e.g. to stay below `docker stop`'s 10 s) or the default. */
export function graceFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  const seconds = Number(env.SYSNDD_ADMIN_SHUTDOWN_GRACE);
  return env.SYSNDD_ADMIN_SHUTDOWN_GRACE && Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : JOB_GRACE_MS;
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
