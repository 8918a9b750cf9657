import { describe, expect, it } from 'vitest';
import { parseSmtpUrl } from '../../../src/main/features/mail/smtp/smtpTarget';

describe('--smtp URL', () => {
  it('reads host, port, user, security and from', () => {
    expect(parseSmtpUrl('smtp://curator@mail.example.org:587?security=starttls&from=noreply%40sysndd.org')).toEqual({
      host: 'mail.example.org',
      port: 587,
      security: 'starttls',
      user: 'curator',
      from: 'noreply@sysndd.org',
    });
    expect(parseSmtpUrl('smtp://127.0.0.1:1025')).toMatchObject({
      host: '127.0.0.1',
      port: 1025,
      security: 'none',
      from: 'noreply@sysndd.local',
    });
    expect(parseSmtpUrl('smtps://mail.example.org')).toMatchObject({ port: 465, security: 'tls' });
    expect(parseSmtpUrl('smtp://mail.example.org:465')).toMatchObject({ security: 'tls' });
    expect(parseSmtpUrl('smtp://mail.example.org:587')).toMatchObject({ security: 'starttls' });
    expect(parseSmtpUrl('smtp://[::1]:2525')).toMatchObject({ host: '::1', port: 2525 });
  });

  it('refuses passwords, other schemes, unknown parameters and bad security values', () => {
    expect(() => parseSmtpUrl('smtp://u:pw@host:25')).toThrow(/SMTP_PASSWORD/);
    expect(() => parseSmtpUrl('http://host')).toThrow(/smtp:\/\//);
    expect(() => parseSmtpUrl('not a url')).toThrow(/not a URL/);
    expect(() => parseSmtpUrl('smtp://host:25?secure=1')).toThrow(/Unknown --smtp parameter "secure"/);
    expect(() => parseSmtpUrl('smtp://host:25?security=ssl')).toThrow(/none, starttls or tls/);
  });
});
