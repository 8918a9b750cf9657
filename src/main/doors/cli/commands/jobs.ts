import type { Command } from 'commander';
import type { JobKind, JobSnapshot, JobState } from '../../../../shared/contract/jobs';
import type { CliContext } from '../CliContext';
import { CliExit } from '../CliContext';
import { addHistoryListCommand, type HistoryFilterFlags, historyFilterArgs } from '../flagValues';

function row(j: JobSnapshot): string {
  const pct = j.progress.total ? `${Math.round((j.progress.done / j.progress.total) * 100)}%` : '';
  return [j.createdAt.slice(0, 19).replace('T', ' '), j.state.padEnd(9), j.kind.padEnd(15), j.title, pct, j.error?.message ?? '']
    .filter(Boolean)
    .join('  ');
}

/** The event-loop lag the runner recorded while the job ran (issue 2: heavy work must not stall the doors). */
function lagLine(j: JobSnapshot): string | null {
  const lag = j.eventLoopLag;
  if (!lag || lag.samples === 0) return null;
  return `  event-loop lag: p99 ${lag.p99.toFixed(1)} ms, max ${lag.max.toFixed(1)} ms, p50 ${lag.p50.toFixed(1)} ms (${lag.samples} samples)`;
}

export function registerJobCommands(program: Command, cli: CliContext): void {
  const jobs = program.command('jobs').description('job history and running jobs');
  addHistoryListCommand(jobs, {
    description: 'job history, newest first',
    filters: [
      ['--kind <kind>', 'only this kind'],
      ['--state <state>', 'queued | running | succeeded | failed | cancelled'],
    ],
    items: 'jobs',
    defaultLimit: 50,
  }).action(async (o: HistoryFilterFlags & { kind?: string; state?: string }) => {
    const filters = { ...historyFilterArgs(o), kind: o.kind as JobKind | undefined, state: o.state as JobState | undefined };
    cli.outputList(await cli.call('jobs.list', filters), row, 'No jobs yet.');
  });
  jobs
    .command('show <id>')
    .description('one job with its log')
    .action(async (id: string) => {
      const job = await cli.call('jobs.get', { id });
      const log = await cli.call('jobs.log', { id, afterSeq: 0 });
      cli.output({ job, log }, (v) =>
        [row(v.job), lagLine(v.job), ...v.log.map((l) => `  ${l.at} ${l.level} ${l.message}`)]
          .filter((l) => l !== null)
          .join('\n'),
      );
    });
  jobs
    .command('demo')
    .description('run a demo job with progress (try Ctrl+C to cancel)')
    .option('--steps <n>', 'steps', '20')
    .option('--step-ms <ms>', 'milliseconds per step', '100')
    .action(async (o: { steps: string; stepMs: string }) => {
      const job = await cli.call('jobs.demo', { steps: Number(o.steps), stepMs: Number(o.stepMs) });
      const final = await cli.follow(job);
      cli.output(final, (j) => row(j));
      const code = cli.jobExit(final);
      if (code !== 0) throw new CliExit(code);
    });
}
