import { type Transferable, Worker } from 'node:worker_threads';

/**
 * A small fixed set of `worker_threads` running one script, shared by any number of channels (one per task,
 * e.g. one per table being encoded). Messages carry the channel id as `ch` both ways; the pool routes
 * replies to their channel.
 *
 * Why the script is source text (`eval: true`) and not a file: the CLI and Electron builds bundle all of
 * src/main into one file, so a worker module would not exist next to them. Callers build the source from
 * self-contained functions (`${fn}`), which is the same code in tsx, vitest and the bundles.
 *
 * A worker that dies while it carries channels (an uncaught error, an out-of-memory abort, a terminate from
 * outside) fails every channel on it with `WorkerExitedError`; its slot is not reused. `close()` terminates
 * every worker and resolves once all have exited.
 */
export class WorkerExitedError extends Error {
  constructor(
    readonly poolName: string,
    readonly exitCode: number | null,
    override readonly cause?: Error,
  ) {
    super(
      cause
        ? `${poolName} worker failed: ${cause.message}`
        : `${poolName} worker exited unexpectedly (exit code ${exitCode ?? 'unknown'})`,
    );
    this.name = 'WorkerExitedError';
  }
}

export interface ChannelMessage {
  ch: number;
  [key: string]: unknown;
}

export interface WorkerChannel {
  readonly id: number;
  /** Sends `message` (with `ch` set) to this channel's worker; `transfer` moves ArrayBuffers instead of copying. */
  post(message: Record<string, unknown>, transfer?: readonly Transferable[]): void;
  /** Forget the channel: later replies for it are dropped and a crash no longer reports to it. */
  close(): void;
}

export interface ChannelHandlers {
  onMessage: (message: ChannelMessage) => void;
  /** The worker died while this channel was open. Called at most once. */
  onFailure: (err: WorkerExitedError) => void;
}

interface Slot {
  worker: Worker;
  channels: Map<number, ChannelHandlers>;
  alive: boolean;
  exited: Promise<void>;
}

export interface WorkerPoolOptions {
  /** Names the pool in errors and thread names. */
  name: string;
  /** CommonJS source of the worker script (run with `eval: true`; `require` is available). */
  source: string;
  size: number;
}

export class WorkerPool {
  private readonly slots: Slot[] = [];
  private nextChannel = 1;
  private closing = false;

  constructor(private readonly options: WorkerPoolOptions) {
    const size = Math.max(1, Math.floor(options.size));
    for (let i = 0; i < size; i++) this.slots.push(this.spawn(i));
  }

  private spawn(index: number): Slot {
    const worker = new Worker(this.options.source, { eval: true, name: `${this.options.name}-${index}` });
    const slot: Slot = { worker, channels: new Map(), alive: true, exited: Promise.resolve() };
    let error: Error | undefined;
    slot.exited = new Promise((resolve) => {
      worker.once('exit', (code) => {
        slot.alive = false;
        const handlers = [...slot.channels.values()];
        slot.channels.clear();
        if (!this.closing || error) {
          const failure = new WorkerExitedError(this.options.name, code, error);
          for (const h of handlers) h.onFailure(failure);
        }
        resolve();
      });
    });
    worker.on('error', (err: Error) => {
      error = err; // 'exit' follows and reports it to the channels
    });
    worker.on('message', (message: ChannelMessage) => slot.channels.get(message.ch)?.onMessage(message));
    return slot;
  }

  /** Live workers (for tests and diagnostics: 0 after `close()`). */
  get liveWorkers(): number {
    return this.slots.filter((s) => s.alive).length;
  }

  /** The threads, for tests that simulate a crash (`terminate()` one). */
  get threads(): readonly Worker[] {
    return this.slots.map((s) => s.worker);
  }

  /** A channel on the live worker carrying the fewest channels; throws WorkerExitedError when none is alive. */
  open(handlers: ChannelHandlers): WorkerChannel {
    if (this.closing) throw new WorkerExitedError(this.options.name, null, new Error('the pool is closed'));
    const live = this.slots.filter((s) => s.alive);
    if (live.length === 0) throw new WorkerExitedError(this.options.name, null, new Error('no worker is alive'));
    const slot = live.reduce((a, b) => (b.channels.size < a.channels.size ? b : a));
    const id = this.nextChannel++;
    slot.channels.set(id, handlers);
    return {
      id,
      post: (message, transfer) => {
        if (!slot.alive) return; // the exit handler reports the failure
        slot.worker.postMessage({ ...message, ch: id }, transfer);
      },
      close: () => {
        slot.channels.delete(id);
      },
    };
  }

  /** Terminate every worker (work in progress is dropped) and wait until all have exited. Idempotent. */
  async close(): Promise<void> {
    this.closing = true;
    for (const s of this.slots) if (s.alive) void s.worker.terminate();
    await Promise.all(this.slots.map((s) => s.exited));
  }
}
