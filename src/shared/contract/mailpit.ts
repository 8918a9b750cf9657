import { z } from 'zod';

/**
 * The shapes of Mailpit's REST API v1 (see shared/ref/mailpit-swagger.json), as the viewer uses them. The
 * built-in capture serves the same shapes, so one client and one viewer work against either. Go encodes an
 * empty slice as `null`, so list fields accept null and come out as [].
 */
const list = <T extends z.ZodType>(item: T) =>
  z
    .array(item)
    .nullish()
    .transform((v) => v ?? []);

export const MailAddress = z.object({ Name: z.string().default(''), Address: z.string().default('') });
export type MailAddress = z.infer<typeof MailAddress>;

/** What a message in a listing and a whole message both carry: ids, addresses, subject, tags, size. */
const Envelope = {
  ID: z.string(),
  MessageID: z.string().default(''),
  From: MailAddress.nullish().transform((v) => v ?? { Name: '', Address: '' }),
  To: list(MailAddress),
  Cc: list(MailAddress),
  Bcc: list(MailAddress),
  ReplyTo: list(MailAddress),
  Subject: z.string().default(''),
  Tags: list(z.string()),
  Username: z.string().default(''),
  Size: z.number().default(0),
};

export const MessageSummary = z.object({
  ...Envelope,
  Read: z.boolean().default(false),
  /** When the server received it (RFC 3339). */
  Created: z.string(),
  /** Number of attachments. */
  Attachments: z.number().default(0),
  Snippet: z.string().default(''),
});
export type MessageSummary = z.output<typeof MessageSummary>;

export const MessagesSummary = z.object({
  total: z.number(),
  unread: z.number(),
  messages_count: z.number(),
  messages_unread: z.number().default(0),
  start: z.number().default(0),
  tags: list(z.string()),
  messages: list(MessageSummary),
});
export type MessagesSummary = z.output<typeof MessagesSummary>;

export const MailAttachment = z.object({
  PartID: z.string(),
  FileName: z.string().default(''),
  ContentType: z.string().default('application/octet-stream'),
  ContentID: z.string().default(''),
  Size: z.number().default(0),
});
export type MailAttachment = z.output<typeof MailAttachment>;

export const MailMessage = z.object({
  ...Envelope,
  ReturnPath: z.string().default(''),
  Date: z.string().default(''),
  Text: z.string().default(''),
  /** Raw, unsanitised HTML: never render it outside the sandboxed preview. */
  HTML: z.string().default(''),
  Inline: list(MailAttachment),
  Attachments: list(MailAttachment),
});
export type MailMessage = z.output<typeof MailMessage>;

/** Header name → values (Mailpit returns the keys in alphabetical order). */
export const MailHeaders = z.record(z.string(), z.array(z.string()));
export type MailHeaders = z.infer<typeof MailHeaders>;

/** One frame of Mailpit's `/api/events` websocket. */
export const MailpitEvent = z.object({ Type: z.string(), Data: z.unknown().optional() });
export type MailpitEvent = z.infer<typeof MailpitEvent>;
