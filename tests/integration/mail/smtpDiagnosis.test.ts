import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SmtpDiagnosis } from '../../../src/shared/contract/mail';
import { createTestApp, type TestApp } from '../../fixtures/app';
import { type SmtpSink, startSmtpSink } from '../../fixtures/smtp';

/**
 * Real SMTP exchanges (our probe and nodemailer against smtp-server sinks): the staged report and the
 * categorized failures a person sees for the classic misconfigurations.
 */
let t: TestApp;
let plain: SmtpSink;
let starttlsAuth: SmtpSink;
let implicitTls: SmtpSink;
let silent: SmtpSink;
const creds = { user: 'curator', pass: 'correct horse' };

beforeAll(async () => {
  t = createTestApp();
  [plain, starttlsAuth, implicitTls, silent] = await Promise.all([
    startSmtpSink(),
    startSmtpSink({ security: 'starttls', auth: creds }),
    startSmtpSink({ security: 'tls' }),
    startSmtpSink({ silent: true }),
  ]);
});
afterAll(async () => {
  await Promise.all([plain, starttlsAuth, implicitTls, silent].map((s) => s?.stop()));
  await t?.close();
});

const smtp = (sink: SmtpSink, security: 'none' | 'starttls' | 'tls', user?: string) => ({
  host: sink.host,
  port: sink.port,
  security,
  user,
  from: 'noreply@sysndd.test',
});

function stage(report: SmtpDiagnosis, name: string, title?: RegExp) {
  const s = report.stages.find((x) => x.stage === name && (!title || title.test(x.title)));
  if (!s) throw new Error(`no ${name} stage in ${report.stages.map((x) => x.stage).join(',')}`);
  return s;
}

describe('mail.test (staged diagnosis)', () => {
  it('reports every stage of a plain server that accepts us', async () => {
    const report = await t.ok('mail.test', { target: { smtp: smtp(plain, 'none') } });
    expect(report.ok).toBe(true);
    expect(report.failure).toBeNull();
    expect(report.stages.map((s) => s.stage)).toEqual(['dns', 'connect', 'greeting', 'ehlo', 'auth', 'mailFrom']);
    expect(report.stages.filter((s) => s.status === 'failed')).toEqual([]);
    for (const s of report.stages) expect(s.latencyMs).toBeGreaterThanOrEqual(0);
    expect(stage(report, 'greeting').reply).toMatch(/^220 /);
    expect(stage(report, 'ehlo').capabilities).toEqual(expect.arrayContaining(['PIPELINING', '8BITMIME']));
    expect(stage(report, 'mailFrom').summary).toContain('noreply@sysndd.test');
    expect(plain.messages).toHaveLength(0); // A diagnosis sends nothing.
  });

  it('resolves a host name and tries each address (localhost)', async () => {
    const report = await t.ok('mail.test', { target: { smtp: { ...smtp(plain, 'none'), host: 'localhost' } } });
    expect(report.ok).toBe(true);
    expect(stage(report, 'dns').summary).toMatch(/localhost → .*127\.0\.0\.1/);
  });

  it('shows TLS details and logs in over STARTTLS when the unverified certificate is accepted', async () => {
    const report = await t.ok('mail.test', {
      target: { smtp: smtp(starttlsAuth, 'starttls', creds.user), password: creds.pass },
      allowUnverifiedTls: true,
    });
    expect(report.ok).toBe(true);
    const tls = stage(report, 'tls');
    expect(tls.status).toBe('warning');
    expect(tls.tls).toMatchObject({ protocol: 'TLSv1.3', subject: 'CN=localhost', issuer: 'CN=localhost', verified: false });
    expect(tls.tls?.verifyError).toBe('DEPTH_ZERO_SELF_SIGNED_CERT');
    expect(tls.tls?.daysLeft).toBeGreaterThan(20);
    expect(tls.tls?.cipher).toMatch(/^TLS_/);
    expect(stage(report, 'ehlo', /before/).capabilities).toContain('STARTTLS');
    expect(stage(report, 'ehlo', /encrypted/).capabilities?.some((c) => /^AUTH /.test(c))).toBe(true);
    expect(stage(report, 'auth')).toMatchObject({ status: 'ok' });
    expect(stage(report, 'auth').summary).toContain('curator');
    expect(report.warnings.join(' ')).toMatch(/did not verify/);
  });

  it('refuses an unverified certificate by default and says why', async () => {
    const report = await t.ok('mail.test', {
      target: { smtp: smtp(starttlsAuth, 'starttls', creds.user), password: creds.pass },
    });
    expect(report.ok).toBe(false);
    expect(report.failure?.code).toBe('SMTP_TLS_FAILED');
    expect(report.failure?.message).toMatch(/self-signed/);
    expect(stage(report, 'tls').status).toBe('failed');
    expect(stage(report, 'tls').tls?.subject).toBe('CN=localhost');
    expect(stage(report, 'auth').status).toBe('skipped');
  });

  it('completes implicit TLS', async () => {
    const report = await t.ok('mail.test', { target: { smtp: smtp(implicitTls, 'tls') }, allowUnverifiedTls: true });
    expect(report.ok).toBe(true);
    expect(report.stages.map((s) => s.stage).slice(0, 4)).toEqual(['dns', 'connect', 'tls', 'greeting']);
    expect(stage(report, 'tls').tls?.protocol).toMatch(/^TLSv1\.[23]$/);
  });

  it('wrong port: connection refused', async () => {
    const closed = await startSmtpSink();
    const port = closed.port;
    await closed.stop();
    const report = await t.ok('mail.test', { target: { smtp: { ...smtp(plain, 'none'), port } } });
    expect(report.ok).toBe(false);
    expect(report.failure).toMatchObject({ code: 'SMTP_CONNECTION_FAILED' });
    expect(report.failure?.message).toContain('connection refused');
    expect(report.failure?.cause.errno).toBe('ECONNREFUSED');
    expect(stage(report, 'connect').status).toBe('failed');
    expect(stage(report, 'greeting').status).toBe('skipped');
  });

  it('wrong password over STARTTLS: the server says 535', async () => {
    const report = await t.ok('mail.test', {
      target: { smtp: smtp(starttlsAuth, 'starttls', creds.user), password: 'wrong' },
      allowUnverifiedTls: true,
    });
    expect(report.failure).toMatchObject({ code: 'SMTP_AUTH_FAILED', cause: { responseCode: 535, command: 'AUTH PLAIN' } });
    expect(report.failure?.message).toContain('curator');
    expect(stage(report, 'auth').status).toBe('failed');
    expect(stage(report, 'mailFrom').status).toBe('skipped');
  });

  it('no credentials against a server that requires AUTH: caught at MAIL FROM (verify() would pass)', async () => {
    const report = await t.ok('mail.test', { target: { smtp: smtp(starttlsAuth, 'starttls') }, allowUnverifiedTls: true });
    expect(stage(report, 'auth').status).toBe('skipped');
    expect(report.failure).toMatchObject({ code: 'SMTP_AUTH_FAILED', cause: { responseCode: 530, command: 'MAIL FROM' } });
  });

  it('implicit TLS against a STARTTLS port: tells the person to choose STARTTLS', async () => {
    const report = await t.ok('mail.test', { target: { smtp: smtp(starttlsAuth, 'tls') }, allowUnverifiedTls: true });
    expect(report.failure?.code).toBe('SMTP_TLS_FAILED');
    expect(report.failure?.cause.message).toMatch(/wrong version number/);
    expect(report.failure?.hint).toMatch(/STARTTLS/);
  });

  it('times out on a silent server within the configured limit', async () => {
    const started = Date.now();
    const report = await t.ok('mail.test', { target: { smtp: smtp(silent, 'none') }, timeoutMs: 300 });
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(report.failure?.code).toBe('SMTP_TIMEOUT');
    expect(report.failure?.message).toMatch(/never sent an SMTP greeting/);
    expect(stage(report, 'greeting').status).toBe('failed');
  });

  it('STARTTLS chosen but not offered: says so and suggests "none" or the TLS port', async () => {
    const report = await t.ok('mail.test', { target: { smtp: smtp(plain, 'starttls') } });
    expect(report.failure).toMatchObject({ code: 'SMTP_TLS_FAILED', cause: { code: 'ETLS', command: 'STARTTLS' } });
    expect(report.failure?.message).toMatch(/does not offer STARTTLS/);
    expect(report.failure?.hint).toMatch(/security "none".*TLS port/);
    expect(stage(report, 'ehlo').capabilities).not.toContain('STARTTLS');
    expect(stage(report, 'tls').status).toBe('failed');
  });

  it('a server that greets and then hangs up at EHLO: ECONNECTION, not a TLS hint', async () => {
    const closing = await startSmtpSink({ closeAfterGreeting: true });
    try {
      const report = await t.ok('mail.test', { target: { smtp: smtp(closing, 'none') } });
      expect(report.failure).toMatchObject({
        code: 'SMTP_CONNECTION_FAILED',
        cause: { code: 'ECONNECTION', command: 'EHLO' },
      });
      expect(report.failure?.message).toMatch(/greeted, then closed the connection at EHLO/);
      expect(report.failure?.hint).toMatch(/dropped this client/);
      expect(report.failure?.hint).not.toMatch(/implicit TLS/);
      expect(stage(report, 'greeting').status).toBe('ok');
      expect(stage(report, 'ehlo').status).toBe('failed');
    } finally {
      await closing.stop();
    }
  });

  it('a server that greets with 554: refused service, with its words', async () => {
    const refusing = await startSmtpSink({ greeting554: true });
    try {
      const report = await t.ok('mail.test', { target: { smtp: smtp(refusing, 'none') } });
      expect(report.failure).toMatchObject({ code: 'SMTP_REJECTED', cause: { responseCode: 554, command: 'CONN' } });
      expect(report.failure?.message).toMatch(/refused the session in its greeting \(554\).*your address is blocked/);
      expect(report.failure?.hint).toMatch(/refuses this client/);
      expect(stage(report, 'greeting').status).toBe('failed');
    } finally {
      await refusing.stop();
    }
  });

  it('warns when security "none" is chosen but the server offers STARTTLS', async () => {
    const open = await startSmtpSink({ security: 'starttls' });
    try {
      const report = await t.ok('mail.test', { target: { smtp: smtp(open, 'none') } });
      expect(report.ok).toBe(true);
      expect(report.warnings.join(' ')).toMatch(/offers STARTTLS/);
    } finally {
      await open.stop();
    }
  });

  it('a profile without SMTP settings is a precondition failure', async () => {
    const profile = await t.ok('profiles.create', { profile: { name: 'no-smtp', mysql: { user: 'root' } } });
    const r = await t.call('mail.test', { target: { profileId: profile.id } });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.code).toBe('PRECONDITION_FAILED');
  });
});

describe('trusted certificates', () => {
  it('verifies a certificate from a private CA given with NODE_EXTRA_CA_CERTS', async () => {
    const { execFile } = await import('node:child_process');
    const { promisify } = await import('node:util');
    const open = await startSmtpSink({ security: 'starttls' });
    try {
      const cert = open.cert;
      if (!cert) throw new Error('the STARTTLS sink has a certificate');
      const child = new URL('./probeChild.ts', import.meta.url).pathname;
      const run = (host: string) =>
        promisify(execFile)(process.execPath, ['--import', 'tsx', child, host, String(open.port), 'starttls'], {
          env: { ...process.env, NODE_EXTRA_CA_CERTS: cert.certPath },
        });
      const trusted = JSON.parse((await run('localhost')).stdout) as SmtpDiagnosis;
      expect(trusted.failure).toBeNull();
      expect(trusted.stages.find((s) => s.stage === 'tls')).toMatchObject({
        status: 'ok',
        tls: { verified: true, verifyError: null },
      });
    } finally {
      await open.stop();
    }
  });
});
