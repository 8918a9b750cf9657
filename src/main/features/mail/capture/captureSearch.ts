import { AppError } from '../../../core/AppError';

export interface SqlFilter {
  where: string;
  params: Array<string | number>;
}

interface Term {
  negate: boolean;
  field: string | null;
  value: string;
}

/** Split a Mailpit search string into terms: `-`/`!` negates, `field:value`, quotes group phrases. */
export function tokenizeSearch(query: string): Term[] {
  const terms: Term[] = [];
  const re = /([-!])?(?:([a-zA-Z-]+):)?(?:"([^"]*)"|(\S+))/g;
  for (let m = re.exec(query); m; m = re.exec(query)) {
    const value = m[3] ?? m[4] ?? '';
    if (!value && !m[2]) continue;
    terms.push({ negate: Boolean(m[1]), field: m[2]?.toLowerCase() ?? null, value });
  }
  return terms;
}

const ADDRESS_COLUMNS: Record<string, string[]> = {
  from: ['from_json'],
  to: ['to_json'],
  cc: ['cc_json'],
  bcc: ['bcc_json'],
  'reply-to': ['reply_to_json'],
  addressed: ['from_json', 'to_json', 'cc_json', 'bcc_json', 'reply_to_json'],
};

function dateBound(value: string): string {
  const d = new Date(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value);
  if (Number.isNaN(d.getTime())) throw new AppError('INVALID_ARGUMENT', `Not a date in the search: "${value}" (use YYYY-MM-DD).`);
  return d.toISOString();
}

function bytes(value: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([kmg]?b?)?$/i.exec(value.trim());
  if (!m) throw new AppError('INVALID_ARGUMENT', `Not a size in the search: "${value}" (e.g. 100kb, 2mb).`);
  const unit = (m[2] ?? '').toLowerCase()[0];
  const factor = unit === 'k' ? 1024 : unit === 'm' ? 1024 ** 2 : unit === 'g' ? 1024 ** 3 : 1;
  return Math.round(Number(m[1]) * factor);
}

/**
 * The subset of Mailpit's search syntax the capture understands, as an SQL condition over its table: free
 * text, from: to: cc: bcc: reply-to: addressed: subject: message-id: tag: before: after: larger: smaller:
 * is:read is:unread is:tagged has:attachment(s). Unknown fields are refused so nothing silently matches all.
 */
export function searchToSql(query: string): SqlFilter {
  const clauses: string[] = [];
  const params: Array<string | number> = [];
  for (const t of tokenizeSearch(query)) {
    const v = t.value.toLowerCase();
    let clause: string;
    if (t.field === null) {
      clause = 'instr(search_text, ?) > 0';
      params.push(v);
    } else if (ADDRESS_COLUMNS[t.field]) {
      const cols = ADDRESS_COLUMNS[t.field] as string[];
      clause = `(${cols.map((c) => `instr(lower(${c}), ?) > 0`).join(' OR ')})`;
      for (const _ of cols) params.push(v);
    } else if (t.field === 'subject') {
      clause = 'instr(lower(subject), ?) > 0';
      params.push(v);
    } else if (t.field === 'message-id') {
      clause = 'lower(message_id) = ?';
      params.push(v.replace(/^<|>$/g, ''));
    } else if (t.field === 'tag') {
      clause = 'EXISTS (SELECT 1 FROM json_each(tags_json) WHERE lower(json_each.value) = ?)';
      params.push(v);
    } else if (t.field === 'before' || t.field === 'after') {
      clause = t.field === 'before' ? 'created < ?' : 'created >= ?';
      params.push(dateBound(t.value));
    } else if (t.field === 'larger' || t.field === 'smaller') {
      clause = t.field === 'larger' ? 'size > ?' : 'size < ?';
      params.push(bytes(t.value));
    } else if (t.field === 'is' && (v === 'read' || v === 'unread')) {
      clause = v === 'read' ? 'read = 1' : 'read = 0';
    } else if (t.field === 'is' && v === 'tagged') {
      clause = "tags_json <> '[]'";
    } else if (t.field === 'has' && /^(attachments?|inlines?)$/.test(v)) {
      const inline = v.startsWith('inline');
      clause = `EXISTS (SELECT 1 FROM json_each(attachments_json) WHERE json_extract(json_each.value, '$.inline') = ${inline ? 1 : 0})`;
    } else {
      throw new AppError('INVALID_ARGUMENT', `The capture does not support the search term "${t.field}:${t.value}".`);
    }
    clauses.push(t.negate ? `NOT ${clause}` : clause);
  }
  return { where: clauses.length ? clauses.join(' AND ') : '1 = 1', params };
}
