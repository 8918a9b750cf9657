import type { MailSendResult, MessagesSummary, SmtpDiagnosis } from '../../../../shared/contract/index';

/** Human renderings for `sysndd-admin mail …` (JSON output is the contract value itself). */

const MARK = { ok: '✓', warning: '!', failed: '✗', skipped: '-' } as const;

export function renderDiagnosis(r: SmtpDiagnosis): string {
  const t = r.target;
  const lines = [`SMTP test of ${t.host}:${t.port} (security ${t.security}${t.user ? `, user ${t.user}` : ''}, from ${t.from})`];
  const width = Math.max(...r.stages.map((s) => s.title.length));
  for (const s of r.stages) {
    const ms = s.latencyMs === null ? '' : `${s.latencyMs.toFixed(1)} ms`;
    lines.push(`  ${MARK[s.status]} ${s.title.padEnd(width)}  ${ms.padStart(9)}  ${s.summary}`);
    if (s.tls) {
      lines.push(
        `      certificate: ${s.tls.subject ?? '?'} issued by ${s.tls.issuer ?? '?'}, valid to ${s.tls.validTo ?? '?'}, ${
          s.tls.verified ? 'verified' : `not verified (${s.tls.verifyError})`
        }`,
      );
    }
  }
  for (const w of r.warnings) lines.push(`  warning: ${w}`);
  if (r.failure) {
    lines.push(`FAILED [${r.failure.code}]: ${r.failure.message}`, `  → ${r.failure.hint}`);
  } else {
    lines.push(
      `OK: the server accepts us (${r.totalMs.toFixed(0)} ms). No mail was sent; use \`mail send\` for a real delivery.`,
    );
  }
  return lines.join('\n');
}

export function renderSend(r: MailSendResult): string {
  return [
    `Sent "${r.subject}" to ${r.to} via ${r.target.host}:${r.target.port} in ${r.latencyMs} ms.`,
    `  server: ${r.response}`,
    `  message id: ${r.messageId}`,
    r.rejected.length ? `  rejected: ${r.rejected.join(', ')}` : '',
  ]
    .filter(Boolean)
    .join('\n');
}

export function renderList(r: MessagesSummary): string {
  if (!r.messages.length) return `No messages (mailbox holds ${r.total}).`;
  const rows = r.messages.map((m) => {
    const when = m.Created.slice(0, 19).replace('T', ' ');
    const from = m.From.Address || '(no sender)';
    return `${m.Read ? ' ' : '*'} ${when}  ${m.ID.padEnd(22)}  ${from.padEnd(28).slice(0, 28)}  ${m.Subject}`;
  });
  const shown = `${r.start + 1}–${r.start + r.messages.length} of ${r.messages_count}`;
  return [...rows, `${shown} matching (${r.total} in the mailbox, ${r.unread} unread; * = unread)`].join('\n');
}
