/**
 * CPU time of other processes (Linux /proc), for benchmarks on a shared machine: wall time there depends on
 * who else runs, CPU time much less. Returns 0 where /proc is missing, so a bench still runs elsewhere.
 */
import fs from 'node:fs';

/** Clock ticks per second of /proc/<pid>/stat; 100 on every Linux we run on (getconf CLK_TCK). */
const TICKS_PER_SECOND = 100;

/** user + system CPU of one process in ms (its own, not its children's), 0 once it is gone. */
export function processCpuMs(pid: number): number {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
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
