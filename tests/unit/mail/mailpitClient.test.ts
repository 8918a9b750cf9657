import { describe, expect, it } from 'vitest';
import { assertSelectedIds, MailpitClient } from '../../../src/main/features/mail/mailpit/MailpitClient';

describe('Mailpit client guards', () => {
  it('refuses an empty id list (Mailpit would apply it to ALL messages) and empty ids', () => {
    expect(() => assertSelectedIds([], 'delete')).toThrow(/ALL messages/);
    expect(() => assertSelectedIds(['  '], 'delete')).toThrow(/empty id/);
    expect(() => assertSelectedIds(['abc'], 'delete')).not.toThrow();
  });

  it('turns URL credentials into basic auth and derives the events websocket under the web root', () => {
    const c = new MailpitClient('https://ops:p%40ss@mail.example.org/mailpit');
    expect(c.url).toBe('https://mail.example.org/mailpit/');
    expect(c.eventsUrl).toBe('wss://mail.example.org/mailpit/api/events');
    expect(c.authHeader).toBe(`Basic ${Buffer.from('ops:p@ss').toString('base64')}`);
    expect(new MailpitClient('http://127.0.0.1:8025').eventsUrl).toBe('ws://127.0.0.1:8025/api/events');
    expect(() => new MailpitClient('ftp://x')).toThrow(/http/);
  });
});
