import net from 'node:net';
import { createTransport } from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MailpitClient } from '../../../src/main/features/mail/mailpit/MailpitClient';
import type { AppEvent } from '../../../src/shared/contract/events';
import type { CaptureStatus } from '../../../src/shared/contract/mail';
import { createTestApp, type TestApp } from '../../fixtures/app';

/**
 * The real state of a watched source's websocket (`mail.watch`), which drives the viewer's "live" badge, and
 * changes made elsewhere (`mail.changed`), against the built-in capture and an address where nothing listens.
 */
let t: TestApp;
let capture: CaptureStatus;
const events: AppEvent[] = [];
let off: () => void = () => {};

const watchStates = (source: string) => events.flatMap((e) => (e.type === 'mail.watch' && e.source === source ? [e.state] : []));
const changes = (source: string) => events.flatMap((e) => (e.type === 'mail.changed' && e.source === source ? [e.change] : []));

/** A loopback port with nothing listening on it (bound, then released). */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function send(subject: string): Promise<void> {
  const transport = createTransport({ host: '127.0.0.1', port: capture.smtpPort as number, secure: false, ignoreTLS: true });
  try {
    await transport.sendMail({ from: 'a@sysndd.test', to: 'b@sysndd.test', subject, text: subject });
  } finally {
    transport.close();
  }
}

beforeAll(async () => {
  t = createTestApp();
  off = t.app.events.subscribe((e) => events.push(e));
  capture = await t.ok('mail.capture.start', { smtpPort: 0, httpPort: 0, maxMessageBytes: 64 * 1024, maxMessages: 50 });
});
afterAll(async () => {
  off();
  await t?.close();
});

describe('mail.messages.watch state and changes', () => {
  it('an unreachable Mailpit is reported as failed, never connected', async () => {
    const url = `http://127.0.0.1:${await closedPort()}`;
    const r = await t.ok('mail.messages.watch', { source: { kind: 'url', url } });
    expect(r).toMatchObject({ source: `url:${url}`, watching: true });
    expect(['connecting', 'failed']).toContain(r.state);
    await expect.poll(() => watchStates(r.source), { timeout: 5_000 }).toContain('failed');
    const failed = events.find((e) => e.type === 'mail.watch' && e.source === r.source && e.state === 'failed');
    expect(failed).toMatchObject({ detail: expect.stringMatching(/ECONNREFUSED/) });
    await new Promise((resolve) => setTimeout(resolve, 700)); // a few retries with backoff
    expect(watchStates(r.source)).not.toContain('connected');
    // Asking again returns the real state instead of pretending.
    expect((await t.ok('mail.messages.watch', { source: { kind: 'url', url } })).state).toBe('failed');
  });

  it('the capture goes connected → reconnecting → failed when stopped, and connected again on a new port', async () => {
    const source = { kind: 'capture' } as const;
    await t.ok('mail.messages.watch', { source });
    await expect.poll(() => watchStates('capture'), { timeout: 5_000 }).toEqual(['connected']);
    expect((await t.ok('mail.messages.watch', { source })).state).toBe('connected');

    await t.ok('mail.capture.stop', {});
    await expect.poll(() => watchStates('capture'), { timeout: 5_000 }).toEqual(['connected', 'reconnecting', 'failed']);
    const failed = events.filter((e) => e.type === 'mail.watch' && e.state === 'failed').at(-1);
    expect(failed).toMatchObject({ detail: expect.stringMatching(/not available/) });

    capture = await t.ok('mail.capture.start', { smtpPort: 0, httpPort: 0, maxMessageBytes: 64 * 1024, maxMessages: 50 });
    await expect.poll(() => watchStates('capture').at(-1), { timeout: 10_000 }).toBe('connected');
  });

  it('forwards deletes, read changes and "delete all" made elsewhere as mail.changed', async () => {
    await send('Changed elsewhere 1');
    await send('Changed elsewhere 2');
    await expect
      .poll(() => events.filter((e) => e.type === 'mail.captured' && e.source === 'capture').length, { timeout: 5_000 })
      .toBe(2);
    // Another client of the same API (Mailpit's own UI, a second console): not through our operations.
    const other = new MailpitClient(capture.url as string);
    const ids = (await other.list()).messages.map((m) => m.ID);
    await other.setRead([ids[0] as string], true);
    await expect.poll(() => changes('capture'), { timeout: 5_000 }).toEqual(['update']);
    await other.deleteMessages([ids[0] as string]);
    await expect.poll(() => changes('capture'), { timeout: 5_000 }).toEqual(['update', 'delete']);
    const res = await fetch(new URL('api/v1/messages', capture.url as string), { method: 'DELETE' });
    expect(res.status).toBe(200);
    await expect.poll(() => changes('capture'), { timeout: 5_000 }).toEqual(['update', 'delete', 'truncate']);
    expect((await other.list()).total).toBe(0);
  });
});
