import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CaptureStatus, RoundtripResult } from '../../../src/shared/contract/mail';
import { createTestApp, type TestApp } from '../../fixtures/app';
import { type SmtpSink, startSmtpSink } from '../../fixtures/smtp';

/** The round-trip job (send a tagged mail, wait for it in the viewer's API) and Mailpit sources by profile/URL. */
let t: TestApp;
let capture: CaptureStatus;
let elsewhere: SmtpSink;

beforeAll(async () => {
  t = createTestApp();
  capture = await t.ok('mail.capture.start', { smtpPort: 0, httpPort: 0 });
  elsewhere = await startSmtpSink();
});
afterAll(async () => {
  await elsewhere?.stop();
  await t?.close();
});

const captureSmtp = () => ({
  smtp: { host: '127.0.0.1', port: capture.smtpPort as number, security: 'none' as const, from: 'rt@sysndd.test' },
});

describe('mail.roundtrip', () => {
  it('measures end-to-end latency through a profile (SMTP + Mailpit URL), seen live over the websocket', async () => {
    const profile = await t.ok('profiles.create', {
      profile: {
        name: 'dev-mail',
        mysql: { user: 'root' },
        smtp: { host: '127.0.0.1', port: capture.smtpPort as number, security: 'none', from: 'noreply@sysndd.test' },
        mailpit: { url: capture.url as string },
      },
    });
    const job = await t.ok('mail.roundtrip', {
      target: { profileId: profile.id },
      source: { kind: 'profile', profileId: profile.id },
    });
    expect(job.kind).toBe('mail.roundtrip');
    expect(job.profileId).toBe(profile.id);
    const done = await t.ok('jobs.wait', { id: job.id, timeoutMs: 20_000 });
    expect(done.state).toBe('succeeded');
    const result = done.result as RoundtripResult;
    expect(result.source).toBe(`profile:${profile.id}`);
    expect(result.detectedBy).toBe('websocket');
    // The capture announces a message before its SMTP reply reaches the sender, so delivery can beat sendMs.
    expect(result.deliveryMs).toBeGreaterThan(0);
    expect(result.sendMs).toBeGreaterThan(0);
    expect(result.deliveryMs).toBeLessThan(5_000);
    const found = await t.ok('mail.messages.list', {
      source: { kind: 'url', url: capture.url as string },
      query: `subject:${result.tag}`,
    });
    expect(found.messages.map((m) => m.ID)).toEqual([result.capturedId]);
    expect(found.messages[0]?.Tags).toEqual(['sysndd-admin-roundtrip']);
    const log = await t.ok('jobs.log', { id: job.id });
    expect(log.map((l) => l.message).join('\n')).toMatch(/end to end/);
  });

  it('fails with TIMEOUT when SMTP accepts the mail but it never reaches the viewer', async () => {
    const job = await t.ok('mail.roundtrip', {
      target: { smtp: { host: elsewhere.host, port: elsewhere.port, security: 'none', from: 'rt@sysndd.test' } },
      source: { kind: 'capture' },
      waitMs: 800,
    });
    const done = await t.ok('jobs.wait', { id: job.id, timeoutMs: 20_000 });
    expect(done.state).toBe('failed');
    expect(done.error?.code).toBe('TIMEOUT');
    expect(done.error?.message).toMatch(/did not appear in capture/);
    expect(elsewhere.messages.some((m) => /round trip rt-/.test(m.parsed.subject ?? ''))).toBe(true);
  });

  it('fails with the categorized SMTP cause when sending fails', async () => {
    const closed = await startSmtpSink();
    await closed.stop();
    const job = await t.ok('mail.roundtrip', {
      target: { smtp: { host: closed.host, port: closed.port, security: 'none', from: 'rt@sysndd.test' } },
      source: { kind: 'capture' },
    });
    const done = await t.ok('jobs.wait', { id: job.id, timeoutMs: 20_000 });
    expect(done.error?.code).toBe('SMTP_CONNECTION_FAILED');
  });

  it('refuses at once when the source is not usable (capture stopped, profile without Mailpit)', async () => {
    const noMailpit = await t.ok('profiles.create', { profile: { name: 'no-mailpit', mysql: { user: 'root' } } });
    const r = await t.call('mail.roundtrip', { target: captureSmtp(), source: { kind: 'profile', profileId: noMailpit.id } });
    expect(r).toMatchObject({ ok: false, code: 'PRECONDITION_FAILED' });
  });

  it('an unreachable Mailpit URL is MAILPIT_UNREACHABLE, a non-Mailpit URL is named as such', async () => {
    const closed = await startSmtpSink();
    await closed.stop();
    const r = await t.call('mail.messages.list', { source: { kind: 'url', url: `http://127.0.0.1:${closed.port}/` } });
    expect(r).toMatchObject({ ok: false, code: 'MAILPIT_UNREACHABLE' });
    if (!r.ok) expect(r.message).toMatch(/is Mailpit \(or the capture\) running/);
  });
});
