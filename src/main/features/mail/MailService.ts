import type { AppEvent } from '../../../shared/contract/events';
import type { JobSnapshot } from '../../../shared/contract/jobs';
import {
  type MailMessageView,
  type MailSendResult,
  type MailSource,
  mailSourceKey,
  type SmtpDiagnosis,
  type SmtpTargetRef,
  type TemplateId,
} from '../../../shared/contract/mail';
import { AppError } from '../../core/AppError';
import { APP_VERSION } from '../../platform/version';
import { MailCapture } from './capture/MailCapture';
import type { MailServiceDeps } from './MailServiceDeps';
import { MailpitClient } from './mailpit/MailpitClient';
import { type EventEndpoint, MailpitEventStream, type StreamState } from './mailpit/MailpitEvents';
import { countRemoteImages, inlineRemoteImages, type RemoteImageOptions } from './preview/remoteImages';
import { runRoundtrip } from './roundtrip';
import { diagnoseSmtp } from './smtp/smtpDiagnosis';
import { type SendOptions, sendMail } from './smtp/smtpSend';
import { resolveSmtpTarget } from './smtp/smtpTarget';
import { renderTemplate } from './templates/templates';

/** Inline images larger than this stay as `cid:` links in the preview rather than bloating the payload. */
const MAX_INLINE_PREVIEW_BYTES = 5 * 1024 * 1024;

type MailChange = Extract<AppEvent, { type: 'mail.changed' }>['change'];
/** Mailpit event types that change what a list shows without adding a message. */
const CHANGES = new Set<string>(['delete', 'update', 'truncate', 'prune'] satisfies MailChange[]);

/**
 * The mail capability behind `app.mail`: SMTP diagnosis and sending, SysNDD's templates, the round-trip job,
 * the Mailpit/capture viewer (through one Mailpit API client) with live updates, and the built-in capture.
 */
export class MailService {
  readonly capture: MailCapture;
  private readonly watchers = new Map<string, MailpitEventStream>();
  /**
   * Options of "Load remote images". Only tests change it (`allowOrigins` for a local image server); the
   * product keeps the default, which refuses loopback, private and link-local addresses.
   */
  remoteImageOptions: RemoteImageOptions = {};

  /** `app`: the collaborators the App passes in (MailServiceDeps), not the App itself. */
  constructor(private readonly app: MailServiceDeps) {
    this.capture = new MailCapture(app.store);
    app.onClose(() => this.close());
  }

  /** A headless machine often has no OS keyring: a profile's SMTP password then comes from SMTP_PASSWORD or a prompt, like MySQL's. */
  private target(ref: SmtpTargetRef) {
    return resolveSmtpTarget(ref, this.app.profiles, (id) => this.app.connections.secretSources.get(id, 'smtp.password'));
  }

  async diagnose(ref: SmtpTargetRef, options: SendOptions): Promise<SmtpDiagnosis> {
    const target = await this.target(ref);
    return diagnoseSmtp(target, options);
  }

  /** Send the SMTP test mail or a SysNDD template for real (verify() alone proves nothing about delivery). */
  async send(
    ref: SmtpTargetRef,
    mail: { to: string; templateId: TemplateId; data?: Record<string, string> },
    options: SendOptions,
  ): Promise<MailSendResult> {
    const target = await this.target(ref);
    const data =
      mail.templateId === 'smtp-test'
        ? {
            sender: `SysNDD Admin ${APP_VERSION} (${target.label})`,
            target: `${target.host}:${target.port} (${target.security})`,
            sentAt: new Date().toISOString(),
            ...mail.data,
          }
        : mail.data;
    const rendered = renderTemplate(mail.templateId, data);
    return sendMail(
      target,
      {
        to: mail.to,
        subject: rendered.subject,
        text: rendered.text,
        html: rendered.html,
        headers: { 'X-SysNDD-Admin-Template': mail.templateId },
      },
      options,
    );
  }

  async roundtrip(
    args: { target: SmtpTargetRef; source: MailSource; to?: string; waitMs: number } & SendOptions,
  ): Promise<JobSnapshot> {
    // Resolve everything first so configuration mistakes fail the call, not a job.
    const target = await this.target(args.target);
    const client = this.client(args.source);
    const sourceKey = mailSourceKey(args.source);
    const profileId =
      'profileId' in args.target ? args.target.profileId : args.source.kind === 'profile' ? args.source.profileId : null;
    return this.app.jobs.start({
      kind: 'mail.roundtrip',
      title: `Mail round trip ${target.host}:${target.port} → ${sourceKey}`,
      profileId,
      run: (ctx) =>
        runRoundtrip(
          {
            target,
            client,
            sourceKey,
            events: this.endpointFor(args.source),
            to: args.to ?? target.from,
            waitMs: args.waitMs,
            send: { timeoutMs: args.timeoutMs, allowUnverifiedTls: args.allowUnverifiedTls },
          },
          ctx,
        ),
    });
  }

  /** The Mailpit API client for a source (the capture serves the same API on loopback). */
  client(source: MailSource): MailpitClient {
    if (source.kind === 'capture') {
      const url = this.capture.url;
      if (!url) {
        throw new AppError(
          'PRECONDITION_FAILED',
          'The built-in capture is not running: start it (Mail page or `sysndd-admin mail capture`) or choose a Mailpit.',
        );
      }
      return new MailpitClient(url);
    }
    if (source.kind === 'url') return new MailpitClient(source.url);
    const profile = this.app.profiles.get(source.profileId);
    if (!profile.mailpit) {
      throw new AppError(
        'PRECONDITION_FAILED',
        `Profile "${profile.name}" has no Mailpit URL; add it in the profile editor (e.g. http://localhost:8025).`,
      );
    }
    return new MailpitClient(profile.mailpit.url);
  }

  /** Where a source's events websocket is right now (null while the capture is stopped). */
  private endpointFor(source: MailSource): () => EventEndpoint | null {
    return () => {
      try {
        const c = this.client(source);
        return { url: c.eventsUrl, authorization: c.authHeader };
      } catch {
        return null;
      }
    };
  }

  /**
   * Forward a source's Mailpit events until the app closes: `new` as `mail.captured`, delete/update/truncate/
   * prune as `mail.changed`, and the websocket's own state as `mail.watch`. Returns the current state so a
   * viewer that mounts after the stream connected still knows it.
   */
  watch(source: MailSource): { source: string } & StreamState {
    const key = mailSourceKey(source);
    let stream = this.watchers.get(key);
    if (!stream) {
      stream = new MailpitEventStream(
        this.endpointFor(source),
        (event) => {
          const data = event.Data as { ID?: unknown } | undefined;
          if (event.Type === 'new' && typeof data?.ID === 'string') {
            this.app.events.emit({ type: 'mail.captured', source: key, messageId: data.ID });
          } else if (CHANGES.has(event.Type)) {
            this.app.events.emit({ type: 'mail.changed', source: key, change: event.Type as MailChange });
          }
        },
        undefined,
        (state) => this.app.events.emit({ type: 'mail.watch', source: key, ...state }),
      );
      this.watchers.set(key, stream);
      stream.start();
    }
    return { source: key, ...stream.state };
  }

  /** A message for the viewer: JSON, headers, and HTML whose `cid:` images point at data: URLs. */
  async view(source: MailSource, id: string, loadRemoteImages = false): Promise<MailMessageView> {
    const client = this.client(source);
    const [message, headers] = await Promise.all([client.message(id), client.headers(id)]);
    let previewHtml = message.HTML;
    const parts = [...message.Inline, ...message.Attachments].filter((p) => p.ContentID && p.Size <= MAX_INLINE_PREVIEW_BYTES);
    for (const part of parts) {
      if (!previewHtml.includes(`cid:${part.ContentID}`)) continue;
      const { contentType, data } = await client.part(message.ID, part.PartID);
      const dataUrl = `data:${contentType.split(';')[0]};base64,${data.toString('base64')}`;
      previewHtml = previewHtml.split(`cid:${part.ContentID}`).join(dataUrl);
    }
    if (loadRemoteImages) {
      const inlined = await inlineRemoteImages(previewHtml, this.remoteImageOptions);
      return { message, headers, previewHtml: inlined.html, remoteImages: inlined.report };
    }
    return { message, headers, previewHtml, remoteImages: { found: countRemoteImages(previewHtml), loaded: 0, failed: [] } };
  }

  async close(): Promise<void> {
    for (const w of this.watchers.values()) w.stop();
    this.watchers.clear();
    await this.capture.stop();
  }
}
