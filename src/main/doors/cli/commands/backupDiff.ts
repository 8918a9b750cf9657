import type { Command } from 'commander';
import type { DiffKind, DiffRow, DiffSummary } from '../../../../shared/contract/backupDiff';
import { dispatch } from '../../../core/dispatch';
import { type CliContext, CliExit } from '../CliContext';
import { withPromptedConfirmation } from '../confirmPrompt';
import { EXIT } from '../exitCodes';
import { addDbTargetOptions, type DbTargetOptions } from '../target';

interface DiffFlags extends DbTargetOptions {
  table: string;
  rows?: string;
  limit: string;
  export?: string;
  putBack?: boolean;
  only?: string;
  confirm?: string;
}

function renderSummary(d: DiffSummary): string {
  const c = d.counts;
  return [
    `${d.database}.${d.table} against ${d.file} (primary key ${d.primaryKey.join(', ')}):`,
    `  backup ${c.backupRows} row(s), live ${c.liveRows} row(s)`,
    `  removed ${c.removed} (in the backup, not live)   changed ${c.changed}   added ${c.added} (live only)`,
    ...(d.notCompared.length ? [`  not compared: ${d.notCompared.join(', ')}`] : []),
  ].join('\n');
}

function renderRows(kind: DiffKind, rows: DiffRow[]): string {
  return rows
    .map((r) => {
      const side = (x: Record<string, string | null> | null) => (x ? JSON.stringify(x) : '-');
      return kind === 'changed'
        ? `${r.key.join(',')}\n  backup ${side(r.backup)}\n  live   ${side(r.live)}`
        : `${r.key.join(',')}  ${side(r.backup ?? r.live)}`;
    })
    .join('\n');
}

/** `backup diff FILE --table t`: counts, then rows, an SQL export or a put-back on request; the scratch copy is always dropped. */
export function registerBackupDiffCommand(program: Command, cli: CliContext): void {
  const backup = program.commands.find((c) => c.name() === 'backup') ?? program.command('backup');
  addDbTargetOptions(
    backup
      .command('diff <file>')
      .description('compare one table of a backup with the live table by primary key (rows removed, changed, added)'),
  )
    .requiredOption('--table <name>', 'the table to compare')
    .option('--rows <kind>', 'print the rows of one kind: removed, changed or added')
    .option('--limit <n>', 'rows to print', '100')
    .option('--export <file>', 'write the removed and changed rows as INSERT … ON DUPLICATE KEY UPDATE into this file')
    .option('--only <kinds>', 'with --export / --put-back: removed, changed or removed,changed', 'removed,changed')
    .option('--put-back', 'write the removed and changed rows back into the live table (needs --confirm)')
    .option('--confirm <token>', 'RESTORE (on a production profile: the database name)')
    .action(async (file: string, o: DiffFlags) => {
      const kinds = o.only?.split(',').map((k) => k.trim()) as Array<'removed' | 'changed'>;
      if (!kinds.every((k) => k === 'removed' || k === 'changed'))
        cli.fail(
          { ok: false, code: 'INVALID_ARGUMENT', message: '--only takes removed, changed or removed,changed.' },
          EXIT.USAGE,
        );
      const profileId = await cli.resolveTarget(o);
      const job = await cli.follow(await cli.call('backups.diff', { profileId, file, table: o.table }));
      if (job.state !== 'succeeded') {
        cli.printFailure(job.error ?? { code: 'INTERNAL', message: job.state });
        throw new CliExit(cli.jobExit(job));
      }
      const d = job.result as DiffSummary;
      try {
        cli.output(d, renderSummary);
        if (o.rows) {
          const kind = o.rows as DiffKind;
          const page = await cli.call('backups.diff.rows', { diffId: d.diffId, kind, limit: Number(o.limit) });
          cli.output(page, (p) => renderRows(kind, p.rows));
        }
        if (o.export) {
          const r = await cli.call('backups.diff.export', { diffId: d.diffId, kinds, file: o.export });
          cli.output(r, (x) => `Wrote ${x.rows} row(s) (${x.bytes} bytes) to ${x.file}.`);
        }
        if (o.putBack) {
          const args = await withPromptedConfirmation(cli, 'backups.diff.putBack', {
            diffId: d.diffId,
            kinds,
            confirm: o.confirm,
          });
          const r = await dispatch((await cli.app()).handlers, 'backups.diff.putBack', args, cli.ctx);
          if (!r.ok) cli.fail(r, r.code === 'CONFIRMATION_REQUIRED' ? EXIT.REFUSED : undefined);
          const v = r.value as { rows: number; affected: number };
          cli.output(v, (x) => `Put back ${x.rows} row(s) into ${d.database}.${d.table} (${x.affected} affected).`);
        }
      } finally {
        await cli.call('backups.diff.close', { diffId: d.diffId }).catch(() => undefined);
      }
    });
}
