import type { AuditEntry } from './AuditLog';

const COLUMNS = ['id', 'at', 'updatedAt', 'actor', 'door', 'action', 'profileId', 'target', 'result', 'details'] as const;

/** RFC 4180 quoting; cells starting with = + - @ are prefixed so spreadsheets never evaluate them. */
function csvCell(value: unknown): string {
  let text = value === null || value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function auditToCsv(entries: AuditEntry[]): string {
  const lines = [COLUMNS.join(',')];
  for (const e of entries) lines.push(COLUMNS.map((c) => csvCell(e[c])).join(','));
  return `${lines.join('\r\n')}\r\n`;
}

export function auditToJson(entries: AuditEntry[]): string {
  return `${JSON.stringify(entries, null, 2)}\n`;
}
