import type {
  MigrateResult,
  MigrationAttempt,
  MigrationDryRunReport,
  MigrationFileContent,
  MigrationFileStatus,
  MigrationLockState,
  MigrationRepairResult,
  MigrationStatus,
  MigrationValidateReport,
} from '../../../../shared/contract/index';
import { colors as pc } from '../colors';

const STATE_LABEL: Record<MigrationFileStatus['state'], string> = {
  pending: pc.yellow('pending'),
  applied: pc.green('applied'),
  'applied-no-checksum': pc.green('applied (no checksum)'),
  drifted: pc.red('DRIFTED'),
  failed: pc.red('FAILED'),
  interrupted: pc.red('INTERRUPTED'),
  running: pc.cyan('running'),
  missing: pc.magenta('missing file'),
};

export function renderLock(lock: MigrationLockState): string {
  if (!lock.held)
    return `lock ${lock.name}: free${lock.clusterWarning ? `\n${pc.yellow(`warning: ${lock.clusterWarning}`)}` : ''}`;
  const h = lock.holder;
  const who = h?.user ? `${h.user}@${h.host}` : 'an account this user cannot see (PROCESS privilege needed)';
  const run = lock.holderRun
    ? ` — ${lock.holderRun.tool} run by ${lock.holderRun.appliedBy} on ${lock.holderRun.clientHost}, applying ${lock.holderRun.filename}`
    : '';
  return `lock ${lock.name}: ${pc.cyan('HELD')} by connection ${h?.connectionId} (${who}${h?.timeSeconds !== null && h?.timeSeconds !== undefined ? `, ${h.timeSeconds} s in state` : ''})${run}`;
}

export function renderStatus(s: MigrationStatus): string {
  const lines = [
    `${pc.bold(s.database)}  folder ${s.migrationsDir}`,
    `applied ${s.counts.applied}, pending ${s.counts.pending}, failed ${s.counts.failed}, drifted ${s.counts.drifted}, no checksum ${s.counts.noChecksum}, missing ${s.counts.missing}${s.upToDate ? pc.green('  — up to date') : ''}`,
    renderLock(s.lock),
    '',
  ];
  const width = Math.max(10, ...s.files.map((f) => f.filename.length));
  for (const f of s.files) {
    const when = f.appliedAt ? f.appliedAt.replace('T', ' ').slice(0, 19) : '';
    const extra = f.lastAttempt ? `  ${f.lastAttempt.summary}` : f.outOfOrder ? '  (out of order)' : '';
    lines.push(`  ${f.filename.padEnd(width)}  ${STATE_LABEL[f.state]}  ${when}${extra}`);
  }
  for (const p of s.problems)
    lines.push(`${p.severity === 'error' ? pc.red('error') : pc.yellow('warning')} [${p.code}] ${p.message}`);
  return lines.join('\n');
}

export function renderMigrate(r: MigrateResult): string {
  if (r.applied.length === 0)
    return r.fastPath
      ? 'Up to date (nothing pending).'
      : 'Up to date (another runner applied the pending files while we waited).';
  const lines = r.applied.map(
    (a) => `  applied ${a.filename} (${a.statements} statement${a.statements === 1 ? '' : 's'}, ${a.executionMs} ms)`,
  );
  if (r.lockWaitMs && r.lockWaitMs >= 500)
    lines.unshift(`waited ${Math.round(r.lockWaitMs / 100) / 10} s for the migration lock`);
  for (const w of r.warnings) lines.push(pc.yellow(`warning: ${w}`));
  if (r.preMigrationBackup) lines.push(`pre-migration backup: ${r.preMigrationBackup}`);
  return lines.join('\n');
}

export function renderValidate(v: MigrationValidateReport): string {
  const lines = [
    v.valid
      ? pc.green(`valid (${v.warnings} warning${v.warnings === 1 ? '' : 's'})`)
      : pc.red(`INVALID: ${v.errors} error(s), ${v.warnings} warning(s)`),
  ];
  for (const p of v.problems) {
    lines.push(`${p.severity === 'error' ? pc.red('error') : pc.yellow('warning')} [${p.code}] ${p.message}`);
    if (p.diff) lines.push(p.diff.trimEnd());
  }
  return lines.join('\n');
}

const FLAG: Record<string, string> = {
  'implicit-commit': pc.red('[implicit commit]'),
  transactional: pc.green('[transactional]'),
  'transaction-control': pc.cyan('[transaction control]'),
};

export function renderDryRun(r: MigrationDryRunReport): string {
  const lines = [
    `${r.totals.files} file(s), ${r.totals.statements} statement(s), ${r.totals.implicitCommit} commit implicitly${r.againstDatabase ? '' : ' (planned without a database: every file shown)'}`,
  ];
  for (const f of r.files) {
    lines.push('', pc.bold(`${f.filename}${f.fromStatement > 1 ? ` (resume from statement ${f.fromStatement})` : ''}`));
    if (f.error) lines.push(pc.red(`  cannot run: ${f.error}`));
    for (const s of f.statements) {
      const skipped = s.index < f.fromStatement ? pc.dim(' (already committed)') : '';
      lines.push(`  ${s.index}. line ${s.startLine} ${FLAG[s.behaviour] ?? s.behaviour} ${s.verb} — ${s.reason}${skipped}`);
      lines.push(...s.text.split('\n').map((l) => `       ${pc.dim(l)}`));
    }
    for (const w of f.warnings) lines.push(pc.yellow(`  warning: ${w}`));
  }
  for (const p of r.problems)
    lines.push(`${p.severity === 'error' ? pc.red('error') : pc.yellow('warning')} [${p.code}] ${p.message}`);
  return lines.join('\n');
}

export function renderRepair(r: MigrationRepairResult): string {
  return [
    r.message,
    ...r.changed.map((c) => `  ${c}`),
    ...r.skipped.map((s) => pc.dim(`  skipped ${s.filename}: ${s.reason}`)),
  ].join('\n');
}

export function renderHistory(list: MigrationAttempt[]): string {
  if (list.length === 0) return 'No journal entries yet.';
  return list
    .map(
      (a) =>
        `${a.startedAt.replace('T', ' ').slice(0, 19)}  ${a.action.padEnd(15)} ${a.state.padEnd(9)} ${a.filename}  ${a.summary}  (${a.appliedBy}, ${a.tool})`,
    )
    .join('\n');
}

export function renderFile(f: MigrationFileContent): string {
  const lines = [pc.bold(`${f.filename}  sha256 ${f.checksum}`), f.text.trimEnd()];
  if (f.diff) lines.push('', pc.yellow('changed since it was applied:'), f.diff.trimEnd());
  return lines.join('\n');
}
