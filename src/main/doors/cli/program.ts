import { Command, CommanderError } from 'commander';
import { AppError, toFailure } from '../../core/AppError';
import { APP_VERSION } from '../../platform/version';
import { CliContext, CliExit } from './CliContext';
import { registerCommandGroups } from './commands/index';
import { EXIT } from './exitCodes';
import { GracefulShutdown } from './shutdown';

/** Builds the `sysndd-admin` command tree; each capability registers its own group in commands/index.ts. */
export function buildProgram(cli: CliContext): Command {
  const program = new Command('sysndd-admin');
  // Output settings must be set before subcommands are created: commander copies them at creation.
  program.configureOutput({ writeOut: (s) => cli.stdout.write(s), writeErr: (s) => cli.stderr.write(s) });
  program
    .description('SysNDD Admin: migrations, verified backups, atomic restores, SMTP and Mailpit for SysNDD databases')
    .version(APP_VERSION)
    .option('--json', 'machine-readable output (JSON; JSON lines for progress)')
    .showHelpAfterError()
    .exitOverride();
  program.hook('preAction', (thisCommand) => {
    Object.assign(cli.globals, thisCommand.opts());
  });
  registerCommandGroups(program, cli);
  // Every subcommand inherits exitOverride so usage errors become exit code 2 rather than process.exit.
  const walk = (cmd: Command) => {
    cmd.exitOverride();
    cmd.commands.forEach(walk);
  };
  walk(program);
  return program;
}

/**
 * Runs the CLI and returns its exit code (0 ok, 1 failed, 2 usage, 3 refused). The process entry point
 * passes an installed GracefulShutdown (signals cancel jobs and close cleanly); in-process callers (tests)
 * get one that never hears a signal.
 */
export async function runCli(
  argv: string[],
  streams?: { stdout?: NodeJS.WritableStream; stderr?: NodeJS.WritableStream },
  shutdown: GracefulShutdown = new GracefulShutdown({ stderr: streams?.stderr ?? process.stderr }),
): Promise<number> {
  const cli = new CliContext({}, streams?.stdout, streams?.stderr);
  cli.shutdown = shutdown;
  const program = buildProgram(cli);
  try {
    const run = program.parseAsync(argv, { from: 'user' });
    shutdown.setCommand(run);
    await run;
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT.OK;
  } catch (err) {
    if (err instanceof CliExit) return err.code;
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help')
        return EXIT.OK;
      return EXIT.USAGE;
    }
    // A named failure thrown by an action (bad flag value, unreadable key file) keeps its code and exit.
    if (err instanceof AppError) {
      try {
        cli.fail(toFailure(err));
      } catch (exit) {
        if (exit instanceof CliExit) return exit.code;
      }
    }
    (streams?.stderr ?? process.stderr).write(`error [INTERNAL]: ${err instanceof Error ? err.message : String(err)}\n`);
    return EXIT.FAILED;
  } finally {
    await cli.close();
  }
}
