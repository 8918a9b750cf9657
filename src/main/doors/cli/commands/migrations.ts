import type { Command } from 'commander';
import type { ArgsIn, JobSnapshot, MigrateResult, OperationName, ResultOf } from '../../../../shared/contract/index';
import { ERROR_CODES, type ErrorCode } from '../../../../shared/errors';
import { type CliContext, CliExit } from '../CliContext';
import { withPromptedConfirmation } from '../confirmPrompt';
import { positiveInt } from '../flagValues';
import { addDbTargetOptions, type DbTargetOptions } from '../target';
import {
  renderDryRun,
  renderFile,
  renderHistory,
  renderLock,
  renderMigrate,
  renderRepair,
  renderStatus,
  renderValidate,
} from './migrationsRender';

interface DirOptions extends DbTargetOptions {
  migrationsDir?: string;
  lockTimeout?: string;
  /** Bare `--confirm` is true; `--confirm <database>` carries the name the production rule asks for. */
  confirm?: boolean | string;
  reason?: string;
}

const CONFIRM_HELP = 'do it; on a production profile give the database name (--confirm <db>). Without it: refused, exit 3';

function withDir(cmd: Command): Command {
  return addDbTargetOptions(cmd).option(
    '--migrations-dir <dir>',
    'migrations folder (default: the profile setting, else the bundled migrations/)',
  );
}

function withLock(cmd: Command): Command {
  return cmd.option(
    '--lock-timeout <seconds>',
    "how long to wait for GET_LOCK('sysndd_migration') before giving up (exit 3)",
    '30',
  );
}

function seconds(cli: CliContext, value: string | undefined): number {
  const n = Number(value ?? '30');
  if (!Number.isFinite(n) || n < 0 || n > 3600)
    cli.fail({ ok: false, code: 'INVALID_ARGUMENT', message: `--lock-timeout must be 0–3600 seconds, got "${value}".` });
  return n;
}

/** What every guarded call (migrate, baseline, repairs) takes from its flags: target, typed confirmation, lock timeout. */
async function guardedTarget(cli: CliContext, o: DirOptions) {
  const profileId = await cli.resolveTarget(o);
  return { profileId, migrationsDir: o.migrationsDir, confirm: o.confirm, lockTimeoutSeconds: seconds(cli, o.lockTimeout) };
}

/**
 * Call an operation that may need `confirm`; without --confirm on a terminal, prompt for what the contract
 * needs (withPromptedConfirmation). Without a terminal the call goes as given and dispatch refuses it
 * (exit 3, audited as refused) naming what to type.
 */
async function callConfirmed<K extends OperationName>(cli: CliContext, name: K, args: ArgsIn<K>): Promise<ResultOf<K>> {
  return cli.call(name, await withPromptedConfirmation(cli, name, args));
}

/** Follow a migrate/resume job; print its result, or its error with the mapped exit code (3 for a busy lock). */
async function followJob(cli: CliContext, job: JobSnapshot): Promise<void> {
  const final = await cli.follow(job);
  if (final.state === 'succeeded') {
    cli.output(final.result as MigrateResult, (r) => (r && 'applied' in r ? renderMigrate(r) : 'Done.'));
    return;
  }
  const code: ErrorCode =
    final.error && (ERROR_CODES as readonly string[]).includes(final.error.code) ? (final.error.code as ErrorCode) : 'INTERNAL';
  cli.fail({ ok: false, code, message: final.error?.message ?? `Job ended ${final.state}.` }, cli.jobExit(final));
}

export function registerMigrationCommands(program: Command, cli: CliContext): void {
  const migrate = program
    .command('migrate')
    .description(
      "SysNDD schema migrations: status, apply, validate, dry run, baseline, repair (compatible with SysNDD's own runner)",
    );

  withDir(
    migrate.command('status').description('applied, pending, failed and drifted files, the lock holder, and problems'),
  ).action(async (o: DirOptions) => {
    const profileId = await cli.resolveTarget(o);
    cli.output(await cli.call('migrations.status', { profileId, migrationsDir: o.migrationsDir }), renderStatus);
  });

  withLock(
    withDir(
      migrate
        .command('up')
        .description('apply pending migrations (progress per statement; Ctrl+C stops before the next statement)'),
    ),
  )
    .option('--retry-failed', 're-run failed or interrupted files from statement 1 (SysNDD behaviour; only for idempotent files)')
    .option('--target <file-or-NNN>', 'stop after this migration')
    .option('--confirm <database>', 'production (or files a restore rewound): the database name, typed')
    // --pre-backup first: defined before its --no- form, the default stays undefined (= the profile decides).
    .option('--pre-backup', 'take a pre-migration backup on any profile')
    .option('--no-pre-backup', 'skip the pre-migration backup (taken by default on production profiles)')
    .action(async (o: DirOptions & { retryFailed?: boolean; target?: string; preBackup?: boolean }) => {
      const job = await callConfirmed(cli, 'migrations.migrate', {
        ...(await guardedTarget(cli, o)),
        retryFailed: Boolean(o.retryFailed),
        target: o.target,
        preBackup: o.preBackup,
      });
      await followJob(cli, job);
    });

  withDir(
    migrate.command('validate').description('fail (exit 1) on bad names, drift (with diff), half-applied or unparsable files'),
  ).action(async (o: DirOptions) => {
    const profileId = await cli.resolveTarget(o);
    const report = await cli.call('migrations.validate', { profileId, migrationsDir: o.migrationsDir });
    cli.output(report, renderValidate);
    if (!report.valid) throw new CliExit(1);
  });

  withDir(
    migrate
      .command('dry-run [files...]')
      .description('the exact statements pending files would run, each flagged transactional or implicit-commit'),
  )
    .addHelpText('after', '\nWithout --profile/--url the folder is planned offline: every file is shown as pending.')
    .action(async (files: string[], o: DirOptions) => {
      const profileId = o.profile || o.url ? await cli.resolveTarget(o) : undefined;
      cli.output(
        await cli.call('migrations.dryRun', {
          profileId,
          migrationsDir: o.migrationsDir,
          files: files.length ? files : undefined,
        }),
        renderDryRun,
      );
    });

  withLock(
    withDir(
      migrate.command('baseline').description('mark files up to N applied without running them (adopt an existing database)'),
    ),
  )
    .requiredOption('--up-to <file-or-NNN>', 'last file to mark applied')
    .option('--reason <text>', 'recorded in the journal and the audit log')
    .option('--confirm [database]', CONFIRM_HELP)
    .action(async (o: DirOptions & { upTo: string }) => {
      const args = { ...(await guardedTarget(cli, o)), upTo: o.upTo, reason: o.reason };
      cli.output(await callConfirmed(cli, 'migrations.baseline', args), renderRepair);
    });

  withDir(
    migrate.command('show <file>').description("a migration's text, and its diff against the applied content when it drifted"),
  ).action(async (file: string, o: DirOptions) => {
    const profileId = o.profile || o.url ? await cli.resolveTarget(o) : undefined;
    cli.output(
      await cli.call('migrations.fileContent', { profileId, migrationsDir: o.migrationsDir, filename: file }),
      renderFile,
    );
  });

  addDbTargetOptions(migrate.command('history [file]').description('journal of attempts and repairs, newest first'))
    .option('--limit <n>', 'at most n entries', '50')
    .action(async (file: string | undefined, o: DirOptions & { limit: string }) => {
      const profileId = await cli.resolveTarget(o);
      cli.output(
        await cli.call('migrations.history', { profileId, filename: file, limit: positiveInt(cli, o.limit, '--limit') ?? 50 }),
        renderHistory,
      );
    });

  addDbTargetOptions(migrate.command('lock').description("who holds GET_LOCK('sysndd_migration') right now")).action(
    async (o: DirOptions) => {
      const profileId = await cli.resolveTarget(o);
      cli.output(await cli.call('migrations.lockState', { profileId }), renderLock);
    },
  );

  registerRepairCommands(migrate, cli);
}

function registerRepairCommands(migrate: Command, cli: CliContext): void {
  const repair = migrate
    .command('repair')
    .description('fix half-applied, drifted or unrecorded migrations (each action confirmed and audited)');
  const confirmable = (cmd: Command) => withLock(withDir(cmd)).option('--confirm [database]', CONFIRM_HELP);

  confirmable(
    repair
      .command('resume <file>')
      .description('continue a failed or interrupted file from statement N (default: the first uncommitted one)'),
  )
    .option('--from <n>', 'statement number to start from')
    .option('--reason <text>', 'recorded in the journal and the audit log')
    .action(async (file: string, o: DirOptions & { from?: string }) => {
      const job = await callConfirmed(cli, 'migrations.repair.resume', {
        ...(await guardedTarget(cli, o)),
        filename: file,
        fromStatement: positiveInt(cli, o.from, '--from'),
        reason: o.reason,
      });
      await followJob(cli, job);
    });

  // A file and a reason; mark-applied requires the reason (nothing ran, so the journal has only the person's word).
  const fileRepairs = [
    {
      usage: 'mark-applied <file>',
      operation: 'migrations.repair.markApplied',
      description: 'record a file as applied without running it (after fixing the database by hand)',
      reason: (cmd: Command) => cmd.requiredOption('--reason <text>', 'why (recorded in the journal and the audit log)'),
    },
    {
      usage: 'accept-checksum <file>',
      operation: 'migrations.repair.acceptChecksum',
      description: "accept an applied file's edited content as the new reference (clears drift)",
      reason: (cmd: Command) => cmd.option('--reason <text>', 'recorded in the journal and the audit log'),
    },
  ] as const;
  for (const { usage, operation, description, reason } of fileRepairs) {
    reason(confirmable(repair.command(usage).description(description))).action(async (file: string, o: DirOptions) => {
      const args = { ...(await guardedTarget(cli, o)), filename: file, reason: o.reason };
      cli.output(await callConfirmed(cli, operation, args), renderRepair);
    });
  }

  confirmable(
    repair
      .command('adopt [files...]')
      .description("record checksums for files applied by SysNDD's own runner (default: all of them)"),
  ).action(async (files: string[], o: DirOptions) => {
    const args = { ...(await guardedTarget(cli, o)), filenames: files.length ? files : undefined };
    cli.output(await callConfirmed(cli, 'migrations.repair.adopt', args), renderRepair);
  });
}
