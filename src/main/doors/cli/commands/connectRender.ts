import type { ConnectionTestReport, KnownHost } from '../../../../shared/contract/connections';
import type { Profile } from '../../../../shared/contract/profiles';
import { colors } from '../colors';

/** The staged report as a person reads it: one line per stage, the cause under a failed one. */
export function renderTestReport(r: ConnectionTestReport): string {
  const head = `Connection test of "${r.profileName}": ${r.ok ? colors.green('OK') : colors.red('FAILED')} in ${r.totalMs} ms`;
  const width = Math.max(...r.stages.map((s) => s.label.length));
  const lines = [head];
  for (const s of r.stages) {
    const mark = s.status === 'ok' ? colors.green('✓') : s.status === 'failed' ? colors.red('✗') : colors.dim('-');
    const ms = s.latencyMs === null ? ''.padStart(9) : `${s.latencyMs.toFixed(1)} ms`.padStart(9);
    const detail = s.status === 'failed' ? `${s.code}: ${s.detail ?? ''}` : (s.detail ?? '');
    lines.push(`  ${mark} ${s.label.padEnd(width)} ${ms}  ${s.status === 'skipped' ? colors.dim(detail) : detail}`);
    if (s.status === 'failed' && s.cause) lines.push(`      ${colors.yellow('→')} ${s.cause}`);
  }
  if (r.grants.length) {
    lines.push('', 'Grants:');
    for (const g of r.grants) lines.push(`  ${g}`);
  }
  return lines.join('\n');
}

export function renderProfileRow(p: Profile): string {
  const target = `${p.mysql.user}@${p.mysql.host}:${p.mysql.port}${p.mysql.database ? `/${p.mysql.database}` : ''}`;
  const via = p.ssh ? ` via ${p.ssh.user}@${p.ssh.host}:${p.ssh.port}${p.ssh.jump ? ` (jump ${p.ssh.jump.host})` : ''}` : '';
  const env = p.environment === 'production' ? colors.red(p.environment) : p.environment;
  return `${p.name.padEnd(24)} ${env.padEnd(12)} ${target}${via}`;
}

export function renderProfile(p: Profile): string {
  const lines = [
    `${p.name}  (${p.environment})${p.color ? ` ${p.color}` : ''}`,
    `  id:        ${p.id}`,
    `  mysql:     ${p.mysql.user}@${p.mysql.host}:${p.mysql.port}${p.mysql.database ? `/${p.mysql.database}` : ''}  TLS ${p.mysql.tls}${p.mysql.caFile ? ` (CA ${p.mysql.caFile})` : ''}`,
  ];
  if (p.ssh) {
    const s = p.ssh;
    lines.push(
      `  ssh:       ${s.user}@${s.host}:${s.port}  auth ${s.auth}${s.privateKeyPath ? ` ${s.privateKeyPath}` : ''}  keepalive ${s.keepaliveSeconds}s`,
    );
    if (s.jump)
      lines.push(
        `  jump:      ${s.jump.user}@${s.jump.host}:${s.jump.port}  auth ${s.jump.auth}${s.jump.privateKeyPath ? ` ${s.jump.privateKeyPath}` : ''}`,
      );
  }
  if (p.localBackupDir) lines.push(`  backups:   ${p.localBackupDir}`);
  if (p.remoteBackupDir) lines.push(`  remote:    ${p.remoteBackupDir}`);
  const enc = p.backupEncryption;
  if (enc)
    lines.push(
      `  encrypt:   ${enc.askPassphrase ? 'age, passphrase asked at each backup' : `age to ${enc.recipients.join(', ')}`}`,
    );
  lines.push(`  migrations: ${p.migrationsDir ?? '(bundled)'}`);
  if (p.smtp)
    lines.push(
      `  smtp:      ${p.smtp.user ? `${p.smtp.user}@` : ''}${p.smtp.host}:${p.smtp.port} ${p.smtp.security}  from ${p.smtp.from}`,
    );
  if (p.mailpit) lines.push(`  mailpit:   ${p.mailpit.url}`);
  lines.push(`  secrets:   ${p.secrets.length ? p.secrets.join(', ') : '(none saved)'}`);
  return lines.join('\n');
}

export function renderKnownHosts(v: { entries: KnownHost[]; opensshFiles: Array<{ path: string; entries: number }> }): string {
  const lines = v.entries.length
    ? v.entries.map(
        (e) =>
          `${e.port === 22 ? e.host : `[${e.host}]:${e.port}`}  ${e.keyType}  ${e.fingerprint}  added ${e.addedAt.slice(0, 10)}`,
      )
    : ['No host keys pinned by the app yet.'];
  for (const f of v.opensshFiles) lines.push(`Also honoured: ${f.path} (${f.entries} entries, read-only)`);
  return lines.join('\n');
}
