import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../fixtures/app';
import { type SmtpSink, startSmtpSink } from '../../fixtures/smtp';

/** "Send test email" and the SysNDD templates over real SMTP (nodemailer → smtp-server), and how sends fail. */
let t: TestApp;
let starttlsAuth: SmtpSink;
let silent: SmtpSink;
const creds = { user: 'curator', pass: 'correct horse' };

beforeAll(async () => {
  t = createTestApp();
  [starttlsAuth, silent] = await Promise.all([
    startSmtpSink({ security: 'starttls', auth: creds }),
    startSmtpSink({ silent: true }),
  ]);
});
afterAll(async () => {
  await Promise.all([starttlsAuth, silent].map((s) => s?.stop()));
  await t?.close();
});

const smtp = (sink: SmtpSink, security: 'none' | 'starttls' | 'tls', user?: string) => ({
  host: sink.host,
  port: sink.port,
  security,
  user,
  from: 'noreply@sysndd.test',
});

async function failure(p: Promise<{ ok: boolean; code?: string; message?: string; details?: unknown }>) {
  const r = await p;
  if (r.ok) throw new Error('expected a failure');
  return r as { ok: false; code: string; message: string; details: { hint: string; cause: Record<string, unknown> } };
}

describe('mail.send', () => {
  it('sends the SMTP test mail for real through a profile (password from its secret)', async () => {
    const profile = await t.ok('profiles.create', {
      profile: { name: 'mail-staging', mysql: { user: 'root' }, smtp: smtp(starttlsAuth, 'starttls', creds.user) },
      secrets: { 'smtp.password': creds.pass },
    });
    const result = await t.ok('mail.send', {
      target: { profileId: profile.id },
      to: 'admin@sysndd.test',
      allowUnverifiedTls: true,
    });
    expect(result.accepted).toEqual(['admin@sysndd.test']);
    expect(result.response).toMatch(/^250/);
    const received = await starttlsAuth.waitForMessage((m) => m.parsed.messageId === result.messageId);
    expect(received.authUser).toBe('curator');
    expect(received.secure).toBe(true);
    expect(received.parsed.subject).toBe('SysNDD Admin SMTP test');
    expect(received.parsed.text).toContain(`${starttlsAuth.host}:${starttlsAuth.port} (starttls)`);
    expect(received.parsed.headers.get('x-sysndd-admin-template')).toBe('smtp-test');
  });

  it('sends the password-reset template with the token link, values escaped in HTML', async () => {
    const resetUrl = 'https://sysndd.example.org/PasswordReset/tok-123?a=1&b=2';
    const result = await t.ok('mail.send', {
      target: { smtp: smtp(starttlsAuth, 'starttls', creds.user), password: creds.pass },
      to: 'jdoe@sysndd.test',
      templateId: 'password-reset',
      data: { userName: '<b>jdoe</b>', resetUrl },
      allowUnverifiedTls: true,
    });
    const m = await starttlsAuth.waitForMessage((x) => x.parsed.messageId === result.messageId);
    expect(m.parsed.subject).toBe('Reset your SysNDD password');
    expect(m.parsed.text).toContain(resetUrl);
    const html = String(m.parsed.html);
    expect(html).toContain('href="https://sysndd.example.org/PasswordReset/tok-123?a=1&amp;b=2"');
    expect(html).toContain('&lt;b&gt;jdoe&lt;/b&gt;');
    expect(html).not.toContain('<b>jdoe</b>');
    // The token can be taken from the mail body, as SysNDD's own end-to-end test does.
    expect(/PasswordReset\/([\w-]+)/.exec(m.parsed.text ?? '')?.[1]).toBe('tok-123');
  });

  it('wrong password: SMTP_AUTH_FAILED with the 535 reply and a hint', async () => {
    const r = await failure(
      t.call('mail.send', {
        target: { smtp: smtp(starttlsAuth, 'starttls', creds.user), password: 'nope' },
        to: 'a@sysndd.test',
        allowUnverifiedTls: true,
      }),
    );
    expect(r.code).toBe('SMTP_AUTH_FAILED');
    expect(r.details.cause).toMatchObject({ code: 'EAUTH', responseCode: 535, command: 'AUTH PLAIN' });
    expect(r.message).toMatch(/password/);
  });

  it('implicit TLS against the STARTTLS port: SMTP_TLS_FAILED, "choose STARTTLS"', async () => {
    const r = await failure(
      t.call('mail.send', { target: { smtp: smtp(starttlsAuth, 'tls') }, to: 'a@sysndd.test', allowUnverifiedTls: true }),
    );
    expect(r.code).toBe('SMTP_TLS_FAILED');
    expect(r.details.cause).toMatchObject({ code: 'ESOCKET', command: 'CONN' });
    expect(String(r.details.cause.message)).toMatch(/wrong version number/);
    expect(r.details.hint).toMatch(/STARTTLS/);
  });

  it('an untrusted certificate fails the send unless explicitly allowed', async () => {
    const r = await failure(
      t.call('mail.send', {
        target: { smtp: smtp(starttlsAuth, 'starttls', creds.user), password: creds.pass },
        to: 'a@sysndd.test',
      }),
    );
    expect(r.code).toBe('SMTP_TLS_FAILED');
    expect(r.message).toMatch(/self-signed/);
  });

  it('wrong port: SMTP_CONNECTION_FAILED with ECONNREFUSED read from errno', async () => {
    const closed = await startSmtpSink();
    await closed.stop();
    const r = await failure(t.call('mail.send', { target: { smtp: smtp(closed, 'none') }, to: 'a@sysndd.test' }));
    expect(r.code).toBe('SMTP_CONNECTION_FAILED');
    expect(r.details.cause).toMatchObject({ code: 'ESOCKET', errno: 'ECONNREFUSED' });
  });

  it('silent server: SMTP_TIMEOUT after the configured limit', async () => {
    const started = Date.now();
    const r = await failure(t.call('mail.send', { target: { smtp: smtp(silent, 'none') }, to: 'a@sysndd.test', timeoutMs: 300 }));
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(r.code).toBe('SMTP_TIMEOUT');
    expect(r.details.cause).toMatchObject({ code: 'ETIMEDOUT' });
  });

  it('a refused recipient is SMTP_REJECTED', async () => {
    const picky = await startSmtpSink({ rejectRecipient: (a) => a.startsWith('blocked') });
    try {
      const r = await failure(t.call('mail.send', { target: { smtp: smtp(picky, 'none') }, to: 'blocked@sysndd.test' }));
      expect(r.code).toBe('SMTP_REJECTED');
      expect(r.details.cause).toMatchObject({ responseCode: 550, command: 'RCPT TO' });
    } finally {
      await picky.stop();
    }
  });

  it('STARTTLS (requireTLS) against a server without it: SMTP_TLS_FAILED, nothing sent in plain text', async () => {
    const plain = await startSmtpSink();
    try {
      const r = await failure(t.call('mail.send', { target: { smtp: smtp(plain, 'starttls') }, to: 'a@sysndd.test' }));
      expect(r.code).toBe('SMTP_TLS_FAILED');
      // nodemailer sends STARTTLS although it is not advertised; smtp-server answers 500.
      expect(r.details.cause).toMatchObject({ code: 'ETLS', command: 'STARTTLS', responseCode: 500 });
      expect(r.message).toMatch(/refused STARTTLS/);
      expect(r.details.hint).toMatch(/security "none".*TLS port/);
      expect(plain.messages).toHaveLength(0);
    } finally {
      await plain.stop();
    }
  });

  it('a server that hangs up after its greeting: SMTP_CONNECTION_FAILED (ECONNECTION)', async () => {
    const closing = await startSmtpSink({ closeAfterGreeting: true });
    try {
      const r = await failure(t.call('mail.send', { target: { smtp: smtp(closing, 'none') }, to: 'a@sysndd.test' }));
      expect(r.code).toBe('SMTP_CONNECTION_FAILED');
      expect(r.details.cause).toMatchObject({ code: 'ECONNECTION', command: 'CONN' });
      expect(r.message).toMatch(/closed the connection unexpectedly while the session was being set up/);
      expect(closing.connectionCount()).toBe(1);
    } finally {
      await closing.stop();
    }
  });

  it('a 554 greeting: SMTP_REJECTED "refused the session", not "refused the mail"', async () => {
    const refusing = await startSmtpSink({ greeting554: true });
    try {
      const r = await failure(t.call('mail.send', { target: { smtp: smtp(refusing, 'none') }, to: 'a@sysndd.test' }));
      expect(r.code).toBe('SMTP_REJECTED');
      // nodemailer reports it as EPROTOCOL "Invalid greeting" and does set responseCode from the reply.
      expect(r.details.cause).toMatchObject({ code: 'EPROTOCOL', command: 'CONN', responseCode: 554 });
      expect(r.message).toMatch(/refused the session in its greeting \(554\).*your address is blocked/);
      expect(r.details.hint).toMatch(/refuses this client/);
    } finally {
      await refusing.stop();
    }
  });

  it('refuses a javascript: link in a template URL field before sending', async () => {
    const r = await failure(
      t.call('mail.send', {
        target: { smtp: smtp(starttlsAuth, 'none') },
        to: 'a@sysndd.test',
        templateId: 'account-approved',
        data: { loginUrl: 'javascript:alert(1)' },
      }),
    );
    expect(r.code).toBe('INVALID_ARGUMENT');
    expect(r.message).toMatch(/http\(s\) URL/);
  });
});
