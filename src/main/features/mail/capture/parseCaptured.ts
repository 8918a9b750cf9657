import crypto from 'node:crypto';
import type { AddressObject, ParsedMail } from 'mailparser';
import type { MailAddress } from '../../../../shared/contract/mailpit';

/** An attachment or inline part as stored: Mailpit's Attachment shape plus whether it is inline. */
export interface StoredPart {
  PartID: string;
  FileName: string;
  ContentType: string;
  ContentID: string;
  Size: number;
  Checksums: { MD5: string; SHA1: string; SHA256: string };
  inline: boolean;
}

/** A received message broken down into the columns the capture stores and serves. */
export interface CapturedMessage {
  id: string;
  messageId: string;
  created: string;
  subject: string;
  from: MailAddress;
  to: MailAddress[];
  cc: MailAddress[];
  bcc: MailAddress[];
  replyTo: MailAddress[];
  returnPath: string;
  date: string;
  username: string;
  tags: string[];
  size: number;
  snippet: string;
  parts: StoredPart[];
  headers: Record<string, string[]>;
  listUnsubscribe: { Header: string; HeaderPost: string };
  text: string;
  html: string;
  raw: Buffer;
}

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** A 22-character random id, like Mailpit's. */
export function newCaptureId(): string {
  const bytes = crypto.randomBytes(22);
  return Array.from(bytes, (b) => BASE62[b % 62]).join('');
}

/** Go's textproto canonical header key ("message-id" → "Message-Id"), which Mailpit's header map uses. */
export function canonicalHeaderKey(key: string): string {
  return key
    .toLowerCase()
    .split('-')
    .map((w) => (w ? (w[0] as string).toUpperCase() + w.slice(1) : w))
    .join('-');
}

function addresses(obj: AddressObject | AddressObject[] | undefined): MailAddress[] {
  const list = obj === undefined ? [] : Array.isArray(obj) ? obj : [obj];
  const out: MailAddress[] = [];
  const walk = (entries: AddressObject['value']) => {
    for (const a of entries) {
      if (a.group) walk(a.group);
      else out.push({ Name: a.name ?? '', Address: a.address ?? '' });
    }
  };
  for (const o of list) walk(o.value);
  return out;
}

/** Mailpit's snippet: the text (or tag-stripped HTML) with whitespace collapsed, at most 250 characters. */
export function snippetOf(text: string, html: string): string {
  const source = text.trim()
    ? text
    : html.replace(/<style[\s\S]*?<\/style>|<script[\s\S]*?<\/script>/gi, ' ').replace(/<[^>]+>/g, ' ');
  const flat = source.replace(/\s+/g, ' ').trim();
  return flat.length > 250 ? `${flat.slice(0, 250)}…` : flat;
}

function headerMap(parsed: ParsedMail): Record<string, string[]> {
  const map = new Map<string, string[]>();
  for (const { line } of parsed.headerLines) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const key = canonicalHeaderKey(line.slice(0, colon).trim());
    const value = line
      .slice(colon + 1)
      .replace(/\r?\n[ \t]+/g, ' ')
      .trim();
    map.set(key, [...(map.get(key) ?? []), value]);
  }
  return Object.fromEntries([...map.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

function digest(algo: string, data: Buffer): string {
  return crypto.createHash(algo).update(data).digest('hex');
}

/** Parse a raw message as it arrived over SMTP. `cid:` links stay as they are, as in Mailpit's HTML. */
export async function parseCaptured(
  raw: Buffer,
  envelope: { mailFrom: string; rcptTo: string[]; username: string },
  now = new Date(),
): Promise<CapturedMessage> {
  const { simpleParser } = await import('mailparser');
  const parsed = await simpleParser(raw, { keepCidLinks: true, skipTextToHtml: true, skipTextLinks: true });
  const to = addresses(parsed.to);
  const cc = addresses(parsed.cc);
  const listed = new Set([...to, ...cc].map((a) => a.Address.toLowerCase()));
  const headers = headerMap(parsed);
  const text = parsed.text ?? '';
  const html = typeof parsed.html === 'string' ? parsed.html : '';
  const parts: StoredPart[] = parsed.attachments.map((a, i) => ({
    PartID: String(i + 1),
    FileName: a.filename ?? '',
    ContentType: a.contentType || 'application/octet-stream',
    ContentID: a.cid ?? '',
    Size: a.size ?? a.content.length,
    Checksums: { MD5: digest('md5', a.content), SHA1: digest('sha1', a.content), SHA256: digest('sha256', a.content) },
    inline: Boolean(a.related || (a.contentDisposition === 'inline' && a.cid)),
  }));
  const xTags = (headers['X-Tags'] ?? [])
    .flatMap((v) => v.split(','))
    .map((t) => t.trim())
    .filter(Boolean);
  return {
    id: newCaptureId(),
    messageId: (parsed.messageId ?? '').replace(/^<|>$/g, ''),
    created: now.toISOString(),
    subject: parsed.subject ?? '',
    from: addresses(parsed.from)[0] ?? { Name: '', Address: envelope.mailFrom },
    to,
    cc,
    // Envelope recipients the headers do not name were blind copies.
    bcc: envelope.rcptTo.filter((r) => !listed.has(r.toLowerCase())).map((r) => ({ Name: '', Address: r })),
    replyTo: addresses(parsed.replyTo),
    returnPath: envelope.mailFrom,
    date: (parsed.date ?? now).toISOString(),
    username: envelope.username,
    tags: [...new Set(xTags)].sort(),
    size: raw.length,
    snippet: snippetOf(text, html),
    parts,
    headers,
    listUnsubscribe: { Header: headers['List-Unsubscribe']?.[0] ?? '', HeaderPost: headers['List-Unsubscribe-Post']?.[0] ?? '' },
    text,
    html,
    raw,
  };
}

/** The content of one part, re-parsed from the raw source (parts are not stored twice). */
export async function partContent(raw: Buffer, partId: string): Promise<{ contentType: string; content: Buffer } | null> {
  const { simpleParser } = await import('mailparser');
  const parsed = await simpleParser(raw, { keepCidLinks: true, skipHtmlToText: true, skipTextToHtml: true, skipTextLinks: true });
  const index = Number(partId) - 1;
  const a = Number.isInteger(index) ? parsed.attachments[index] : undefined;
  return a ? { contentType: a.contentType || 'application/octet-stream', content: a.content } : null;
}
