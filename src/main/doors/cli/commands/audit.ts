import fs from 'node:fs';
import type { Command } from 'commander';
import { AuditResult } from '../../../../shared/contract/audit';
import type { CliContext } from '../CliContext';
import { addHistoryListCommand, type HistoryFilterFlags, historyFilterArgs } from '../flagValues';

const RESULT_HELP = 'only this outcome: started | succeeded | failed | refused';

/** `--result` checked here so a typo is a usage error (exit 2) naming the choices. */
function resultFilter(cli: CliContext, value: string | undefined): AuditResult | undefined {
  if (value === undefined) return undefined;
  const parsed = AuditResult.safeParse(value);
  if (!parsed.success)
    cli.fail({ ok: false, code: 'INVALID_ARGUMENT', message: `--result must be one of ${AuditResult.options.join(', ')}.` });
  return parsed.data;
}

export function registerAuditCommands(program: Command, cli: CliContext): void {
  const audit = program
    .command('audit')
    .description('audit log of destructive actions (restore, rollback, migrate, repair, prune, delete)');
  addHistoryListCommand(audit, {
    description: 'recent audit entries, newest first',
    filters: [
      ['--action <action>', 'only this action (e.g. restore, migrate)'],
      ['--result <result>', RESULT_HELP],
    ],
    items: 'entries',
    defaultLimit: 100,
  }).action(async (o: HistoryFilterFlags & { action?: string; result?: string }) => {
    const filters = { ...historyFilterArgs(o), action: o.action, result: resultFilter(cli, o.result) };
    cli.outputList(
      await cli.call('audit.list', filters),
      (e) => `${e.at.slice(0, 19).replace('T', ' ')}  ${e.result.padEnd(9)} ${e.action.padEnd(18)} ${e.actor}  ${e.target ?? ''}`,
      'The audit log is empty.',
    );
  });
  audit
    .command('export')
    .description('write the audit log as CSV or JSON')
    .option('--format <format>', 'csv | json', 'csv')
    .option('--out <file>', 'write to this file instead of stdout (never overwrites)')
    .option('--action <action>', 'only this action')
    .option('--profile <id>', 'only this profile id')
    .option('--result <result>', RESULT_HELP)
    .action(async (o: { format: string; out?: string; action?: string; profile?: string; result?: string }) => {
      const r = await cli.call('audit.export', {
        format: o.format as 'csv' | 'json',
        action: o.action,
        profileId: o.profile,
        result: resultFilter(cli, o.result),
        limit: 100_000,
      });
      if (o.out) {
        fs.writeFileSync(o.out, r.content, { flag: 'wx', mode: 0o600 });
        cli.output({ file: o.out, format: r.format }, (v) => `Wrote ${v.file}`);
      } else {
        cli.stdout.write(r.content);
      }
    });
}
