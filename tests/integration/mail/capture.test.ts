import { createTransport } from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { MailpitClient } from '../../../src/main/features/mail/mailpit/MailpitClient';
import type { AppEvent } from '../../../src/shared/contract/events';
import type { CaptureStatus } from '../../../src/shared/contract/mail';
import { createTestApp, type TestApp } from '../../fixtures/app';
import { definitionValidators, errorsText, responseNameOf, responseValidators } from './mailpitSchemas';

/**
 * The built-in capture end to end: real SMTP in (nodemailer → smtp-server), stored in the app SQLite, served
 * as Mailpit's API on loopback and read back through the same MailpitClient the viewer uses for Mailpit.
 */
let t: TestApp;
let capture: CaptureStatus;
const source = { kind: 'capture' } as const;
// 1×1 transparent PNG, as an inline image and as an attachment.
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);

async function sendRich(subject: string, extra: { to?: string; bcc?: string; size?: number } = {}) {
  const transport = createTransport({ host: '127.0.0.1', port: capture.smtpPort as number, secure: false, ignoreTLS: true });
  try {
    return await transport.sendMail({
      from: '"Jane Curator" <jane@sysndd.test>',
      to: extra.to ?? 'Bob <bob@sysndd.test>',
      cc: 'carol@sysndd.test',
      bcc: extra.bcc,
      subject,
      text: `Plain body of ${subject}${'x'.repeat(extra.size ?? 0)}`,
      html: `<p>HTML body of <b>${subject}</b></p><img src="cid:logo@sysndd">`,
      headers: { 'X-Tags': 'sysndd, test' },
      attachments: [
        { filename: 'logo.png', content: PNG, cid: 'logo@sysndd' },
        { filename: 'report.csv', content: 'gene,disease\nARID1B,Coffin-Siris\n', contentType: 'text/csv' },
      ],
    });
  } finally {
    transport.close();
  }
}

beforeAll(async () => {
  t = createTestApp();
  capture = await t.ok('mail.capture.start', { smtpPort: 0, httpPort: 0, maxMessageBytes: 64 * 1024, maxMessages: 50 });
});
afterAll(async () => {
  await t?.close();
});

describe('built-in capture', () => {
  it('reports where it listens', async () => {
    expect(capture.running).toBe(true);
    expect(capture.host).toBe('127.0.0.1');
    expect(capture.url).toBe(`http://127.0.0.1:${capture.httpPort}/`);
    expect(await t.ok('mail.capture.status', {})).toMatchObject({ running: true, smtpPort: capture.smtpPort });
  });

  it('stores a message and serves it through the Mailpit API (list, message, headers, raw, parts)', async () => {
    const sent = await sendRich('Capture one', { bcc: 'hidden@sysndd.test' });
    const list = await t.ok('mail.messages.list', { source });
    const summary = list.messages.find((m) => m.Subject === 'Capture one');
    expect(summary).toBeDefined();
    expect(summary).toMatchObject({
      From: { Name: 'Jane Curator', Address: 'jane@sysndd.test' },
      To: [{ Name: 'Bob', Address: 'bob@sysndd.test' }],
      Cc: [{ Name: '', Address: 'carol@sysndd.test' }],
      Bcc: [{ Name: '', Address: 'hidden@sysndd.test' }],
      Read: false,
      Attachments: 1,
      Tags: ['sysndd', 'test'],
      MessageID: sent.messageId.replace(/^<|>$/g, ''),
    });
    expect(summary?.Snippet).toContain('Plain body of Capture one');

    const view = await t.ok('mail.messages.get', { source, id: summary?.ID as string });
    expect(view.message.Text).toContain('Plain body of Capture one');
    expect(view.message.HTML).toContain('cid:logo@sysndd'); // Raw HTML keeps cid: links, like Mailpit.
    expect(view.previewHtml).toContain(`data:image/png;base64,${PNG.toString('base64')}`);
    expect(view.previewHtml).not.toContain('cid:');
    expect(view.message.Inline).toHaveLength(1);
    expect(view.message.Attachments.map((a) => a.FileName)).toEqual(['report.csv']);
    expect(view.headers.Subject).toEqual(['Capture one']);
    expect(view.headers['Message-Id']).toEqual([sent.messageId]);
    expect(Object.keys(view.headers)).toEqual([...Object.keys(view.headers)].sort());

    const raw = await t.ok('mail.messages.raw', { source, id: summary?.ID as string });
    expect(raw.raw).toContain('Subject: Capture one');
    const csv = view.message.Attachments[0];
    const part = await t.ok('mail.messages.part', { source, id: summary?.ID as string, partId: csv?.PartID as string });
    expect(part.contentType).toMatch(/^text\/csv/);
    expect(Buffer.from(part.base64, 'base64').toString()).toContain('ARID1B,Coffin-Siris');
    // Opening a message marks it read (Mailpit does the same).
    const after = await t.ok('mail.messages.list', { source, query: 'subject:"Capture one"' });
    expect(after.messages[0]?.Read).toBe(true);
  });

  it('answers with JSON that validates against the schemas in Mailpit swagger (loose and strict)', async () => {
    await sendRich('Schema check');
    const api = capture.url as string;
    const get = async (path: string) => {
      const res = await fetch(new URL(path, api));
      expect(res.status).toBe(200);
      return res.json();
    };
    const list = await get('api/v1/messages?start=0&limit=10');
    const search = await get('api/v1/search?query=subject%3A%22Schema%20check%22');
    const id = (search as { messages: Array<{ ID: string }> }).messages[0]?.ID as string;
    const checks: Array<[string, unknown, ReturnType<typeof responseValidators>]> = [
      ['GET /api/v1/messages', list, responseValidators(responseNameOf('GET', '/api/v1/messages'))],
      ['GET /api/v1/search', search, responseValidators(responseNameOf('GET', '/api/v1/search'))],
      ['GET /api/v1/message/{ID}', await get(`api/v1/message/${id}`), definitionValidators('Message')],
      [
        'GET /api/v1/message/{ID}/headers',
        await get(`api/v1/message/${id}/headers`),
        responseValidators(responseNameOf('GET', '/api/v1/message/{ID}/headers')),
      ],
      ['GET /api/v1/info', await get('api/v1/info'), responseValidators(responseNameOf('GET', '/api/v1/info'))],
      ['GET /api/v1/webui', await get('api/v1/webui'), responseValidators(responseNameOf('GET', '/api/v1/webui'))],
    ];
    for (const [what, body, v] of checks) {
      expect(v.loose(body), `${what}: ${errorsText(v.loose)}`).toBe(true);
      expect(v.strict(body), `${what} (strict): ${errorsText(v.strict)}`).toBe(true);
    }
    // The validators are not vacuous: a wrong shape fails them.
    const listV = responseValidators('MessagesSummaryResponse');
    expect(listV.loose({ total: 'many', messages: [{ ID: 1 }] })).toBe(false);
    expect(listV.strict({ ...(list as object), extra: true })).toBe(false);
  });

  it('searches with Mailpit syntax', async () => {
    await sendRich('Search alpha', { to: 'dora@sysndd.test' });
    await sendRich('Search beta');
    const q = async (query: string) => (await t.ok('mail.messages.list', { source, query })).messages.map((m) => m.Subject);
    expect(await q('subject:alpha')).toEqual(['Search alpha']);
    expect(await q('to:dora@sysndd.test')).toEqual(['Search alpha']);
    expect(await q('search -alpha')).toContain('Search beta');
    expect(await q('search -alpha')).not.toContain('Search alpha');
    expect(await q('"Plain body of Search beta"')).toEqual(['Search beta']);
    expect(await q('has:attachment tag:sysndd subject:search')).toEqual(['Search beta', 'Search alpha']);
    const unknown = await t.call('mail.messages.list', { source, query: 'flavour:vanilla' });
    expect(unknown.ok).toBe(false);
  });

  it('pages newest first: start/limit windows do not overlap and report the full counts', async () => {
    const subjects = ['Page 1', 'Page 2', 'Page 3', 'Page 4', 'Page 5'];
    for (const s of subjects) await sendRich(s); // one at a time, so arrival order is the send order
    const total = (await t.ok('mail.messages.list', { source, limit: 1 })).total;
    const page = (start: number, query?: string) => t.ok('mail.messages.list', { source, query, start, limit: 2 });
    // Without a query the five newest messages of the whole mailbox are ours.
    const windows = [await page(0), await page(2), await page(4)];
    expect(windows.map((w) => w.messages.map((m) => m.Subject))).toEqual([
      ['Page 5', 'Page 4'],
      ['Page 3', 'Page 2'],
      ['Page 1', expect.any(String)],
    ]);
    for (const w of windows) expect(w).toMatchObject({ total, messages_count: total });
    expect(windows.map((w) => w.start)).toEqual([0, 2, 4]);
    // With a query the counts are those of the matches, and the last window is short.
    const searched = [await page(0, 'subject:page'), await page(2, 'subject:page'), await page(4, 'subject:page')];
    const ids = searched.flatMap((w) => w.messages.map((m) => m.ID));
    expect(new Set(ids).size).toBe(5);
    expect(searched.flatMap((w) => w.messages.map((m) => m.Subject))).toEqual([...subjects].reverse());
    for (const w of searched) expect(w).toMatchObject({ total, messages_count: 5, messages_unread: 5 });
    expect(searched[2]?.messages).toHaveLength(1);
    expect((await page(6, 'subject:page')).messages).toEqual([]);
  });

  it('marks read/unread and deletes only the selected messages', async () => {
    await sendRich('Delete me');
    await sendRich('Keep me');
    const list = await t.ok('mail.messages.list', { source, query: 'subject:me' });
    const del = list.messages.find((m) => m.Subject === 'Delete me')?.ID as string;
    const keep = list.messages.find((m) => m.Subject === 'Keep me')?.ID as string;
    await t.ok('mail.messages.markRead', { source, ids: [keep], read: true });
    expect((await t.ok('mail.messages.list', { source, query: 'is:read subject:me' })).messages.map((m) => m.ID)).toEqual([keep]);
    await t.ok('mail.messages.markRead', { source, ids: [keep], read: false });
    expect((await t.ok('mail.messages.list', { source, query: 'is:read subject:me' })).messages).toEqual([]);

    const total = (await t.ok('mail.messages.list', { source })).total;
    expect(await t.ok('mail.messages.delete', { source, ids: [del] })).toEqual({ deleted: 1 });
    const remaining = await t.ok('mail.messages.list', { source });
    expect(remaining.total).toBe(total - 1);
    expect(remaining.messages.some((m) => m.ID === keep)).toBe(true);
    expect(remaining.messages.some((m) => m.ID === del)).toBe(false);
    const audit = await t.ok('audit.list', { action: 'mail.messages.delete' });
    expect(audit[0]).toMatchObject({ result: 'succeeded', target: 'capture: 1 message(s)' });
  });

  it('never sends the empty-body "delete all": an empty id list is refused at every layer', async () => {
    const before = (await t.ok('mail.messages.list', { source })).total;
    expect(before).toBeGreaterThan(0);
    const viaContract = await t.call('mail.messages.delete', { source, ids: [] });
    expect(viaContract).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT' });
    const client = new MailpitClient(capture.url as string);
    await expect(client.deleteMessages([])).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: expect.stringMatching(/ALL messages/),
    });
    await expect(client.deleteMessages([''])).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(client.setRead([], true)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect((await t.ok('mail.messages.list', { source })).total).toBe(before);
  });

  it('refuses a message over the size limit with 552 (and stores nothing)', async () => {
    const before = (await t.ok('mail.messages.list', { source })).total;
    const r = await t.call('mail.send', {
      target: { smtp: { host: '127.0.0.1', port: capture.smtpPort as number, security: 'none', from: 'big@sysndd.test' } },
      to: 'x@sysndd.test',
      templateId: 'registration-received',
      data: { familyName: 'y'.repeat(9_000) },
    });
    // 9 000 characters stay under 64 KiB; the raw send below goes over it.
    expect(r.ok).toBe(true);
    await expect(sendRich('Too big', { size: 70 * 1024 })).rejects.toMatchObject({ responseCode: 552 });
    const after = await t.ok('mail.messages.list', { source });
    expect(after.total).toBe(before + 1);
    expect(after.messages.some((m) => m.Subject === 'Too big')).toBe(false);
  });

  it('counts accepted, rejected and deleted messages and the database size in /api/v1/info', async () => {
    type Info = {
      DatabaseSize: number;
      Messages: number;
      RuntimeStats: { SMTPAccepted: number; SMTPAcceptedSize: number; SMTPRejected: number; MessagesDeleted: number };
    };
    const info = async () => (await (await fetch(new URL('api/v1/info', capture.url as string))).json()) as Info;
    const before = await info();
    expect(before.RuntimeStats.SMTPAccepted).toBeGreaterThan(0); // the earlier tests' mail
    expect(before.DatabaseSize).toBeGreaterThan(0);
    await sendRich('Counted', { size: 20 * 1024 });
    await expect(sendRich('Counted too big', { size: 70 * 1024 })).rejects.toMatchObject({ responseCode: 552 });
    const accepted = await info();
    expect(accepted.RuntimeStats.SMTPAccepted).toBe(before.RuntimeStats.SMTPAccepted + 1);
    expect(accepted.RuntimeStats.SMTPAcceptedSize - before.RuntimeStats.SMTPAcceptedSize).toBeGreaterThan(20 * 1024);
    expect(accepted.RuntimeStats.SMTPRejected).toBe(before.RuntimeStats.SMTPRejected + 1);
    expect(accepted.DatabaseSize).toBeGreaterThan(before.DatabaseSize); // 20 KiB more raw source
    const id = (await t.ok('mail.messages.list', { source, query: 'subject:counted' })).messages[0]?.ID as string;
    await t.ok('mail.messages.delete', { source, ids: [id, 'no-such-id'] });
    const deleted = await info();
    expect(deleted.RuntimeStats.MessagesDeleted).toBe(before.RuntimeStats.MessagesDeleted + 1); // only what existed
    expect(deleted.Messages).toBe(before.Messages);
  });

  it('pushes new mail over /api/events and forwards it as mail.captured app events', async () => {
    const events: AppEvent[] = [];
    const off = t.app.events.subscribe((e) => events.push(e));
    const watch = await t.ok('mail.messages.watch', { source });
    expect(watch).toMatchObject({ source: 'capture', watching: true });
    const ws = new WebSocket(`ws://127.0.0.1:${capture.httpPort}/api/events`);
    const frames: Array<{ Type: string; Data?: { Subject?: string; ID?: string } }> = [];
    ws.on('message', (d) => frames.push(JSON.parse(d.toString())));
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    // The app's own watcher is connected too before the mail is sent.
    await expect
      .poll(() => events.some((e) => e.type === 'mail.watch' && e.source === 'capture' && e.state === 'connected'), {
        timeout: 5_000,
      })
      .toBe(true);
    await sendRich('Live one');
    await expect.poll(() => frames.find((f) => f.Type === 'new')?.Data?.Subject, { timeout: 5_000 }).toBe('Live one');
    const id = frames.find((f) => f.Type === 'new')?.Data?.ID;
    await expect
      .poll(() => events.some((e) => e.type === 'mail.captured' && e.source === 'capture' && e.messageId === id), {
        timeout: 5_000,
      })
      .toBe(true);
    expect(frames.some((f) => f.Type === 'stats')).toBe(true);
    ws.close();
    off();
  });

  it('refuses cross-origin and non-loopback Host requests (like Mailpit, plus DNS-rebinding protection)', async () => {
    const api = capture.url as string;
    const foreign = await fetch(new URL('api/v1/messages', api), { headers: { origin: 'http://evil.example' } });
    expect(foreign.status).toBe(403);
    const http = await import('node:http');
    const status = await new Promise<number>((resolve, reject) => {
      http
        .get(
          { host: '127.0.0.1', port: capture.httpPort as number, path: '/api/v1/messages', headers: { host: 'evil.example' } },
          (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          },
        )
        .on('error', reject);
    });
    expect(status).toBe(403);
    const ws = new WebSocket(`ws://127.0.0.1:${capture.httpPort}/api/events`, { origin: 'http://evil.example' });
    await expect(new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject))).rejects.toThrow(/403/);
  });

  it('keeps stored mail across a restart (app SQLite), and the restarted capture serves it', async () => {
    const before = (await t.ok('mail.messages.list', { source })).total;
    expect((await t.ok('mail.capture.stop', {})).running).toBe(false);
    const r = await t.call('mail.messages.list', { source });
    expect(r).toMatchObject({ ok: false, code: 'PRECONDITION_FAILED' });
    capture = await t.ok('mail.capture.start', { smtpPort: 0, httpPort: 0, maxMessageBytes: 64 * 1024, maxMessages: 50 });
    expect(capture.stored).toBe(before);
    expect((await t.ok('mail.messages.list', { source })).total).toBe(before);
  });

  it('a port already in use is a clear CONFLICT', async () => {
    const r = await t.call('mail.capture.stop', {}).then(() =>
      t.call('mail.capture.start', {
        smtpPort: 0,
        httpPort: capture.httpPort as number,
        maxMessageBytes: 4096,
        maxMessages: 5,
      }),
    );
    // The previous capture was stopped, so its HTTP port is free again: this start succeeds.
    expect(r.ok).toBe(true);
    const blocked = createTestApp();
    try {
      const clash = await blocked.call('mail.capture.start', {
        smtpPort: 0,
        httpPort: capture.httpPort as number,
        maxMessageBytes: 4096,
        maxMessages: 5,
      });
      expect(clash).toMatchObject({ ok: false, code: 'CONFLICT' });
      if (!clash.ok) expect(clash.message).toMatch(/in use/);
    } finally {
      await blocked.close();
    }
  });
});
