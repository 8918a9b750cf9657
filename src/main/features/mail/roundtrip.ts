import crypto from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type { RoundtripResult } from '../../../shared/contract/mail';
import { MessageSummary } from '../../../shared/contract/mailpit';
import { AppError } from '../../core/AppError';
import type { JobContext } from '../../platform/jobs/JobRunner';
import type { MailpitClient } from './mailpit/MailpitClient';
import { type EventEndpoint, MailpitEventStream } from './mailpit/MailpitEvents';
import { type SendOptions, sendMail } from './smtp/smtpSend';
import type { SmtpTarget } from './smtp/smtpTarget';

interface Seen {
  id: string;
  at: number;
  by: 'websocket' | 'poll';
}

export interface RoundtripPlan {
  target: SmtpTarget;
  client: MailpitClient;
  sourceKey: string;
  events: () => EventEndpoint | null;
  to: string;
  waitMs: number;
  send: SendOptions;
}

/**
 * Send a uniquely tagged mail through the target's SMTP and wait until the Mailpit (or capture) API lists it.
 * Detection listens on the websocket and polls the search API as a fallback, whichever sees it first, so a
 * Mailpit behind a proxy without websocket support still completes.
 */
export async function runRoundtrip(plan: RoundtripPlan, ctx: JobContext): Promise<RoundtripResult> {
  const t0 = performance.now();
  const tag = `rt-${crypto.randomBytes(6).toString('hex')}`;
  const subject = `SysNDD Admin round trip ${tag}`;
  // Set from the websocket callback or the poll loop; read through seen() so TypeScript does not narrow it away.
  let seenBy: Seen | null = null;
  const seen = (): Seen | null => seenBy;
  let wake: (() => void) | null = null;

  const stream = new MailpitEventStream(plan.events, (event) => {
    if (event.Type !== 'new' || seen()) return;
    const summary = MessageSummary.safeParse(event.Data);
    if (summary.success && summary.data.Subject.includes(tag)) {
      seenBy = { id: summary.data.ID, at: performance.now(), by: 'websocket' };
      wake?.();
    }
  });
  try {
    ctx.progress({ stage: `connecting to ${plan.sourceKey} live updates`, done: 0, total: 3, unit: 'steps' });
    stream.start();
    const live = await stream.waitOpen(2_000);
    ctx.log(
      'info',
      live ? 'Listening for new mail on the events websocket.' : 'No events websocket; polling the search API instead.',
    );
    ctx.throwIfCancelled();

    ctx.progress({ stage: `sending through ${plan.target.host}:${plan.target.port}`, done: 1 });
    const sendStart = performance.now();
    const sent = await sendMail(
      plan.target,
      {
        to: plan.to,
        subject,
        text: `Round trip test ${tag} from SysNDD Admin.\nSent at ${new Date().toISOString()}.\n`,
        html: `<p>Round trip test <code>${tag}</code> from SysNDD Admin.</p>`,
        headers: { 'X-SysNDD-Admin-Roundtrip': tag, 'X-Tags': 'sysndd-admin-roundtrip' },
      },
      plan.send,
    );
    const sendMs = Math.round(performance.now() - sendStart);
    ctx.log('info', `SMTP accepted the mail in ${sendMs} ms (${sent.response}).`);

    ctx.progress({ stage: `waiting for the mail in ${plan.sourceKey}`, done: 2 });
    const deadline = sendStart + plan.waitMs;
    let pollEvery = 150;
    while (!seen()) {
      ctx.throwIfCancelled();
      const page = await plan.client.search({ query: `subject:"${tag}"`, limit: 1 }).catch((err: unknown) => {
        ctx.log('warn', `Search failed: ${err instanceof Error ? err.message : String(err)}`);
        return null;
      });
      const hit = page?.messages[0];
      if (hit && !seen()) seenBy = { id: hit.ID, at: performance.now(), by: 'poll' };
      if (seen()) break;
      const left = deadline - performance.now();
      if (left <= 0) {
        throw new AppError(
          'TIMEOUT',
          `SMTP accepted the mail (${tag}) but it did not appear in ${plan.sourceKey} within ${Math.round(plan.waitMs / 1000)} s. ` +
            'Check that this SMTP server delivers into that Mailpit (or capture), e.g. that SysNDD points at the same one.',
          { tag, messageId: sent.messageId },
        );
      }
      await Promise.race([
        sleep(Math.min(pollEvery, left), undefined, { signal: ctx.signal }).catch(() => undefined),
        new Promise<void>((resolve) => {
          wake = resolve;
        }),
      ]);
      wake = null;
      pollEvery = Math.min(pollEvery * 2, 1_000);
    }
    const found = seen() as Seen;
    const result: RoundtripResult = {
      tag,
      source: plan.sourceKey,
      messageId: sent.messageId,
      capturedId: found.id,
      sendMs,
      deliveryMs: Math.round(found.at - sendStart),
      totalMs: Math.round(performance.now() - t0),
      detectedBy: found.by,
    };
    ctx.progress({ stage: `seen after ${result.deliveryMs} ms (${found.by})`, done: 3 });
    ctx.log('info', `Round trip ${tag}: ${result.deliveryMs} ms end to end, detected by ${found.by}.`);
    return result;
  } finally {
    stream.stop();
  }
}
