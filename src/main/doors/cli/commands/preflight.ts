import type { Command } from 'commander';
import { type FixPage, READINESS_DEFAULTS, type ReadinessReport } from '../../../../shared/contract/health';
import { type CliContext, CliExit } from '../CliContext';
import { colors } from '../colors';
import { EXIT } from '../exitCodes';
import { addDbTargetOptions, type DbTargetOptions } from '../target';

interface PreflightOptions extends DbTargetOptions {
  migrationsDir?: string;
  backupMaxAge?: string;
  timeout?: string;
}

/** The command that fixes a row, for people at a terminal (the GUI links the page instead). */
const FIX_COMMAND: Record<FixPage, string> = {
  connections: 'sysndd-admin connect test',
  migrations: 'sysndd-admin migrate status',
  backups: 'sysndd-admin backup create',
  mail: 'sysndd-admin mail test',
};

const MARK = {
  ok: colors.green('✓ ok  '),
  warn: colors.yellow('! warn'),
  fail: colors.red('✗ FAIL'),
  skipped: colors.dim('- skip'),
} as const;

/** One line per check, the detail and the fixing command under rows that need attention. */
export function renderReadiness(r: ReadinessReport): string {
  const verdict = r.ready ? colors.green('READY') : colors.red('NOT READY');
  const tally = `${r.counts.ok} ok, ${r.counts.warn} warning(s), ${r.counts.fail} failing, ${r.counts.skipped} skipped`;
  const lines = [`Preflight of "${r.profileName}" (${r.environment}): ${verdict} — ${tally}, ${Math.round(r.durationMs)} ms`];
  const width = Math.max(...r.checks.map((c) => c.label.length));
  for (const c of r.checks) {
    const ms = `${Math.round(c.durationMs)} ms`.padStart(8);
    const summary = c.status === 'skipped' ? colors.dim(c.summary) : c.summary;
    lines.push(
      `  ${MARK[c.status]}  ${c.label.padEnd(width)} ${ms}  ${summary}${c.code && c.status !== 'ok' ? ` [${c.code}]` : ''}`,
    );
    if (c.status === 'fail' || c.status === 'warn') {
      if (c.detail) lines.push(`            ${colors.dim(c.detail)}`);
      if (c.fixPage) lines.push(`            ${colors.yellow('→')} ${FIX_COMMAND[c.fixPage]}  (console: #/${c.fixPage})`);
    }
  }
  return lines.join('\n');
}

function numberOption(cli: CliContext, value: string | undefined, name: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n < min || n > max)
    cli.fail({ ok: false, code: 'INVALID_ARGUMENT', message: `${name} must be a number from ${min} to ${max}, got "${value}".` });
  return n;
}

export function registerPreflightCommands(program: Command, cli: CliContext): void {
  addDbTargetOptions(
    program
      .command('preflight')
      .description(
        'readiness checks (like SysNDD /health/ready): database, version, tunnel, pool, migrations, lock, backups, disk, SMTP, Mailpit; exit 0 ready, 1 not ready',
      ),
  )
    .option('--migrations-dir <dir>', 'migrations folder (default: the profile setting, else the bundled migrations/)')
    .option(
      '--backup-max-age <hours>',
      `warn when the newest backup is older than this (default ${READINESS_DEFAULTS.backupMaxAgeHours})`,
    )
    .option('--timeout <seconds>', `give up on a check after this long (default ${READINESS_DEFAULTS.timeoutMs / 1000})`)
    .addHelpText(
      'after',
      '\nExit codes: 0 ready (warnings allowed), 1 not ready (a check failed), 2 usage error.\nWith --json the whole report is printed as one JSON object.',
    )
    .action(async (o: PreflightOptions) => {
      const backupMaxAgeHours = numberOption(cli, o.backupMaxAge, '--backup-max-age', 0.01, 24 * 366);
      const timeoutSeconds = numberOption(cli, o.timeout, '--timeout', 0.2, 120);
      const profileId = await cli.resolveTarget(o);
      // Ask for a missing password before the checks start, so a prompt is not mistaken for a hung host.
      const app = await cli.app();
      await app.connections.secretSources.get(profileId, 'mysql.password').catch(() => null);
      const report = await cli.call('health.readiness', {
        profileId,
        migrationsDir: o.migrationsDir,
        backupMaxAgeHours,
        timeoutMs: timeoutSeconds === undefined ? undefined : Math.round(timeoutSeconds * 1000),
      });
      cli.output(report, renderReadiness);
      if (!report.ready) throw new CliExit(EXIT.FAILED);
    });
}
