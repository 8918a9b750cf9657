import type { Command } from 'commander';
import type { ActorSettings } from '../../../../shared/contract/index';
import type { CliContext } from '../CliContext';

function renderActor(a: ActorSettings): string {
  return [
    `Audit log actor: ${a.actor}`,
    `  OS account:    ${a.osUser}@${a.host}`,
    `  display name:  ${a.displayName ?? '(none; set one with "sysndd-admin settings display-name NAME")'}`,
  ].join('\n');
}

/** Settings of this machine's app data: who the audit log names (every door reads the same value). */
export function registerSettingsCommands(program: Command, cli: CliContext): void {
  const settings = program.command('settings').description('settings of this installation: the name the audit log shows');
  settings
    .command('show')
    .description('who the audit log names for actions from this machine (OS account, host, display name)')
    .action(async () => cli.output(await cli.call('settings.actor', {}), renderActor));
  settings
    .command('display-name [name]')
    .description('set the display name the audit log shows after the OS account ("jdoe@laptop (Jane Doe)"); --clear removes it')
    .option('--clear', 'remove the display name: the audit log shows the OS account only')
    .action(async (name: string | undefined, o: { clear?: boolean }) => {
      if (Boolean(o.clear) === Boolean(name))
        cli.fail({
          ok: false,
          code: 'INVALID_ARGUMENT',
          message: o.clear
            ? 'Give either a name or --clear, not both.'
            : 'Give the name to show (quoted if it has spaces), or --clear.',
        });
      cli.output(await cli.call('settings.setDisplayName', { displayName: o.clear ? null : (name ?? null) }), renderActor);
    });
}
