import { type Command, Option } from 'commander';
import { SandboxStartResult, type SandboxStatus } from '../../../../shared/contract/sandbox';
import type { CliContext } from '../CliContext';
import { CliExit } from '../CliContext';

const ENGINE_LABEL = { mariadb: 'MariaDB', mysql: 'MySQL' } as const;

function describeStatus(s: SandboxStatus): string {
  const label = ENGINE_LABEL[s.engine];
  if (!s.available) return `Local ${label} sandbox unavailable: ${s.unavailableReason ?? `${label} server binaries not found.`}`;
  const state = s.running ? `running on 127.0.0.1:${s.port} (pid ${s.pid})` : `stopped${s.port ? ` (port ${s.port} kept)` : ''}`;
  const others = s.engines
    .filter((e) => e.engine !== s.engine)
    .map((e) => `${ENGINE_LABEL[e.engine]} ${e.running ? 'running' : e.available ? 'available' : 'not installed'}`);
  return [
    `Local ${label} sandbox: ${state}`,
    `  data:     ${s.dataDir}`,
    `  database: ${s.database}`,
    `  profile:  ${s.profileId ?? '(created on first start)'}`,
    `  password: kept with the sandbox (${s.dataDir}/credentials.json, 0600)`,
    ...(others.length > 0 ? [`  other:    ${others.join(', ')} (--engine to choose)`] : []),
  ].join('\n');
}

/** A profile named like --profile (name or id); an unknown one goes through as an id and is NOT_FOUND there. */
async function profileIdOf(cli: CliContext, nameOrId: string): Promise<string> {
  const profiles = await cli.call('profiles.list', {});
  return profiles.find((p) => p.name.toLowerCase() === nameOrId.toLowerCase())?.id ?? nameOrId;
}

function engineOption(what: string): Option {
  return new Option('--engine <engine>', what).choices(['mariadb', 'mysql']);
}

export function registerSandboxCommands(program: Command, cli: CliContext): void {
  const sandbox = program
    .command('sandbox')
    .description('a private local MariaDB or MySQL with a development profile and sample data, for trying every feature safely');
  sandbox
    .command('start')
    .description(
      'start the local sandbox (first time: create it, its "Local sandbox" profile and sample data); it keeps running until `sandbox stop`',
    )
    .addOption(
      engineOption(
        'mariadb or mysql (MySQL: a mysqld 8.0.30+ from SYSNDD_ADMIN_MYSQLD_BIN or the root built by pretest); default: the engine of --from-profile, else the sandbox used last',
      ),
    )
    .option('--from-profile <profile>', "pick the engine of this profile's server (its newest backup's, else a live look-up)")
    .action(async (opts: { engine?: 'mariadb' | 'mysql'; fromProfile?: string }) => {
      const fromProfileId = opts.fromProfile ? await profileIdOf(cli, opts.fromProfile) : undefined;
      const job = await cli.call('sandbox.start', { engine: opts.engine, fromProfileId });
      const final = await cli.follow(job);
      const code = cli.jobExit(final);
      if (code !== 0) {
        cli.output(final, (j) => `Sandbox start ${j.state}: ${j.error?.message ?? ''}`);
        throw new CliExit(code);
      }
      const parsed = SandboxStartResult.safeParse(final.result);
      const status = await cli.call('sandbox.status', { engine: parsed.success ? parsed.data.engine : opts.engine });
      const profileName = parsed.success ? (await cli.call('profiles.get', { id: parsed.data.profileId })).name : null;
      cli.output({ ...status, start: parsed.success ? parsed.data : null }, (v) =>
        [
          describeStatus(v),
          v.start?.initialized ? `  created now, with ${v.start.sampleRows} sample rows` : '',
          `Use it with --profile "${profileName ?? 'Local sandbox'}"; stop it with \`sysndd-admin sandbox stop${v.engine === 'mysql' ? ' --engine mysql' : ''}\`.`,
        ]
          .filter(Boolean)
          .join('\n'),
      );
    });
  // stop and status: one engine in, the sandbox's status out.
  const statusCommands = [
    ['stop', 'sandbox.stop', 'stop the local sandbox server (its data and profile are kept)', 'the running one'],
    [
      'status',
      'sandbox.status',
      'whether the sandbox can run here, is running, and on which port',
      'the running one, else the one used last',
    ],
  ] as const;
  for (const [name, operation, description, engineDefault] of statusCommands) {
    sandbox
      .command(name)
      .description(description)
      .addOption(engineOption(`which sandbox (default: ${engineDefault})`))
      .action(async (opts: { engine?: 'mariadb' | 'mysql' }) => {
        cli.output(await cli.call(operation, { engine: opts.engine }), (s) => describeStatus(s));
      });
  }
}
