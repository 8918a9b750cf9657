import fs from 'node:fs';
import type { Command } from 'commander';
import type {
  BackupEntry,
  BackupList,
  BackupListSort,
  CreateBackupResult,
  JobSnapshot,
  PrunePlan,
  VerifyResult,
} from '../../../../shared/contract/index';
import { ERROR_CODES, type ErrorCode } from '../../../../shared/errors';
import { decryptionFromFlags, encryptionFromFlags, PASSPHRASE_ENV } from '../backupSecrets';
import { type CliContext, CliExit } from '../CliContext';
import { canPrompt, withPromptedConfirmation } from '../confirmPrompt';
import { positiveInt } from '../flagValues';
import { promptLine } from '../prompt';
import { addBackupFolderOptions, addDbTargetOptions, type BackupFolderOptions, type DbTargetOptions } from '../target';
import { registerBackupKeyCommands } from './backupKeys';

function bytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[i]}`;
}

function renderList(l: BackupList): string {
  const lines = [`local:  ${l.localDir}`, `remote: ${l.remoteDir ?? '(none: the profile has no SSH host or remote folder)'}`];
  if (l.remoteError)
    lines.push(`remote folder unreachable (${l.remoteError.code}): ${l.remoteError.message} — showing the cached list`);
  if (!l.entries.length) return [...lines, 'No backups.'].join('\n');
  lines.push('');
  for (const e of l.entries) lines.push(renderEntry(e));
  if (l.entries.length < l.total) lines.push('', `${l.offset + 1}–${l.offset + l.entries.length} of ${l.total} backups`);
  return lines.join('\n');
}

function renderEntry(e: BackupEntry): string {
  const verified = e.verified ? `${e.verified.ok ? 'verified' : 'FAILED'} ${e.verified.level} ${e.verified.at.slice(0, 10)}` : '';
  return [
    e.createdAt.slice(0, 19).replace('T', ' '),
    e.location.padEnd(6),
    bytes(e.size).padStart(9),
    `${e.tableCount ?? '?'} tables`.padStart(10),
    e.rowCount === null ? '' : `${e.rowCount} rows`,
    e.status === 'complete' ? '' : e.status.toUpperCase(),
    e.schemaVersionHead ?? '',
    verified,
    e.encrypted ? 'encrypted' : '',
    e.seal
      ? e.seal.state === 'sealed'
        ? `sealed by ${e.seal.keyName}`
        : e.seal.state === 'unsealed'
          ? 'not sealed'
          : e.seal.state === 'unknown-key'
            ? 'unknown key'
            : 'SEAL INVALID'
      : '',
    e.name,
  ]
    .filter(Boolean)
    .join('  ');
}

function renderPlan(p: PrunePlan, applied: boolean): string {
  const lines = [
    `${applied ? 'Deleted' : 'Would delete'} ${p.remove.length} ${p.location} backup(s), ${bytes(p.bytesFreed)}; keeping ${p.keep.length}.`,
  ];
  const kind = (f: PrunePlan['keep'][number]) => (f.class === 'safety' ? '  (pre-restore/pre-migration)' : '');
  for (const f of p.remove) lines.push(`  - ${f.createdAt.slice(0, 19)}  ${f.name}${kind(f)}`);
  for (const f of p.keep) {
    lines.push(`  = ${f.createdAt.slice(0, 19)}  ${f.name}${kind(f)}`);
    if (f.reasons.length) lines.push(`      kept: ${f.reasons.join('; ')}`);
  }
  return lines.join('\n');
}

type TargetWithFolders = DbTargetOptions & BackupFolderOptions;
type CreateFlags = DbTargetOptions & {
  dir?: string;
  label?: string;
  level: string;
  workers: string;
  checksums: boolean;
  encryptTo?: string[];
  encryptPassphrase?: boolean;
  plain?: boolean;
};

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function addTargetWithFolders(cmd: Command): Command {
  return addBackupFolderOptions(addDbTargetOptions(cmd));
}

function resolveFolderTarget(cli: CliContext, o: TargetWithFolders): Promise<string> {
  return cli.resolveTarget(o, { folders: { dir: o.dir, remoteDir: o.remoteDir }, mysqlPassword: false });
}

/**
 * Follow a job to its end; on failure print its error once (the follower has printed the job's other error
 * lines) and exit with the mapped code.
 */
async function followOrFail(cli: CliContext, job: JobSnapshot): Promise<JobSnapshot> {
  const final = await cli.follow(job);
  if (final.state === 'succeeded') return final;
  const code: ErrorCode =
    final.error && (ERROR_CODES as readonly string[]).includes(final.error.code) ? (final.error.code as ErrorCode) : 'INTERNAL';
  return cli.fail({ ok: false, code, message: final.error?.message ?? `Job ended ${final.state}.` }, cli.jobExit(final));
}

export function registerBackupCommands(program: Command, cli: CliContext): void {
  const backup = program
    .command('backup')
    .description('verified backups: create, list, verify, download, prune, delete, path (no mysqldump needed)');
  registerBackupCreateAndList(backup, cli);
  registerBackupKeyCommands(backup, cli);
  registerBackupInspection(backup, cli);
  registerBackupFolderCommands(backup, cli);
  registerBackupPathCommand(backup, cli);
}

/** `backup create`, `backup list`: taking backups of a database and listing its folders. */
function registerBackupCreateAndList(backup: Command, cli: CliContext): void {
  addDbTargetOptions(
    backup
      .command('create')
      .description("back up the profile's database (consistent snapshot) into its local backup folder or --dir"),
  )
    .option('--dir <dir>', "write the backup into this folder instead of the profile's local backup folder")
    .option('--label <text>', 'appended to the file name (letters, digits, - and _)')
    .option('--level <1-9>', 'gzip level (1 = fastest, default)', '1')
    .option('--workers <n>', 'connections dumping tables in parallel inside one snapshot', '1')
    .option('--no-checksums', 'skip CHECKSUM TABLE inside the snapshot (faster; verify then compares row counts only)')
    .option('--encrypt-to <recipient>', 'encrypt (age) to this age1… public key; repeat for more', collect, [])
    .option('--encrypt-passphrase', `encrypt (age) with a passphrase from ${PASSPHRASE_ENV} or a prompt (never argv)`)
    .option('--plain', 'write a plain .sql.gz even when the profile encrypts its backups by default')
    .action(async (o: CreateFlags) => {
      const profileId = await cli.resolveTarget(o);
      // The profile's default encryption (profile edit --backup-encrypt) unless the flags say otherwise.
      const encrypt = await encryptionFromFlags(cli, o, (await cli.app()).profiles.get(profileId).backupEncryption);
      const job = await cli.call('backups.create', {
        profileId,
        options: {
          dir: o.dir,
          label: o.label,
          compressionLevel: positiveInt(cli, o.level, '--level') ?? 1,
          workers: positiveInt(cli, o.workers, '--workers') ?? 1,
          checksums: o.checksums,
          encrypt,
        },
      });
      const final = await followOrFail(cli, job);
      const r = final.result as CreateBackupResult;
      if (cli.json && !encrypt) {
        const { manifest } = await cli.call('backups.manifest', { path: r.path });
        cli.output({ path: r.path, manifest });
      } else {
        cli.output(
          r,
          (x) =>
            `Backup written: ${x.path}\n${bytes(x.size)}, ${x.tables} tables, ${x.rows} rows, ${(x.durationMs / 1000).toFixed(1)} s`,
        );
      }
    });
  addDbTargetOptions(
    backup
      .command('list')
      .description('backups in the local folder and the remote folder on the SSH host (cached for offline use)'),
  )
    .option('--offline', 'do not contact the SSH host; show the remote folder as last seen')
    .option('--sort <order>', 'newest (default), oldest, name, name-desc, largest or smallest')
    .option('--limit <n>', 'show at most N backups (one page; with --offset)')
    .option('--offset <n>', 'skip the first N backups of the sorted list')
    .action(async (o: DbTargetOptions & { offline?: boolean; sort?: string; limit?: string; offset?: string }) => {
      const profileId = await cli.resolveTarget(o);
      // Checked by dispatch (zod): a bad order or number is INVALID_ARGUMENT naming the field.
      const page = {
        sort: o.sort as BackupListSort | undefined,
        limit: o.limit === undefined ? undefined : Number(o.limit),
        offset: o.offset === undefined ? undefined : Number(o.offset),
      };
      cli.output(await cli.call('backups.list', { profileId, refreshRemote: !o.offline, ...page }), renderList);
    });
}

/** `backup verify`, `backup show`: one file checked or described. */
function registerBackupInspection(backup: Command, cli: CliContext): void {
  backup
    .command('verify <file>')
    .description('check a backup: every member against its SHA-256, the end marker; exits 1 on any defect')
    .option('--profile <name>', 'a profile: FILE may then be a backup name in its folders, and --test-restore uses its server')
    .option(
      '--test-restore',
      "also restore into a scratch schema on the profile's server and compare row counts and CHECKSUM TABLE",
    )
    .option('--identity <file>', `age identity file of an encrypted backup (or ${PASSPHRASE_ENV} / a prompt for a passphrase)`)
    .action(async (file: string, o: { profile?: string; testRestore?: boolean; identity?: string }) => {
      if (o.testRestore && !o.profile)
        cli.fail({
          ok: false,
          code: 'INVALID_ARGUMENT',
          message: '--test-restore needs --profile (the server to restore into).',
        });
      const profileId = o.profile ? await cli.resolveTarget({ profile: o.profile }) : undefined;
      const byName = profileId !== undefined && !file.includes('/') && !fs.existsSync(file);
      const decrypt = await decryptionFromFlags(cli, file, o);
      const job = await cli.call(
        'backups.verify',
        byName
          ? { profileId, name: file, scratchRestore: Boolean(o.testRestore), decrypt }
          : { path: file, profileId, scratchRestore: Boolean(o.testRestore), decrypt },
      );
      const final = await followOrFail(cli, job);
      cli.output(final.result as VerifyResult, (r) => {
        const what = r.scratch
          ? `test restore into ${r.scratch.schema} matched ${r.scratch.tablesCompared} tables`
          : `${r.members} members match`;
        const seal = r.seal ? `\nseal: ${r.seal.summary}` : '';
        const enc = r.encrypted ? ' (encrypted, decrypted in memory)' : '';
        return `OK ${r.path}${enc}: ${r.format === 'foreign' ? 'plain dump, complete' : what}${seal}`;
      });
    });
  backup
    .command('show <file>')
    .description("a backup's manifest (tables, rows, checksums, members) or a plain dump's summary")
    .option('--profile <name>', "look FILE up as a backup name in this profile's folders")
    .action(async (file: string, o: { profile?: string }) => {
      const profileId = o.profile ? await cli.resolveTarget({ profile: o.profile }) : undefined;
      const byName = profileId !== undefined && !file.includes('/') && !fs.existsSync(file);
      const r = await cli.call('backups.manifest', byName ? { profileId, name: file } : { path: file });
      cli.output(r, (x) => {
        const m = x.manifest;
        const head = renderEntry(x.entry);
        if (!m) return head;
        const tables = m.tables.map((t) => `  ${t.name.padEnd(32)} ${String(t.rows).padStart(10)} rows  ${t.checksum ?? ''}`);
        return [
          head,
          `source: ${m.source.database} on ${m.source.host} (${m.source.serverVersion}), ${m.source.consistency}`,
          `schema_version head: ${m.schemaVersionHead ?? '(none)'}`,
          ...tables,
          ...m.warnings.map((w) => `warning: ${w}`),
        ].join('\n');
      });
      if (isBroken(r.entry)) throw new CliExit(1);
    });
}

/** `backup download`, `prune`, `delete`: the files in a target's folders. */
function registerBackupFolderCommands(backup: Command, cli: CliContext): void {
  // download, prune and delete work on a target's backup folders, not on its database: a saved profile
  // brings its folders, `--url` (+ `--ssh` for the remote folder) takes them from --dir / --remote-dir.
  // None of them logs in to MySQL, so no password is asked for (see TargetNeeds).
  addTargetWithFolders(
    backup
      .command('download <name>')
      .description(
        "copy a backup from the target's remote folder (SFTP) to its local folder; resumes an interrupted copy (unless encrypted)",
      )
      .option('--encrypt-to <recipient>', 'write NAME.age encrypted (age) to this age1… public key; repeat for more', collect, [])
      .option(
        '--encrypt-passphrase',
        `write NAME.age encrypted with a passphrase from ${PASSPHRASE_ENV} or a prompt (never argv)`,
      ),
  ).action(async (name: string, o: TargetWithFolders & { encryptTo?: string[]; encryptPassphrase?: boolean }) => {
    if (!o.profile && o.url && !o.remoteDir)
      cli.fail({ ok: false, code: 'INVALID_ARGUMENT', message: 'With --url, give --ssh user@host and --remote-dir DIR.' });
    const encrypt = await encryptionFromFlags(cli, o);
    const profileId = await resolveFolderTarget(cli, o);
    const final = await followOrFail(cli, await cli.call('backups.download', { profileId, name, encrypt }));
    cli.output(
      final.result as { path: string; resumedFrom: number; sha256: string; encrypted?: boolean },
      (r) =>
        `Downloaded${r.encrypted ? ' encrypted' : ''}: ${r.path}${r.resumedFrom ? ` (resumed at ${bytes(r.resumedFrom)})` : ''}\nSHA-256 ${r.sha256}${r.encrypted ? ' (of the plaintext, as on the server)' : ''}`,
    );
  });
  addTargetWithFolders(
    backup
      .command('prune')
      .description(
        'delete old backups: keep the last N and/or those younger than N days (shows the plan; --confirm DELETE applies it)',
      ),
  )
    .option('--keep-last <n>', 'keep the newest n usable backups')
    .option('--keep-days <n>', 'keep backups younger than n days')
    .option('--safety-keep-days <n>', 'keep pre-restore and pre-migration backups this many days (default 7)')
    .option('--remote', 'prune the remote folder on the SSH host instead of the local one')
    .option('--confirm <word>', 'type DELETE to actually delete')
    .action(
      async (
        o: TargetWithFolders & {
          keepLast?: string;
          keepDays?: string;
          safetyKeepDays?: string;
          remote?: boolean;
          confirm?: string;
        },
      ) => {
        const rule = {
          keepLast: positiveInt(cli, o.keepLast, '--keep-last'),
          keepDays: positiveInt(cli, o.keepDays, '--keep-days'),
          safetyKeepDays: positiveInt(cli, o.safetyKeepDays, '--safety-keep-days'),
          location: o.remote ? ('remote' as const) : ('local' as const),
        };
        if (rule.keepLast === undefined && rule.keepDays === undefined)
          cli.fail({ ok: false, code: 'INVALID_ARGUMENT', message: 'Give --keep-last, --keep-days or both.' });
        const profileId = await resolveFolderTarget(cli, o);
        let confirm = o.confirm;
        if (confirm === undefined) {
          const plan = await cli.call('backups.prunePreview', { profileId, rule });
          // On a terminal, the plan is followed by the question; anything but DELETE deletes nothing.
          if (!canPrompt(cli) || plan.remove.length === 0) {
            cli.output(plan, (p) => `${renderPlan(p, false)}\nNothing deleted. Run again with --confirm DELETE to apply.`);
            return;
          }
          cli.stdout.write(`${renderPlan(plan, false)}\n`);
          confirm = (await promptLine('Type DELETE to delete these files (anything else: nothing is deleted):')) ?? '';
          if (confirm !== 'DELETE') {
            cli.stdout.write('Nothing deleted.\n');
            return;
          }
        }
        const result = await cli.call('backups.prune', { profileId, rule, confirm });
        cli.output(result, (r) => renderPlan(r.plan, true));
      },
    );
  addTargetWithFolders(
    backup
      .command('delete <name>')
      .description('delete one backup file (local by default); needs --confirm DELETE (asked for on a terminal)'),
  )
    .option('--remote', 'delete the copy in the remote folder on the SSH host')
    .option('--both', 'delete the local and the remote copy')
    .option('--confirm <word>', 'type DELETE to confirm')
    .action(async (name: string, o: TargetWithFolders & { remote?: boolean; both?: boolean; confirm?: string }) => {
      const profileId = await resolveFolderTarget(cli, o);
      const location = o.both ? 'both' : o.remote ? 'remote' : 'local';
      const args = await withPromptedConfirmation(cli, 'backups.delete', { profileId, name, location, confirm: o.confirm });
      const r = await cli.call('backups.delete', args);
      cli.output(r, (x) => x.deleted.map((d) => `Deleted ${d}`).join('\n'));
    });
}

/**
 * `backup path <name>`: the absolute path of a local backup, for `cp`, `scp` or a file manager (the terminal
 * cannot show a folder; the desktop app's "Show in folder" does, through the same backups.showInFolder).
 */
function registerBackupPathCommand(backup: Command, cli: CliContext): void {
  addTargetWithFolders(
    backup
      .command('path <name>')
      .description("print the absolute path of a backup in the target's local folder (for cp, scp or a file manager)"),
  ).action(async (name: string, o: TargetWithFolders) => {
    const profileId = await resolveFolderTarget(cli, o);
    const r = await cli.call('backups.showInFolder', { profileId, name });
    cli.output(r, (x) => x.path);
  });
}

/** `show` of an incomplete or corrupt file prints it, then exits 1. */
function isBroken(e: BackupEntry): boolean {
  return e.status === 'incomplete' || e.status === 'corrupt';
}
