/**
 * Crash-test points. The integration tests run the CLI as a child process with SYSNDD_ADMIN_FAULT set to
 * one of these names; when the restore reaches it, it announces it on stderr and waits forever, so the test
 * can SIGKILL it at exactly that point (during the load, right before the swap, after the live triggers are
 * dropped but before the RENAME, right after the RENAME) and
 * check that the live database is intact and that the next run cleans up. Without the variable (always, in
 * normal use) a fault point costs one string comparison.
 */
export type FaultPoint = 'restore:mid-load' | 'restore:before-swap' | 'restore:triggers-dropped' | 'restore:after-rename';

export async function faultPoint(name: FaultPoint): Promise<void> {
  const spec = process.env.SYSNDD_ADMIN_FAULT;
  if (!spec?.split(',').includes(name)) return;
  process.stderr.write(`FAULT-POINT ${name} pid=${process.pid}\n`);
  await new Promise<never>(() => {
    // Never resolves: the test kills the process here.
    setInterval(() => undefined, 60_000);
  });
}
