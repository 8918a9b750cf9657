import type { MailTemplateInfo, RenderedMail, TemplateId } from '../../../../shared/contract/mail';
import { AppError } from '../../../core/AppError';
import { html, type SafeHtml } from '../preview/safeHtml';

interface FieldDef {
  key: string;
  label: string;
  sample: string;
  /** URL fields must be http(s): an escaped `javascript:` link would still run when clicked. */
  url?: boolean;
}

interface TemplateDef {
  id: TemplateId;
  name: string;
  description: string;
  fields: FieldDef[];
  subject(d: Record<string, string>): string;
  text(d: Record<string, string>): string;
  body(d: Record<string, string>): SafeHtml;
}

const BRAND = '#1565c0';

/** The shared frame of every SysNDD mail: a header bar, the body, and the automated-message footer. */
function layout(title: string, preheader: string, body: SafeHtml): SafeHtml {
  return html`<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1.0"><title>${title}</title></head>
<body style="margin:0;background:#f5f5f5;font-family:Arial,Helvetica,sans-serif;color:#212121">
<span style="display:none;max-height:0;overflow:hidden">${preheader}</span>
<table role="presentation" width="100%" cellspacing="0" cellpadding="0" style="background:#f5f5f5"><tr><td align="center" style="padding:24px 12px">
<table role="presentation" width="100%" cellspacing="0" cellpadding="0" style="max-width:600px">
<tr><td style="background:#343a40;color:#fff;padding:20px 24px;border-radius:8px 8px 0 0;font-size:22px;font-weight:600">SysNDD</td></tr>
<tr><td style="background:#fff;padding:28px 24px;font-size:15px;line-height:1.6">${body}</td></tr>
<tr><td style="padding:16px 24px;font-size:12px;color:#666;text-align:center">This is an automated message from SysNDD. Please do not reply to this email.</td></tr>
</table></td></tr></table>
</body>
</html>
`;
}

function button(href: string | undefined, label: string): SafeHtml {
  return html`<p style="margin:24px 0"><a href="${href}" style="display:inline-block;background:${BRAND};color:#fff;text-decoration:none;padding:12px 24px;border-radius:6px;font-weight:600">${label}</a></p>`;
}

/** The SysNDD account a mail is about; every account mail asks for it the same way. */
const USER_NAME: FieldDef = { key: 'userName', label: 'User name', sample: 'jdoe' };

/** The facts a mail lists, one row each: the label in grey, then the value. */
function factsTable(rows: ReadonlyArray<readonly [label: string, value: SafeHtml | string | undefined]>): SafeHtml {
  const lines = rows.map(
    ([label, value], i) =>
      html`${i === 0 ? '' : '\n'}<tr><td style="color:#666;padding-right:12px">${label}</td><td>${value}</td></tr>`,
  );
  return html`<table style="font-size:14px">${lines}</table>`;
}

const TEMPLATES: readonly TemplateDef[] = [
  {
    id: 'smtp-test',
    name: 'SMTP test mail',
    description: 'A plain test that the server accepts and delivers mail from this sender.',
    fields: [
      { key: 'sender', label: 'Sent from', sample: 'SysNDD Admin' },
      { key: 'target', label: 'SMTP server', sample: 'smtp.example.org:587 (starttls)' },
      { key: 'sentAt', label: 'Sent at', sample: '2025-01-01T12:00:00.000Z' },
    ],
    subject: () => 'SysNDD Admin SMTP test',
    text: (d) =>
      `This is a test mail from ${d.sender}.\n\nSMTP server: ${d.target}\nSent at: ${d.sentAt}\n\nIf you can read this, the server accepted and delivered it.\n`,
    body: (d) =>
      layout(
        'SMTP test',
        'SysNDD Admin SMTP test',
        html`<h2 style="margin:0 0 16px">SMTP test</h2><p>This is a test mail from <strong>${d.sender}</strong>.</p>
${factsTable([
  ['SMTP server', d.target],
  ['Sent at', d.sentAt],
])}
<p>If you can read this, the server accepted and delivered it.</p>`,
      ),
  },
  {
    id: 'registration-received',
    name: 'Registration received',
    description: 'Sent to a person after they submit a registration request; curators review it.',
    fields: [
      USER_NAME,
      { key: 'firstName', label: 'First name', sample: 'Jane' },
      { key: 'familyName', label: 'Family name', sample: 'Doe' },
      { key: 'email', label: 'Email', sample: 'jane.doe@example.org' },
    ],
    subject: () => 'Your SysNDD registration request was received',
    text: (d) =>
      `Hello ${d.firstName || d.userName},\n\nThank you for registering with SysNDD. We received your request and our curators will review it shortly.\n\nUser name: ${d.userName}\nEmail: ${d.email}\nName: ${d.firstName} ${d.familyName}\n\nOnce approved, you will receive a mail with your login credentials.\n`,
    body: (d) =>
      layout(
        'Registration received',
        'Your SysNDD registration request was received',
        html`<h2 style="margin:0 0 16px">Registration request received</h2>
<p>Hello <strong>${d.firstName || d.userName}</strong>,</p>
<p>Thank you for registering with SysNDD. We received your request and our curators will review it shortly.</p>
${factsTable([
  ['User name', html`<strong>${d.userName}</strong>`],
  ['Email', d.email],
  ['Name', `${d.firstName} ${d.familyName}`],
])}
<p>Once approved, you will receive a mail with your login credentials.</p>`,
      ),
  },
  {
    id: 'account-approved',
    name: 'Account approved (initial password)',
    description: 'Sent when a curator approves a registration; carries the initial password.',
    fields: [
      USER_NAME,
      { key: 'initialPassword', label: 'Initial password', sample: 'Xk3#pq9!Lm2v' },
      { key: 'loginUrl', label: 'Login URL', sample: 'https://sysndd.example.org/Login', url: true },
    ],
    subject: () => 'Your SysNDD account was approved',
    text: (d) =>
      `Hello ${d.userName},\n\nYour SysNDD registration was approved. You can now sign in.\n\nUser name: ${d.userName}\nInitial password: ${d.initialPassword}\n\nSign in at ${d.loginUrl} and change this password right after your first login.\n`,
    body: (d) =>
      layout(
        'Account approved',
        'Your SysNDD account was approved',
        html`<h2 style="margin:0 0 16px">Your account was approved</h2>
<p>Hello <strong>${d.userName}</strong>,</p>
<p>Your SysNDD registration was approved. You can now sign in.</p>
<p style="margin:0">Your initial password:</p>
<p style="font-family:monospace;font-size:16px;background:#fff3cd;border:1px solid #ffc107;padding:10px 14px;border-radius:6px"><strong>${d.initialPassword}</strong></p>
<p>Please change it right after your first login.</p>
${button(d.loginUrl, 'Sign in to SysNDD')}`,
      ),
  },
  {
    id: 'password-reset',
    name: 'Password reset (token link)',
    description: 'Sent when someone asks to reset a password; the link carries the reset token.',
    fields: [
      USER_NAME,
      {
        key: 'resetUrl',
        label: 'Reset link (with token)',
        sample: 'https://sysndd.example.org/PasswordReset/eyJhbGciOiJIUzI1NiJ9.sample-token.signature',
        url: true,
      },
      { key: 'expiryMinutes', label: 'Link valid for (minutes)', sample: '60' },
    ],
    subject: () => 'Reset your SysNDD password',
    text: (d) =>
      `Hello ${d.userName},\n\nWe received a request to reset the password of your SysNDD account. Open this link to choose a new password:\n\n${d.resetUrl}\n\nThe link expires in ${d.expiryMinutes} minutes. If you did not ask for this, ignore this mail; your password stays unchanged.\n`,
    body: (d) =>
      layout(
        'Password reset',
        'Reset your SysNDD password',
        html`<h2 style="margin:0 0 16px">Password reset</h2>
<p>Hello <strong>${d.userName}</strong>,</p>
<p>We received a request to reset the password of your SysNDD account.</p>
${button(d.resetUrl, 'Choose a new password')}
<p>The link expires in ${d.expiryMinutes} minutes. If you did not ask for this, ignore this mail; your password stays unchanged.</p>
<p style="font-size:12px;color:#666">If the button does not work, copy this link into your browser:<br><span style="font-family:monospace;word-break:break-all">${d.resetUrl}</span></p>`,
      ),
  },
];

function find(id: TemplateId): TemplateDef {
  const t = TEMPLATES.find((x) => x.id === id);
  if (!t) throw new AppError('NOT_FOUND', `No mail template "${id}".`);
  return t;
}

export function listTemplates(): MailTemplateInfo[] {
  return TEMPLATES.map((t) => ({
    id: t.id,
    name: t.name,
    description: t.description,
    fields: t.fields.map((f) => ({ key: f.key, label: f.label, sample: f.sample, url: Boolean(f.url) })),
  }));
}

/** Sample data overlaid with the given values; unknown keys and non-http(s) URLs are refused. */
export function templateData(id: TemplateId, data: Record<string, string> = {}): Record<string, string> {
  const t = find(id);
  const known = new Set(t.fields.map((f) => f.key));
  const unknown = Object.keys(data).filter((k) => !known.has(k));
  if (unknown.length) {
    throw new AppError(
      'INVALID_ARGUMENT',
      `Template "${id}" has no field ${unknown.map((k) => `"${k}"`).join(', ')}; its fields are ${[...known].join(', ')}.`,
    );
  }
  const merged: Record<string, string> = {};
  for (const f of t.fields) {
    const value = data[f.key] ?? f.sample;
    if (f.url && !/^https?:\/\/[^\s]+$/i.test(value)) {
      throw new AppError('INVALID_ARGUMENT', `${f.label} must be an http(s) URL, got "${value.slice(0, 100)}".`);
    }
    merged[f.key] = value;
  }
  return merged;
}

/** Render subject, text and HTML. Every value is escaped in the HTML; the subject is kept on one line. */
export function renderTemplate(id: TemplateId, data: Record<string, string> = {}): RenderedMail {
  const t = find(id);
  const d = templateData(id, data);
  return {
    templateId: id,
    subject: t.subject(d).replace(/[\r\n]+/g, ' '),
    text: t.text(d),
    html: String(t.body(d)),
  };
}
