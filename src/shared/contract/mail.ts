import { z } from 'zod';
import { Empty, Id, IsoDate, listLimit } from './common';
import { op } from './define';
import { MailWatchState } from './events';
import { JobSnapshot } from './jobs';
import { MailHeaders, MailMessage, MessagesSummary } from './mailpit';
import { SmtpSecurity, SmtpSettings } from './profiles';

/**
 * Which SMTP server to talk to: a saved profile's `smtp` settings (password from its `smtp.password`
 * secret), or ad-hoc settings (CLI `--smtp`, the capture's own port). Ad-hoc passwords live only for the call.
 */
export const SmtpTargetRef = z.union([
  z.object({ profileId: Id }).strict(),
  z.object({ smtp: SmtpSettings, password: z.string().max(4096).optional() }).strict(),
]);
export type SmtpTargetRef = z.input<typeof SmtpTargetRef>;

/** Options every SMTP exchange takes. */
const SmtpCallOptions = {
  /** Accept a certificate that does not verify (self-signed development servers). Reported either way. */
  allowUnverifiedTls: z.boolean().default(false),
  /** Limit for each phase (connect, greeting, each command). */
  timeoutMs: z.number().int().min(100).max(120_000).default(10_000),
};

/** Where captured mail is read from: the built-in capture, a profile's Mailpit, or a Mailpit URL. */
export const MailSource = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('capture') }).strict(),
  z.object({ kind: z.literal('profile'), profileId: Id }).strict(),
  z.object({ kind: z.literal('url'), url: z.url({ protocol: /^https?$/ }).max(2048) }).strict(),
]);
export type MailSource = z.infer<typeof MailSource>;

/** The stable name of a source, as carried by `mail.captured` events. */
export function mailSourceKey(source: MailSource): string {
  if (source.kind === 'capture') return 'capture';
  if (source.kind === 'profile') return `profile:${source.profileId}`;
  return `url:${source.url}`;
}

export const SmtpStageName = z.enum(['dns', 'connect', 'tls', 'greeting', 'ehlo', 'auth', 'mailFrom']);
export type SmtpStageName = z.infer<typeof SmtpStageName>;
export const SmtpStageStatus = z.enum(['ok', 'warning', 'failed', 'skipped']);
export type SmtpStageStatus = z.infer<typeof SmtpStageStatus>;

export const TlsDetails = z.object({
  protocol: z.string().nullable(),
  cipher: z.string().nullable(),
  subject: z.string().nullable(),
  issuer: z.string().nullable(),
  altNames: z.string().nullable(),
  validFrom: z.string().nullable(),
  validTo: z.string().nullable(),
  daysLeft: z.number().nullable(),
  fingerprint256: z.string().nullable(),
  /** Did the chain and the host name verify against the system's trusted CAs? */
  verified: z.boolean(),
  verifyError: z.string().nullable(),
});
export type TlsDetails = z.infer<typeof TlsDetails>;

export const SmtpStage = z.object({
  stage: SmtpStageName,
  title: z.string(),
  status: SmtpStageStatus,
  latencyMs: z.number().nullable(),
  /** What happened, in words. */
  summary: z.string(),
  tls: TlsDetails.optional(),
  capabilities: z.array(z.string()).optional(),
  reply: z.string().optional(),
});
export type SmtpStage = z.infer<typeof SmtpStage>;

/** A categorized SMTP failure with the low-level facts it was derived from. */
export const SmtpFailure = z.object({
  code: z.enum(['SMTP_CONNECTION_FAILED', 'SMTP_TLS_FAILED', 'SMTP_AUTH_FAILED', 'SMTP_TIMEOUT', 'SMTP_REJECTED']),
  message: z.string(),
  /** What to change, in words a person can act on. */
  hint: z.string(),
  cause: z.object({
    code: z.string().nullable(),
    errno: z.string().nullable(),
    command: z.string().nullable(),
    responseCode: z.number().nullable(),
    response: z.string().nullable(),
    message: z.string(),
  }),
});
export type SmtpFailure = z.infer<typeof SmtpFailure>;

export const SmtpEndpoint = z.object({
  host: z.string(),
  port: z.number(),
  security: SmtpSecurity,
  user: z.string().nullable(),
  from: z.string(),
});

export const SmtpDiagnosis = z.object({
  ok: z.boolean(),
  target: SmtpEndpoint,
  stages: z.array(SmtpStage),
  failure: SmtpFailure.nullable(),
  warnings: z.array(z.string()),
  totalMs: z.number(),
  startedAt: IsoDate,
});
export type SmtpDiagnosis = z.infer<typeof SmtpDiagnosis>;

export const TemplateId = z.enum(['smtp-test', 'registration-received', 'account-approved', 'password-reset']);
export type TemplateId = z.infer<typeof TemplateId>;
export const TemplateData = z.record(z.string().max(100), z.string().max(10_000));

export const MailTemplateInfo = z.object({
  id: TemplateId,
  name: z.string(),
  description: z.string(),
  fields: z.array(z.object({ key: z.string(), label: z.string(), sample: z.string(), url: z.boolean() })),
});
export type MailTemplateInfo = z.infer<typeof MailTemplateInfo>;

export const RenderedMail = z.object({ templateId: TemplateId, subject: z.string(), text: z.string(), html: z.string() });
export type RenderedMail = z.infer<typeof RenderedMail>;

export const MailSendResult = z.object({
  ok: z.literal(true),
  target: SmtpEndpoint,
  to: z.string(),
  subject: z.string(),
  messageId: z.string(),
  accepted: z.array(z.string()),
  rejected: z.array(z.string()),
  response: z.string(),
  latencyMs: z.number(),
});
export type MailSendResult = z.infer<typeof MailSendResult>;

export const RoundtripResult = z.object({
  tag: z.string(),
  source: z.string(),
  messageId: z.string(),
  capturedId: z.string(),
  /** The SMTP transaction alone (connect to accepted). */
  sendMs: z.number(),
  /** End-to-end latency: from starting the SMTP send until the Mailpit or capture listed the mail. */
  deliveryMs: z.number(),
  totalMs: z.number(),
  detectedBy: z.enum(['websocket', 'poll']),
});
export type RoundtripResult = z.infer<typeof RoundtripResult>;

export const CaptureStatus = z.object({
  running: z.boolean(),
  host: z.string(),
  smtpPort: z.number().nullable(),
  httpPort: z.number().nullable(),
  /** Base URL of its Mailpit-compatible API. */
  url: z.string().nullable(),
  maxMessageBytes: z.number(),
  maxMessages: z.number(),
  stored: z.number(),
  startedAt: IsoDate.nullable(),
});
export type CaptureStatus = z.infer<typeof CaptureStatus>;

export const MailMessageView = z.object({
  message: MailMessage,
  headers: MailHeaders,
  /** The HTML body with `cid:` images (and, when asked, remote images) as data: URLs, for the sandboxed preview only. */
  previewHtml: z.string(),
  /** Remote `<img>` URLs in the HTML; fetched only when `loadRemoteImages` was set. */
  remoteImages: z.object({ found: z.number(), loaded: z.number(), failed: z.array(z.string()) }),
});
export type MailMessageView = z.output<typeof MailMessageView>;

const SourceArg = { source: MailSource };
const MessageId = z.string().min(1).max(200);
const MessageIds = z.array(MessageId).min(1, 'Give at least one message id (an empty list would mean "all").').max(1000);

export const mailOperations = {
  'mail.test': op(
    'Diagnose an SMTP server stage by stage: DNS, TCP, TLS, greeting, EHLO, AUTH, sender (sends no mail)',
    z.object({ target: SmtpTargetRef, ...SmtpCallOptions }).strict(),
    SmtpDiagnosis,
    { risk: 'write' },
  ),
  'mail.send': op(
    'Send one real mail (the SMTP test mail or a SysNDD template with sample or given data)',
    z
      .object({
        target: SmtpTargetRef,
        to: z.email().max(320),
        templateId: TemplateId.default('smtp-test'),
        data: TemplateData.optional(),
        ...SmtpCallOptions,
      })
      .strict(),
    MailSendResult,
    { risk: 'write' },
  ),
  'mail.templates': op("SysNDD's user mails with their fields and sample data", Empty, z.array(MailTemplateInfo)),
  'mail.preview': op(
    'Render a template (sample data unless given) as subject, text and HTML',
    z.object({ templateId: TemplateId, data: TemplateData.optional() }).strict(),
    RenderedMail,
  ),
  'mail.roundtrip': op(
    'Send a uniquely tagged mail and wait until the Mailpit or capture lists it (job; reports end-to-end latency)',
    z
      .object({
        target: SmtpTargetRef,
        source: MailSource,
        to: z.email().max(320).optional(),
        waitMs: z.number().int().min(500).max(600_000).default(30_000),
        ...SmtpCallOptions,
      })
      .strict(),
    JobSnapshot,
    { risk: 'write' },
  ),
  'mail.messages.list': op(
    'List captured mail newest first, optionally filtered with Mailpit search syntax',
    z
      .object({
        ...SourceArg,
        query: z.string().max(1000).optional(),
        start: z.number().int().min(0).default(0),
        limit: listLimit(1000, 50),
      })
      .strict(),
    MessagesSummary,
  ),
  'mail.messages.get': op(
    'One message with headers and a preview-ready HTML body (Mailpit marks it read); remote images only on request',
    z.object({ ...SourceArg, id: MessageId, loadRemoteImages: z.boolean().default(false) }).strict(),
    MailMessageView,
  ),
  'mail.messages.raw': op(
    'The raw source of a message',
    z.object({ ...SourceArg, id: MessageId }).strict(),
    z.object({ raw: z.string(), size: z.number() }),
  ),
  'mail.messages.part': op(
    'One attachment or inline part, base64-encoded',
    z.object({ ...SourceArg, id: MessageId, partId: z.string().min(1).max(100) }).strict(),
    z.object({ contentType: z.string(), size: z.number(), base64: z.string() }),
  ),
  'mail.messages.delete': op(
    'Delete the selected messages (never all: an empty list is refused)',
    z.object({ ...SourceArg, ids: MessageIds }).strict(),
    z.object({ deleted: z.number() }),
    { risk: 'destructive' },
  ),
  'mail.messages.markRead': op(
    'Mark the selected messages read or unread',
    z.object({ ...SourceArg, ids: MessageIds, read: z.boolean() }).strict(),
    z.null(),
    { risk: 'write' },
  ),
  'mail.messages.watch': op(
    "Forward the source's live updates as mail.captured / mail.changed events, its websocket state as mail.watch (idempotent)",
    z.object(SourceArg).strict(),
    z.object({ source: z.string(), watching: z.literal(true), state: MailWatchState, detail: z.string().nullable() }),
  ),
  'mail.capture.start': op(
    'Start the built-in SMTP capture with its Mailpit-compatible API on loopback',
    z
      .object({
        smtpPort: z.number().int().min(0).max(65535).default(1025),
        httpPort: z.number().int().min(0).max(65535).default(8025),
        maxMessageBytes: z
          .number()
          .int()
          .min(1024)
          .max(200 * 1024 * 1024)
          .default(25 * 1024 * 1024),
        maxMessages: z.number().int().min(1).max(100_000).default(500),
      })
      .strict(),
    CaptureStatus,
    { risk: 'write' },
  ),
  'mail.capture.stop': op('Stop the built-in capture (stored mail is kept)', Empty, CaptureStatus, { risk: 'write' }),
  'mail.capture.status': op('Is the built-in capture running, and where', Empty, CaptureStatus),
} as const;
