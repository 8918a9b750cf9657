import type { Command } from 'commander';
import { SandboxStartResult, type SandboxStatus } from '../../../shared/contract/sandbox';
import type { CliContext } from '../CliContext';
import { CliExit } from '../CliContext';

function describeStatus(s: SandboxStatus): string {
  if (!s.available) return `Local sandbox unavailable: ${s.unavailableReason ?? 'MariaDB server binaries not found.'}`;
  const state = s.running ? `running on 127.0.0.1:${s.port} (pid ${s.pid})` : `stopped${s.port ? ` (port ${s.port} kept)` : ''}`;
  return [
    `Local sandbox: ${state}`,
    `  data:     ${s.dataDir}`,
    `  database: ${s.database}`,
    `  profile:  ${s.profileId ?? '(created on first start)'}`,
  ].join('\n');
}

export function registerSandboxCommands(program: Command, cli: CliContext): void {
  const sandbox = program
    .command('sandbox')
    .description('a private local MariaDB with a development profile and sample data, for trying every feature safely');
  sandbox
    .command('start')
    .description(
      'start the local sandbox (first time: create it, its "Local sandbox" profile and sample data); it keeps running until `sandbox stop`',
    )
    .action(async () => {
      const job = await cli.call('sandbox.start', {});
      const final = await cli.follow(job);
      const code = cli.jobExit(final);
      if (code !== 0) {
        cli.output(final, (j) => `Sandbox start ${j.state}: ${j.error?.message ?? ''}`);
        throw new CliExit(code);
      }
      const parsed = SandboxStartResult.safeParse(final.result);
      const status = await cli.call('sandbox.status', {});
      cli.output({ ...status, start: parsed.success ? parsed.data : null }, (v) =>
        [
          describeStatus(v),
          v.start?.initialized ? `  created now, with ${v.start.sampleRows} sample rows` : '',
          'Use it with --profile "Local sandbox"; stop it with `sysndd-admin sandbox stop`.',
        ]
          .filter(Boolean)
          .join('\n'),
      );
    });
  sandbox
    .command('stop')
    .description('stop the local sandbox server (its data and profile are kept)')
    .action(async () => {
      const status = await cli.call('sandbox.stop', {});
      cli.output(status, (s) => describeStatus(s));
    });
  sandbox
    .command('status')
    .description('whether the sandbox can run here, is running, and on which port')
    .action(async () => {
      const status = await cli.call('sandbox.status', {});
      cli.output(status, (s) => describeStatus(s));
    });
}
