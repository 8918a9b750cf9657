import { describe, expect, it } from 'vitest';
import { classifySmtpError, describeCertificateProblem } from '../../../src/main/features/mail/smtp/smtpFailure';

/** Branches the integration tests cannot reach locally (DNS, routing, server policies); real exchanges cover the rest. */
const target = { host: 'mail.example.org', port: 587, security: 'starttls' as const, user: 'curator' };

describe('SMTP failure categories', () => {
  it('maps DNS and routing errors by errno even when nodemailer rewrote the code', () => {
    expect(
      classifySmtpError({ code: 'EDNS', errno: 'ENOTFOUND', message: 'getaddrinfo ENOTFOUND mail.example.org' }, target),
    ).toMatchObject({
      code: 'SMTP_CONNECTION_FAILED',
      message: expect.stringMatching(/does not resolve/),
    });
    expect(
      classifySmtpError({ code: 'ESOCKET', errno: -113, syscall: 'connect', message: 'connect EHOSTUNREACH' }, target),
    ).toMatchObject({
      code: 'SMTP_CONNECTION_FAILED',
      cause: { errno: 'EHOSTUNREACH' },
    });
  });

  it('tells a plain-port login to use STARTTLS (538) and a missing password apart from a wrong one', () => {
    const e538 = classifySmtpError(
      {
        code: 'EAUTH',
        responseCode: 538,
        response: '538 Error: Must issue a STARTTLS command first',
        command: 'AUTH PLAIN',
        message: 'Invalid login',
      },
      { ...target, security: 'none' },
    );
    expect(e538).toMatchObject({ code: 'SMTP_AUTH_FAILED', hint: expect.stringMatching(/STARTTLS/) });
    const missing = classifySmtpError({ code: 'EAUTH', command: 'API', message: 'Missing credentials for "PLAIN"' }, target);
    expect(missing.hint).toMatch(/Save the SMTP password/);
  });

  it('describes certificate problems in words', () => {
    expect(describeCertificateProblem('CERT_HAS_EXPIRED')).toBe('the certificate has expired');
    expect(describeCertificateProblem('ERR_TLS_CERT_ALTNAME_INVALID')).toMatch(/different host name/);
    expect(describeCertificateProblem('UNABLE_TO_GET_ISSUER_CERT_LOCALLY')).toMatch(/does not trust/);
    expect(
      classifySmtpError(
        { code: 'ETLS', command: 'STARTTLS', message: 'certificate verification failed: CERT_HAS_EXPIRED' },
        target,
      ),
    ).toMatchObject({
      code: 'SMTP_TLS_FAILED',
      message: expect.stringMatching(/expired/),
    });
  });

  it('explains the greeting timeout of a plain client on port 465', () => {
    const r = classifySmtpError(
      { code: 'ETIMEDOUT', timeoutType: 'GREETING_TIMEOUT', command: 'CONN', message: 'Greeting never received' },
      { ...target, port: 465, security: 'none' },
    );
    expect(r).toMatchObject({ code: 'SMTP_TIMEOUT', hint: expect.stringMatching(/choose security "TLS"/) });
  });

  it('reports policy refusals (size, sender) as SMTP_REJECTED', () => {
    expect(
      classifySmtpError({ code: 'EMESSAGE', responseCode: 552, command: 'DATA', message: 'Message failed' }, target).message,
    ).toMatch(/too large/);
    expect(
      classifySmtpError({ code: 'EENVELOPE', responseCode: 553, command: 'MAIL FROM', message: 'Mail command failed' }, target)
        .hint,
    ).toMatch(/sender address/);
  });
});
