import net from 'node:net';
import { performance } from 'node:perf_hooks';
import type { MailSendResult } from '../../../../shared/contract/mail';
import { classifySmtpError, smtpAppError } from './smtpFailure';
import { endpointOf, type SmtpTarget } from './smtpTarget';

export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
  html: string;
  headers?: Record<string, string>;
}

export interface SendOptions {
  timeoutMs: number;
  allowUnverifiedTls: boolean;
}

/**
 * nodemailer options for a target. Security maps one to one: "none" never upgrades (ignoreTLS) so a plain
 * development server with a broken STARTTLS certificate still works; "starttls" requires the upgrade;
 * "tls" is implicit TLS from the first byte.
 */
export function transportOptions(target: SmtpTarget, options: SendOptions) {
  return {
    host: target.host,
    port: target.port,
    secure: target.security === 'tls',
    requireTLS: target.security === 'starttls',
    ignoreTLS: target.security === 'none',
    auth: target.user ? { user: target.user, pass: target.password ?? '' } : undefined,
    connectionTimeout: options.timeoutMs,
    greetingTimeout: options.timeoutMs,
    socketTimeout: Math.max(options.timeoutMs, 30_000),
    dnsTimeout: options.timeoutMs,
    tls: { rejectUnauthorized: !options.allowUnverifiedTls, servername: net.isIP(target.host) ? undefined : target.host },
    logger: false,
    debug: false,
  };
}

/** Send one real mail; failures come back categorized (SMTP_AUTH_FAILED, SMTP_TLS_FAILED, …) with a hint. */
export async function sendMail(target: SmtpTarget, mail: OutgoingMail, options: SendOptions): Promise<MailSendResult> {
  const { createTransport } = await import('nodemailer');
  const transport = createTransport(transportOptions(target, options));
  const t = performance.now();
  try {
    const info = await transport.sendMail({
      from: target.from,
      to: mail.to,
      subject: mail.subject,
      text: mail.text,
      html: mail.html,
      headers: { 'X-Mailer': 'SysNDD Admin', ...mail.headers },
    });
    return {
      ok: true,
      target: endpointOf(target),
      to: mail.to,
      subject: mail.subject,
      messageId: info.messageId,
      accepted: info.accepted.map(addressText),
      rejected: info.rejected.map(addressText),
      response: info.response,
      latencyMs: Math.round(performance.now() - t),
    };
  } catch (err) {
    throw smtpAppError(classifySmtpError(err, target));
  } finally {
    transport.close();
  }
}

function addressText(a: string | { address: string }): string {
  return typeof a === 'string' ? a : a.address;
}
