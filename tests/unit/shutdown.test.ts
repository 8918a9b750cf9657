import { EventEmitter } from 'node:events';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { closeApp, GracefulShutdown, graceFromEnv, JOB_GRACE_MS } from '../../src/main/doors/cli/shutdown';
import { createTestApp, type TestApp } from '../fixtures/app';

/**
 * The shutdown sequence in-process, with a real App and its real job runner; signals arrive on an emitter
 * standing in for `process` and `exit` is recorded instead of ending the test process. The real-process proofs (locks, shadow schemas, partial files, tunnels) are in
 * tests/integration/shutdown/.
 */
const apps: TestApp[] = [];
const installed: GracefulShutdown[] = [];
afterEach(async () => {
  for (const s of installed.splice(0)) s.uninstall();
  // 0: a stubborn job left by a test is not waited for again.
  for (const t of apps.splice(0)) await closeApp(t.app, 0);
  process.exitCode = undefined;
});

function setup(options: { graceMs?: number } = {}) {
  const t = createTestApp();
  apps.push(t);
  const stderr = new PassThrough();
  let text = '';
  stderr.on('data', (d) => (text += d));
  const signals = new EventEmitter();
  const exits: number[] = [];
  let exited: (code: number) => void = () => undefined;
  const exitedOnce = new Promise<number>((resolve) => {
    exited = resolve;
  });
  const shutdown = new GracefulShutdown({
    stderr,
    graceMs: options.graceMs,
    settleMs: 50,
    signals,
    exit: (code) => {
      exits.push(code);
      exited(code);
    },
  }).install();
  installed.push(shutdown);
  shutdown.watch(t.app);
  const send = (signal: NodeJS.Signals) => signals.emit(signal, signal);
  return { t, shutdown, exits, exitedOnce, send, stderr: () => text };
}

/** A job that only ends when cancelled, after `cleanupMs` of "cleanup" (like dropping a shadow schema). */
function stubbornJob(t: TestApp, cleanupMs: number, cleaned: string[]) {
  return t.app.jobs.start({
    kind: 'demo',
    title: 'holds a lock',
    run: async (ctx) => {
      await new Promise<void>((resolve) => ctx.signal.addEventListener('abort', () => resolve(), { once: true }));
      await new Promise((r) => setTimeout(r, cleanupMs).unref());
      cleaned.push('lock released');
      ctx.throwIfCancelled();
    },
  });
}

describe('GracefulShutdown', () => {
  it('on SIGTERM cancels the jobs, waits for their cleanup, closes the App and exits 143', async () => {
    const { t, shutdown, exitedOnce, send, stderr } = setup();
    const cleaned: string[] = [];
    const job = stubbornJob(t, 30, cleaned);
    const states: string[] = [];
    t.app.events.subscribe((e) => {
      if (e.type === 'job.updated' && e.job.id === job.id) states.push(e.job.state);
    });
    shutdown.setCommand(new Promise(() => undefined)); // a command that never returns on its own
    send('SIGTERM');
    expect(await shutdown.requested).toBe('SIGTERM');
    expect(await exitedOnce).toBe(143);
    expect(cleaned).toEqual(['lock released']);
    expect(states.at(-1)).toBe('cancelled');
    expect(stderr()).toContain('SIGTERM: cancelling 1 running job(s)');
    expect(shutdown.exitCode).toBe(143);
    expect(process.exitCode).toBe(143);
    // Closed by the handler: the store is shut, and a second close is the same (no double close).
    expect(() => t.app.store.db.prepare('SELECT 1').get()).toThrow();
    await expect(closeApp(t.app)).resolves.toBeUndefined();
  });

  it('a second signal exits at once with its own code', async () => {
    const { t, shutdown, exits, send } = setup({ graceMs: 50 });
    stubbornJob(t, 60_000, []);
    send('SIGINT');
    await shutdown.requested;
    send('SIGTERM');
    expect(exits).toEqual([143]);
    expect(shutdown.exitCode).toBe(130);
  });

  it('gives up on a job after the grace period and says so', async () => {
    const { t, shutdown, exitedOnce, send, stderr } = setup({ graceMs: 50 });
    stubbornJob(t, 60_000, []);
    send('SIGINT');
    expect(await exitedOnce).toBe(130);
    expect(stderr()).toMatch(/1 job\(s\) did not finish cleaning up within 0 s \(holds a lock\)/);
    expect(shutdown.signal).toBe('SIGINT');
  });

  it('for serve a signal is the normal end (0), unless a job could not be wound down (1)', async () => {
    const clean = setup();
    clean.shutdown.endsOnSignal();
    let returned: () => void = () => undefined;
    clean.shutdown.setCommand(new Promise<void>((r) => (returned = r)));
    clean.send('SIGTERM');
    await clean.shutdown.requested;
    returned();
    await expect.poll(() => process.exitCode).toBe(0);
    expect(clean.exits).toEqual([]); // it returned: Node ends by itself, the exit is only a deadline

    const stuck = setup({ graceMs: 20 });
    stuck.shutdown.endsOnSignal();
    stubbornJob(stuck.t, 60_000, []);
    stuck.send('SIGTERM');
    expect(await stuck.exitedOnce).toBe(1);
  });

  it('reads the grace period from SYSNDD_ADMIN_SHUTDOWN_GRACE (seconds)', () => {
    expect(graceFromEnv({ SYSNDD_ADMIN_SHUTDOWN_GRACE: '8' })).toBe(8000);
    expect(graceFromEnv({ SYSNDD_ADMIN_SHUTDOWN_GRACE: '0.5' })).toBe(500);
    expect(graceFromEnv({})).toBe(JOB_GRACE_MS);
    expect(graceFromEnv({ SYSNDD_ADMIN_SHUTDOWN_GRACE: 'soon' })).toBe(JOB_GRACE_MS);
    expect(graceFromEnv({ SYSNDD_ADMIN_SHUTDOWN_GRACE: '-1' })).toBe(JOB_GRACE_MS);
  });
});
