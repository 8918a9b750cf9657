import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

const BIN = path.resolve(import.meta.dirname, '..', '..', '..', 'bin', 'sysndd-admin.mjs');

export interface CliProcess {
  child: ChildProcess;
  /** Parsed JSON lines from stdout so far (progress lines, the final result). */
  lines: Array<Record<string, unknown>>;
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit code and the signal that killed it (null when it exited by itself). */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Polls the JSON lines until one matches; fails early (with the output) if the process ends first. */
  waitForLine(match: (line: Record<string, unknown>) => boolean, timeoutMs?: number): Promise<Record<string, unknown>>;
}

const running = new Set<ChildProcess>();

/** Every test file's afterAll: nothing a failed test started keeps running. */
export function killLeftovers(): void {
  for (const child of running) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  running.clear();
}

/** A fresh app-data folder for one CLI process (its own job store and audit log). */
export function tempHome(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `sysndd-${prefix}-`));
}

/**
 * The real CLI as a child process, from the TypeScript sources (what this checkout contains, never a stale
 * out/ bundle), with its own home and the in-memory secret store, like an operator's shell or a service
 * manager would start it.
 */
export function startCli(args: string[], env: Record<string, string>): CliProcess {
  const child = spawn(process.execPath, [BIN, ...args], {
    env: { ...process.env, SYSNDD_ADMIN_SECRETS: 'memory', SYSNDD_ADMIN_FROM_SOURCE: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  let out = '';
  let err = '';
  let buffer = '';
  const lines: Array<Record<string, unknown>> = [];
  child.stdout?.on('data', (d: Buffer) => {
    out += d.toString();
    buffer += d.toString();
    const parts = buffer.split('\n');
    buffer = parts.pop() ?? '';
    for (const p of parts) {
      if (!p.trim()) continue;
      try {
        lines.push(JSON.parse(p) as Record<string, unknown>);
      } catch {
        // Not every stdout line is JSON (human output); keep only the JSON ones.
      }
    }
  });
  child.stderr?.on('data', (d: Buffer) => {
    err += d.toString();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on('exit', (code, signal) => {
      running.delete(child);
      resolve({ code, signal });
    });
  });
  let ended = false;
  void exited.then(() => {
    ended = true;
  });
  return {
    child,
    lines,
    stdout: () => out,
    stderr: () => err,
    exited,
    waitForLine: async (match, timeoutMs = 60_000) => {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = lines.find(match);
        if (found) return found;
        if (ended) throw new Error(`the CLI ended before the expected line.\nstdout:\n${out}\nstderr:\n${err}`);
        if (Date.now() > deadline) throw new Error(`no such line within ${timeoutMs} ms.\nstdout:\n${out}\nstderr:\n${err}`);
        await sleep(25);
      }
    },
  };
}

/** A `--json` progress line of a running job, e.g. `progressOf(line)?.stage`. */
export function progressOf(line: Record<string, unknown>): { stage: string; done: number; total: number | null } | null {
  if (line.type !== 'progress' || line.state !== 'running') return null;
  return line.progress as { stage: string; done: number; total: number | null };
}
