/**
 * CPU time of other processes (Linux /proc), for benchmarks on a shared machine: wall time there depends on
 * who else runs, CPU time much less. Returns 0 where /proc is missing, so a bench still runs elsewhere.
 */
import fs from 'node:fs';

/** Clock ticks per second of /proc/<pid>/stat; 100 on every Linux we run on (getconf CLK_TCK). */
const TICKS_PER_SECOND = 100;

/** user + system CPU of one process in ms (its own, not its children's), 0 once it is gone. */
export function processCpuMs(pid: number): number {
  return statCpuMs(`/proc/${pid}/stat`);
}

/** utime + stime of a /proc stat file (a process's or one thread's) in ms; 0 when it cannot be read. */
function statCpuMs(file: string): number {
  try {
    const stat = fs.readFileSync(file, 'utf8');
    // The command name may contain spaces and parentheses: fields start after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

function childrenOf(pid: number): number[] {
  try {
    return fs.readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/**
 * CPU in ms of every living descendant of `root` (not `root` itself). For sshd that is the per-connection
 * processes, which do the encryption; the listener only accepts. Sample before and after a transfer over a
 * connection that stays open in between: a process that exits takes its ticks with it.
 */
export function descendantsCpuMs(root: number): number {
  let total = 0;
  const stack = childrenOf(root);
  for (let pid = stack.pop(); pid !== undefined; pid = stack.pop()) {
    total += processCpuMs(pid);
    stack.push(...childrenOf(pid));
  }
  return total;
}

/** Our own CPU (main thread and every other thread of this process) in ms since `from`. */
export function ownCpuMs(from: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(from);
  return (d.user + d.system) / 1000;
}

/** CPU of this process by thread over a stretch of work: the main thread, threads started meanwhile, the rest. */
export interface ThreadCpuSplit {
  mainMs: number;
  /** Threads that did not exist at start() (for a backup: the encoder workers). */
  newThreadsMs: number;
  /** Threads that existed at start() other than the main one (libuv's pool, V8's platform threads). */
  otherMs: number;
}

/**
 * Samples /proc/self/task every `everyMs`: a worker thread that exits takes its ticks with it, so the last
 * sample of each thread is kept (at most `everyMs` of a thread's CPU is missed). Linux only; zeros elsewhere.
 */
export class ThreadCpuSampler {
  private readonly startMs = new Map<string, number>();
  private readonly lastMs = new Map<string, number>();
  private timer: NodeJS.Timeout | null = null;

  start(everyMs = 50): void {
    for (const [tid, ms] of this.read()) this.startMs.set(tid, ms);
    this.timer = setInterval(() => this.sample(), everyMs);
  }

  stop(): ThreadCpuSplit {
    if (this.timer) clearInterval(this.timer);
    this.sample();
    const split: ThreadCpuSplit = { mainMs: 0, newThreadsMs: 0, otherMs: 0 };
    for (const [tid, ms] of this.lastMs) {
      const used = ms - (this.startMs.get(tid) ?? 0);
      if (tid === String(process.pid)) split.mainMs += used;
      else if (this.startMs.has(tid)) split.otherMs += used;
      else split.newThreadsMs += used;
    }
    return split;
  }

  private sample(): void {
    for (const [tid, ms] of this.read()) this.lastMs.set(tid, ms);
  }

  private read(): Map<string, number> {
    const out = new Map<string, number>();
    let tids: string[] = [];
    try {
      tids = fs.readdirSync('/proc/self/task');
    } catch {
      return out;
    }
    for (const tid of tids) out.set(tid, statCpuMs(`/proc/self/task/${tid}/stat`));
    return out;
  }
}
