import type { Command } from 'commander';
import type { ArgsIn, ResultOf } from '../../../../shared/contract/index';
import type { JobSnapshot } from '../../../../shared/contract/jobs';
import {
  DISCARD_CONFIRMATION,
  type PreflightReport,
  RESTORE_CONFIRMATION,
  type RestoreOptionsIn,
  type RestoreRecord,
  ROLLBACK_CONFIRMATION,
} from '../../../../shared/contract/restore';
import { ERROR_CODES, type ErrorCode } from '../../../../shared/errors';
import { dispatch } from '../../../core/dispatch';
import { databaseNameProblem } from '../../../features/restore/databaseName';
import { withBackupKeys } from '../backupSecrets';
import { type CliContext, CliExit } from '../CliContext';
import { withPromptedConfirmation } from '../confirmPrompt';
import { EXIT } from '../exitCodes';
import { addDbTargetOptions, type DbTargetOptions } from '../target';
import { renderCrossEngine } from './restoreCrossEngine';

interface RestoreFlags extends DbTargetOptions {
  targetDb?: string;
  confirm?: string;
  definer?: string;
  parserOnlyConfinement?: boolean;
  generatedAsPlain?: boolean;
  workers?: string;
  verifyChecksums?: boolean;
  allowUnterminated?: boolean;
  lockTimeout?: string;
  dryRun?: boolean;
  tables?: string;
  identity?: string;
}

const MARK = { ok: 'ok  ', warn: 'WARN', fail: 'FAIL' } as const;

export function renderPreflight(r: PreflightReport): string {
  const t = r.target;
  const lines = [
    `Target:  ${t.database} on ${t.host}:${t.port} (profile "${t.profileName}", ${t.environment.toUpperCase()}), server ${t.serverVersion}, as ${t.account}`,
    `Source:  ${r.file.path} (${r.file.format}, ${r.file.size} bytes${r.file.compressed ? ', gzip' : ''})${r.source.database ? `, database ${r.source.database}` : ''}`,
    `         ${r.source.tables} table(s), ${r.source.rows ?? '?'} row(s), ${r.source.objects.views} view(s), ${r.source.objects.triggers} trigger(s), ${r.source.objects.routines} routine(s), ${r.source.objects.events} event(s)`,
    '',
    ...r.checks.map((c) => `  [${MARK[c.status]}] ${c.message}${c.code && c.status === 'fail' ? ` [${c.code}]` : ''}`),
    ...renderCrossEngine(r),
    ...(r.suggestedTables.length ? ['', `Suggested: --tables ${r.suggestedTables.join(',')}`] : []),
    '',
    'Tables (live → after the restore):',
    ...r.replace.tables.map(
      (x) =>
        `  ${x.action.padEnd(7)} ${x.name.padEnd(32)} ${x.liveRows === null ? '-' : `${x.liveRowsExact ? '' : '~'}${x.liveRows}`} → ${x.backupRows ?? (x.action === 'remove' ? '(moves to __prev)' : '?')}`,
    ),
    '',
    `Space: ${r.space.note}`,
    r.ok ? 'Preflight passed.' : 'Preflight FAILED: nothing will be changed.',
  ];
  return lines.join('\n');
}

/** `--tables a,b`: names separated by commas (blanks around them ignored), at least one. */
function tableList(cli: CliContext, value: string): string[] {
  const names = [
    ...new Set(
      value
        .split(',')
        .map((n) => n.trim())
        .filter(Boolean),
    ),
  ];
  if (!names.length) cli.fail({ ok: false, code: 'INVALID_ARGUMENT', message: '--tables needs at least one table name.' });
  return names;
}

function renderRecord(r: RestoreRecord): string {
  return [
    r.createdAt.slice(0, 19).replace('T', ' '),
    r.phase.padEnd(12),
    r.id.slice(0, 8),
    `${r.targetDatabase}@${r.profileName}`,
    r.tables ? `tables ${r.tables.join(',')}` : '',
    r.file.split(/[\\/]/).pop(),
    r.rollbackAvailable ? `previous tables in ${r.prevSchema}` : '',
    r.preRestoreBackup ? `pre-restore backup ${r.preRestoreBackup}` : '',
    r.error ? `${r.error.code}: ${r.error.message}` : '',
  ]
    .filter(Boolean)
    .join('  ');
}

type Confirmed = 'restore.start' | 'restore.rollback' | 'restore.discard';

/**
 * Call a confirmed operation through dispatch, which checks `--confirm` before anything runs and audits a
 * refusal like any door's (door cli, the person's name). Without --confirm on a terminal, RESTORE is asked
 * for first (withPromptedConfirmation; a declined prompt calls nothing). A refusal prints dispatch's words
 * (what to type) with the flag to give it, and exits 3.
 */
async function callConfirmed<K extends Confirmed>(cli: CliContext, name: K, args: ArgsIn<K>, hint: string): Promise<ResultOf<K>> {
  const confirmed = await withPromptedConfirmation(cli, name, args);
  const app = await cli.app();
  const r = await dispatch(app.handlers, name, confirmed, cli.ctx);
  if (r.ok) return r.value as ResultOf<K>;
  if (r.code !== 'CONFIRMATION_REQUIRED') return cli.fail(r);
  return cli.fail({ ...r, message: `${r.message} ${hint}` }, EXIT.REFUSED);
}

/**
 * The target of a confirmed command. Without the usual `--confirm RESTORE` the call is most likely refused:
 * no password is asked for first (the App still asks on a terminal if the call goes ahead and connects).
 */
function confirmedTarget(cli: CliContext, o: RestoreFlags, word: string = RESTORE_CONFIRMATION): Promise<string> {
  return cli.resolveTarget(o, o.confirm === word ? {} : { mysqlPassword: false });
}

const CONFIRM_HINT = `(CLI: --confirm ${RESTORE_CONFIRMATION})`;
const ROLLBACK_HINT = `(CLI: --confirm ${ROLLBACK_CONFIRMATION})`;
const DISCARD_HINT = `(CLI: --confirm ${DISCARD_CONFIRMATION})`;

interface DoneResult {
  restoreId: string;
  targetDatabase: string;
  prevSchema?: string | null;
  preRestoreBackup?: string | null;
  stats?: { tables: number; rows: number; totalMs: number; warnings: string[] };
  restoredTables?: number;
}

function renderDone(j: JobSnapshot): string {
  const r = j.result as DoneResult;
  const short = r.restoreId.slice(0, 8);
  if (!r.stats)
    return `${j.title}: done; the previous tables of ${r.targetDatabase} are back (${r.restoredTables ?? 0} table(s)).`;
  return [
    `Restored ${r.targetDatabase}: ${r.stats.tables} table(s), ${r.stats.rows} row(s) in ${(r.stats.totalMs / 1000).toFixed(1)} s (restore ${short}).`,
    ...r.stats.warnings.map((w) => `  warning: ${w}`),
    r.preRestoreBackup ? `Pre-restore backup: ${r.preRestoreBackup}` : 'No pre-restore backup (the target was empty or new).',
    r.prevSchema
      ? `Previous tables kept in ${r.prevSchema}: roll back with "sysndd-admin restore rollback ${short} --confirm ${ROLLBACK_CONFIRMATION}", or free the space with "sysndd-admin restore discard ${short} --confirm ${DISCARD_CONFIRMATION}".`
      : '',
  ]
    .filter(Boolean)
    .join('\n');
}

async function finish(cli: CliContext, job: JobSnapshot): Promise<void> {
  // The follower prints the job's other error lines; its final error is printed here, once.
  const final = await cli.follow(job);
  if (final.state !== 'succeeded' && !cli.json) cli.printFailure(final.error ?? { code: 'INTERNAL', message: final.state });
  cli.output(final, (j) => (j.state === 'succeeded' ? renderDone(j) : undefined));
  const code =
    final.error && (ERROR_CODES as readonly string[]).includes(final.error.code) ? (final.error.code as ErrorCode) : null;
  if (final.state !== 'succeeded') throw new CliExit(code ? cli.jobExit(final) : EXIT.FAILED);
}

export function registerRestoreCommands(program: Command, cli: CliContext): void {
  const restore = addDbTargetOptions(
    program
      .command('restore')
      .description(
        `restore a backup (ours or a mysqldump/mariadb-dump .sql/.sql.gz) into a shadow schema, verify it, swap it in atomically; needs --confirm ${RESTORE_CONFIRMATION}`,
      )
      .argument('[file]', 'backup file (use ./list for a file literally named like a subcommand)'),
  )
    .option('--target-db <name>', "restore into this database instead of the profile's (created when missing)")
    .option('--confirm <token>', `type ${RESTORE_CONFIRMATION} to confirm`)
    .option('--definer <keep|strip>', 'keep DEFINERs (needs SUPER/SET USER for other accounts) or strip them', 'keep')
    .option('--workers <n>', 'parallel loader connections', '2')
    .option('--no-verify-checksums', 'skip CHECKSUM TABLE comparison (row counts are still verified)')
    .option('--allow-unterminated', 'accept a foreign dump without its "-- Dump completed" trailer')
    .option(
      '--lock-timeout <seconds>',
      "how long to wait for GET_LOCK('sysndd_migration') (a migration or another restore on the server) before refusing (exit 3)",
      '30',
    )
    .option(
      '--parser-only-confinement',
      'for an account without CREATE USER: load as the profile account, confined by the statement allowlist only (audited)',
    )
    .option(
      '--generated-as-plain',
      "across engines: store generated columns the target rejects as plain columns with the file's values (named by --dry-run; NULL when the dump left them out)",
    )
    .option(
      '--tables <a,b>',
      'a table restore: only these tables are swapped in (FK-linked tables must be included; see --dry-run)',
    )
    .option('--dry-run', 'run the preflight only and print its report (no confirmation needed, nothing changed)')
    .option(
      '--identity <file>',
      'age identity file of an encrypted (.age) backup (a path; or SYSNDD_ADMIN_BACKUP_IDENTITY, or a passphrase from SYSNDD_ADMIN_BACKUP_PASSPHRASE / a prompt)',
    )
    .action(async (file: string | undefined, o: RestoreFlags) => {
      if (!file) {
        cli.fail({
          ok: false,
          code: 'INVALID_ARGUMENT',
          message: 'Give the backup file: sysndd-admin restore FILE --profile P --confirm RESTORE',
        });
      }
      // A name the server cannot hold is a usage error, refused before any prompt or connection.
      const badName = o.targetDb === undefined ? null : databaseNameProblem(o.targetDb);
      if (badName)
        cli.fail(
          {
            ok: false,
            code: 'INVALID_DATABASE_NAME',
            message: `--target-db ${JSON.stringify(o.targetDb)} is not a valid database name: ${badName}.`,
          },
          EXIT.USAGE,
        );
      if (o.definer !== 'keep' && o.definer !== 'strip')
        cli.fail({ ok: false, code: 'INVALID_ARGUMENT', message: '--definer must be keep or strip.' });
      const workers = Number(o.workers);
      if (!Number.isInteger(workers) || workers < 1 || workers > 8)
        cli.fail({ ok: false, code: 'INVALID_ARGUMENT', message: '--workers must be 1 to 8.' });
      const options: RestoreOptionsIn = {
        lockTimeoutSeconds: lockSeconds(cli, o.lockTimeout),
        definer: o.definer as 'keep' | 'strip',
        workers,
        verifyChecksums: o.verifyChecksums !== false,
        allowMissingCompletionMarker: Boolean(o.allowUnterminated),
        confinement: o.parserOnlyConfinement ? 'parser-only' : 'server',
        ...(o.generatedAsPlain ? { storeGeneratedAsPlain: true } : {}),
        ...(o.tables === undefined ? {} : { tables: tableList(cli, o.tables) }),
      };
      const profileId = o.dryRun ? await cli.resolveTarget(o) : await confirmedTarget(cli, o);
      const args = { profileId, file: file as string, targetDatabase: o.targetDb, options };
      // An encrypted backup is read through its keys, registered in this process for this file only.
      await withBackupKeys(cli, file as string, o, async () => {
        if (o.dryRun) {
          const report = await cli.call('restore.preflight', args);
          cli.output(report, renderPreflight);
          if (!report.ok) throw new CliExit(EXIT.REFUSED);
          return;
        }
        const hint = `${CONFIRM_HINT} Use --dry-run to see the preflight report.`;
        await finish(cli, await callConfirmed(cli, 'restore.start', { ...args, confirm: o.confirm }, hint));
      });
    });

  // --profile / --url are optional here: needed only when the restore was made through a one-off --url target.
  addDbTargetOptions(
    restore
      .command('rollback <restoreId>')
      .description(`swap the previous tables (kept in <db>__prev_<ts>) back into place; needs --confirm ${ROLLBACK_CONFIRMATION}`)
      .option('--confirm <token>', `type ${ROLLBACK_CONFIRMATION} to confirm`)
      .option('--lock-timeout <seconds>', "how long to wait for GET_LOCK('sysndd_migration') before refusing (exit 3)", '30'),
  ).action(async (restoreId: string, _o: unknown, cmd: Command) => {
    const o = cmd.optsWithGlobals<RestoreFlags>();
    const lockTimeoutSeconds = lockSeconds(cli, o.lockTimeout);
    const id = await fullId(cli, restoreId);
    const profileId = o.profile || o.url ? await confirmedTarget(cli, o, ROLLBACK_CONFIRMATION) : undefined;
    const args = { restoreId: id, confirm: o.confirm, lockTimeoutSeconds, profileId };
    await finish(cli, await callConfirmed(cli, 'restore.rollback', args, ROLLBACK_HINT));
  });

  addDbTargetOptions(
    restore
      .command('discard <restoreId>')
      .description(`drop the previous tables of a restore (no rollback afterwards); needs --confirm ${DISCARD_CONFIRMATION}`)
      .option('--confirm <token>', `type ${DISCARD_CONFIRMATION} to confirm`),
  ).action(async (restoreId: string, _o: unknown, cmd: Command) => {
    const o = cmd.optsWithGlobals<RestoreFlags>();
    const id = await fullId(cli, restoreId);
    const profileId = o.profile || o.url ? await confirmedTarget(cli, o, DISCARD_CONFIRMATION) : undefined;
    const r = await callConfirmed(cli, 'restore.discard', { restoreId: id, confirm: o.confirm, profileId }, DISCARD_HINT);
    cli.output(r, (x) => `Discarded the previous tables of ${x.targetDatabase}.\n${renderRecord(x)}`);
  });

  restore
    .command('list')
    .description('restore records, newest first (phase, previous-tables schema, pre-restore backup)')
    .option('--profile <name>', 'only this profile (name or id)')
    .option('--limit <n>', 'at most n records', '50')
    .action(async (_o: unknown, cmd: Command) => {
      const o = cmd.optsWithGlobals<{ profile?: string; limit: string }>();
      const profileId = o.profile ? (await cli.app()).profiles.resolve(o.profile).id : undefined;
      const list = await cli.call('restore.list', { profileId, limit: Number(o.limit) });
      cli.outputList(list, renderRecord, 'No restores yet.');
    });

  addDbTargetOptions(
    restore
      .command('cleanup')
      .description('clean up what interrupted restores left (shadow schemas, half-done swaps) on a server'),
  ).action(async (_o: unknown, cmd: Command) => {
    // The parent `restore` has the same target options; commander may hand them to either.
    const profileId = await cli.resolveTarget(cmd.optsWithGlobals<DbTargetOptions>());
    const r = await cli.call('restore.cleanupLeftovers', { profileId });
    cli.output(r, (x) =>
      [
        x.cleaned.length ? x.cleaned.map((c) => `cleaned ${c.schema ?? ''}: ${c.action}`).join('\n') : 'Nothing to clean up.',
        ...x.unknown.map((u) => `not ours (left alone): ${u}`),
      ].join('\n'),
    );
  });
}

/** `--lock-timeout` (on `restore`, inherited by `restore rollback`). */
function lockSeconds(cli: CliContext, value: string | undefined): number {
  const n = Number(value ?? '30');
  if (!Number.isInteger(n) || n < 0 || n > 3600)
    cli.fail({ ok: false, code: 'INVALID_ARGUMENT', message: '--lock-timeout must be 0 to 3600 seconds.' });
  return n;
}

/** Accept the 8-character prefix `restore list` prints. */
async function fullId(cli: CliContext, idOrPrefix: string): Promise<string> {
  if (idOrPrefix.length >= 32) return idOrPrefix;
  const matches = (await cli.call('restore.list', { limit: 1000 })).filter((r) => r.id.startsWith(idOrPrefix));
  if (matches.length === 1) return (matches[0] as RestoreRecord).id;
  return cli.fail({
    ok: false,
    code: matches.length ? 'INVALID_ARGUMENT' : 'NOT_FOUND',
    message: matches.length
      ? `"${idOrPrefix}" matches ${matches.length} restores; give more characters.`
      : `No restore with id ${idOrPrefix}.`,
  });
}
