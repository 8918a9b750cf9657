import fs from 'node:fs';
import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Small process helpers shared by the private MariaDB server and the test fixtures (sshd, ssh-agent).
 * They work on plain pids so a server started by an earlier process (the CLI's detached sandbox, a test
 * run that was killed) can still be found, checked and stopped.
 */

/** True while `pid` exists and is not a zombie (a container's PID 1 may never reap orphans). */
export function isProcessAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (err) {
    // EPERM: it exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Field 3 is the state; the command name in field 2 may contain spaces, so split after its ')'.
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state !== 'Z' && state !== 'X';
  } catch {
    // No /proc (macOS) or the process ended between the two checks.
    return !fs.existsSync('/proc');
  }
}

/** The command line of a process, or null where /proc is not available or the process is gone. */
export function processCommandLine(pid: number): string[] | null {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
  } catch {
    return null;
  }
}

/** Reads a pid file; null when it is missing or does not hold a number. */
export function readPidFile(file: string): number | null {
  try {
    const pid = Number.parseInt(fs.readFileSync(file, 'utf8').trim(), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

/** Waits until `pid` is gone; false if it is still alive after `timeoutMs`. */
export async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (isProcessAlive(pid)) {
    if (Date.now() >= deadline) return false;
    await sleep(20);
  }
  return true;
}

/**
 * SIGTERM, then SIGKILL when the process has not ended within `graceMs`. Returns how it ended so callers
 * can log an unclean stop.
 */
export async function terminate(pid: number, graceMs: number): Promise<'not-running' | 'terminated' | 'killed'> {
  if (!isProcessAlive(pid)) return 'not-running';
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return 'not-running';
  }
  if (await waitForExit(pid, graceMs)) return 'terminated';
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // Ended between the check and the kill.
  }
  await waitForExit(pid, 5_000);
  return 'killed';
}

/**
 * A loopback port that was free a moment ago. The OS picks it (port 0), so parallel callers get different
 * ports; a server that still loses the race reports "address in use" and its caller retries.
 */
export function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port ? resolve(port) : reject(new Error('Could not pick a free loopback port.'))));
    });
  });
}

/** True when nothing accepts TCP connections on 127.0.0.1:port. */
export function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** The last `lines` lines of a text file (empty when it does not exist), for error messages. */
export function tailFile(file: string, lines = 15): string {
  try {
    const text = fs.readFileSync(file, 'utf8');
    return text.trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

/** First executable found among `names` in PATH and the extra directories (sbin is often not in PATH). */
export function findExecutable(names: readonly string[], extraDirs: readonly string[] = [], searchPath = true): string | null {
  const pathDirs = searchPath ? (process.env.PATH ?? '').split(process.platform === 'win32' ? ';' : ':').filter(Boolean) : [];
  const dirs = [...pathDirs, ...extraDirs];
  const suffixes = process.platform === 'win32' ? ['.exe', ''] : [''];
  for (const name of names) {
    for (const dir of dirs) {
      for (const suffix of suffixes) {
        const candidate = `${dir}/${name}${suffix}`;
        try {
          fs.accessSync(candidate, fs.constants.X_OK);
          if (fs.statSync(candidate).isFile()) return candidate;
        } catch {
          // Not here; keep looking.
        }
      }
    }
  }
  return null;
}
