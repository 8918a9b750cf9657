import { describe, expect, it } from 'vitest';
import { type ChannelMessage, WorkerExitedError, WorkerPool } from '../../../src/main/platform/workers/WorkerPool';

/** Echoes `{ch, n}` as `{ch, n: n * 2, thread}`; `die` exits with the given code, `throw` throws. */
const SOURCE = `
const { parentPort, threadId } = require('node:worker_threads');
parentPort.on('message', (m) => {
  if (m.t === 'die') process.exit(m.code);
  if (m.t === 'throw') throw new Error('boom in worker');
  parentPort.postMessage({ ch: m.ch, n: m.n * 2, thread: threadId });
});`;

function collector() {
  const messages: ChannelMessage[] = [];
  let failure: WorkerExitedError | null = null;
  let failures = 0;
  const waiters: Array<() => void> = [];
  const notify = () => {
    for (const w of waiters.splice(0)) w();
  };
  return {
    messages,
    get failure() {
      return failure;
    },
    get failures() {
      return failures;
    },
    handlers: {
      onMessage: (m: ChannelMessage) => {
        messages.push(m);
        notify();
      },
      onFailure: (e: WorkerExitedError) => {
        failure = e;
        failures++;
        notify();
      },
    },
    /** Resolves once `done()` holds, re-checked on every message or failure (no timers). */
    until(done: () => boolean): Promise<void> {
      return new Promise((resolve) => {
        const check = () => (done() ? resolve() : waiters.push(check));
        check();
      });
    },
  };
}

describe('WorkerPool', () => {
  it('routes replies to their channel and spreads channels over the workers', async () => {
    const pool = new WorkerPool({ name: 'test', source: SOURCE, size: 2 });
    try {
      const a = collector();
      const b = collector();
      const ca = pool.open(a.handlers);
      const cb = pool.open(b.handlers);
      for (let n = 1; n <= 3; n++) {
        ca.post({ n });
        cb.post({ n: n * 10 });
      }
      await a.until(() => a.messages.length === 3);
      await b.until(() => b.messages.length === 3);
      expect(a.messages.map((m) => m.n)).toEqual([2, 4, 6]);
      expect(b.messages.map((m) => m.n)).toEqual([20, 40, 60]);
      expect(a.messages[0]?.thread).not.toBe(b.messages[0]?.thread);
    } finally {
      await pool.close();
    }
  });

  it('a worker that exits fails every channel on it once, with its exit code; other workers go on', async () => {
    const pool = new WorkerPool({ name: 'test', source: SOURCE, size: 2 });
    try {
      const a = collector();
      const b = collector();
      const ca = pool.open(a.handlers);
      const cb = pool.open(b.handlers);
      ca.post({ t: 'die', code: 7 });
      await a.until(() => a.failure !== null);
      expect(a.failure).toBeInstanceOf(WorkerExitedError);
      expect(a.failure?.exitCode).toBe(7);
      expect(a.failures).toBe(1);
      expect(pool.liveWorkers).toBe(1);
      cb.post({ n: 5 });
      await b.until(() => b.messages.length === 1);
      expect(b.messages[0]?.n).toBe(10);
      expect(b.failure).toBeNull();
      // New channels go to the live worker only.
      const c = collector();
      pool.open(c.handlers).post({ n: 1 });
      await c.until(() => c.messages.length === 1);
      expect(c.messages[0]?.thread).toBe(b.messages[0]?.thread);
    } finally {
      await pool.close();
    }
  });

  it('an uncaught error in a worker reports its message; with no live worker, open() refuses', async () => {
    const pool = new WorkerPool({ name: 'test', source: SOURCE, size: 1 });
    const a = collector();
    pool.open(a.handlers).post({ t: 'throw' });
    await a.until(() => a.failure !== null);
    expect(a.failure?.message).toContain('boom in worker');
    expect(() => pool.open(collector().handlers)).toThrow(WorkerExitedError);
    await pool.close();
  });

  it('close() terminates every worker without reporting failures to open channels', async () => {
    const pool = new WorkerPool({ name: 'test', source: SOURCE, size: 2 });
    const a = collector();
    pool.open(a.handlers).post({ n: 1 });
    await a.until(() => a.messages.length === 1);
    expect(pool.liveWorkers).toBe(2);
    await pool.close();
    expect(pool.liveWorkers).toBe(0);
    expect(a.failures).toBe(0);
    expect(pool.threads.every((t) => t.threadId === -1)).toBe(true);
    await pool.close(); // idempotent
  });
});
