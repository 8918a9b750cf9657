import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { createTransport } from 'nodemailer';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../../../src/main/doors/cli/program';
import { type SmtpSink, startSmtpSink } from '../../fixtures/smtp';

/** `sysndd-admin mail …` in-process through runCli (same dispatch), and `mail capture` as a real child process. */
function streams() {
  const out = new PassThrough();
  const err = new PassThrough();
  let stdout = '';
  let stderr = '';
  out.on('data', (d) => (stdout += d));
  err.on('data', (d) => (stderr += d));
  return { streams: { stdout: out, stderr: err }, text: () => ({ stdout, stderr }) };
}

async function cli(argv: string[]) {
  const c = streams();
  const code = await runCli(argv, c.streams);
  return { code, ...c.text() };
}

let plain: SmtpSink;
let starttlsAuth: SmtpSink;
const creds = { user: 'curator', pass: 'correct horse' };

beforeAll(async () => {
  [plain, starttlsAuth] = await Promise.all([startSmtpSink(), startSmtpSink({ security: 'starttls', auth: creds })]);
});
afterAll(async () => {
  await Promise.all([plain, starttlsAuth].map((s) => s?.stop()));
});
beforeEach(() => {
  process.env.SYSNDD_ADMIN_HOME = fs.mkdtempSync(path.join(os.tmpdir(), 'sysndd-mail-cli-'));
  process.env.SYSNDD_ADMIN_SECRETS = 'memory';
  delete process.env.SMTP_PASSWORD;
});

describe('sysndd-admin mail test', () => {
  it('exits 0 and prints the staged report when the server accepts us', async () => {
    const r = await cli(['mail', 'test', '--smtp', `smtp://127.0.0.1:${plain.port}?security=none`]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/✓ TCP connect/);
    expect(r.stdout).toMatch(/OK: the server accepts us/);
  });

  it('exits 1 with the categorized cause (wrong password over STARTTLS, password from SMTP_PASSWORD)', async () => {
    process.env.SMTP_PASSWORD = 'wrong';
    const r = await cli([
      '--json',
      'mail',
      'test',
      '--allow-unverified-tls',
      '--smtp',
      `smtp://curator@127.0.0.1:${starttlsAuth.port}?security=starttls`,
    ]);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout);
    expect(report).toMatchObject({ ok: false, failure: { code: 'SMTP_AUTH_FAILED', cause: { responseCode: 535 } } });
    process.env.SMTP_PASSWORD = creds.pass;
    const good = await cli([
      'mail',
      'test',
      '--allow-unverified-tls',
      '--smtp',
      `smtp://curator@127.0.0.1:${starttlsAuth.port}?security=starttls`,
    ]);
    expect(good.code).toBe(0);
    expect(good.stdout).toMatch(/certificate: CN=localhost issued by CN=localhost/);
  });

  it('exits 1 on a refused port, and 2 on a bad --smtp URL or a password in it', async () => {
    const closed = await startSmtpSink();
    await closed.stop();
    const refused = await cli(['mail', 'test', '--smtp', `smtp://127.0.0.1:${closed.port}`]);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toMatch(/FAILED \[SMTP_CONNECTION_FAILED\].*connection refused/);
    expect((await cli(['mail', 'test', '--smtp', 'http://x'])).code).toBe(2);
    const leaked = await cli(['mail', 'test', '--smtp', 'smtp://u:secret@127.0.0.1:25']);
    expect(leaked.code).toBe(2);
    expect(leaked.stderr).toMatch(/SMTP_PASSWORD/);
    expect((await cli(['mail', 'test'])).code).toBe(2);
  });
});

describe('sysndd-admin mail send / templates', () => {
  it("--profile: exit 0 with the profile's SMTP, 1 with the categorized cause, 3 when the profile has no SMTP", async () => {
    const smtpFlags = ['--smtp-host', '127.0.0.1', '--smtp-port', String(starttlsAuth.port), '--smtp-security', 'starttls'];
    const add = (name: string, extra: string[]) =>
      cli(['profile', 'add', name, '--mysql-host', '127.0.0.1', '--mysql-user', 'root', ...extra]);
    expect((await add('mail-ok', [...smtpFlags, '--smtp-user', creds.user, '--smtp-from', 'noreply@sysndd.test'])).code).toBe(0);
    expect((await add('mail-none', [])).code).toBe(0);

    // No OS keyring in tests (SYSNDD_ADMIN_SECRETS=memory): the saved password is gone in the next run, so the
    // CLI takes SMTP_PASSWORD, like MYSQL_PWD for connections.
    process.env.SMTP_PASSWORD = creds.pass;
    const ok = await cli(['--json', 'mail', 'test', '--profile', 'mail-ok', '--allow-unverified-tls']);
    expect(ok.code).toBe(0);
    const report = JSON.parse(ok.stdout) as { ok: boolean; target: { port: number; user: string } };
    expect(report).toMatchObject({ ok: true, target: { port: starttlsAuth.port, user: creds.user } });

    process.env.SMTP_PASSWORD = 'wrong';
    const bad = await cli(['--json', 'mail', 'test', '--profile', 'mail-ok', '--allow-unverified-tls']);
    expect(bad.code).toBe(1);
    expect(JSON.parse(bad.stdout)).toMatchObject({ ok: false, failure: { code: 'SMTP_AUTH_FAILED' } });

    const connections = starttlsAuth.connectionCount();
    const none = await cli(['mail', 'test', '--profile', 'mail-none']);
    expect(none.code).toBe(3);
    expect(none.stderr).toMatch(/PRECONDITION_FAILED.*has no SMTP settings/);
    expect(starttlsAuth.connectionCount()).toBe(connections);
    expect((await cli(['mail', 'test', '--profile', 'no-such-profile'])).code).not.toBe(0);

    const help = await cli(['mail', 'test', '--help']);
    expect(help.stdout).toMatch(/3 precondition: the profile has no SMTP settings/);
  });

  it('sends a template with --data to the sink', async () => {
    const r = await cli([
      '--json',
      'mail',
      'send',
      '--smtp',
      `smtp://127.0.0.1:${plain.port}?from=admin@sysndd.test`,
      '--to',
      'new.user@sysndd.test',
      '--template',
      'account-approved',
      '--data',
      'userName=newuser',
      '--data',
      'initialPassword=Pa55&<word>',
    ]);
    expect(r.code).toBe(0);
    const result = JSON.parse(r.stdout);
    const m = await plain.waitForMessage((x) => x.parsed.messageId === result.messageId);
    expect(m.from).toBe('admin@sysndd.test');
    expect(m.parsed.subject).toBe('Your SysNDD account was approved');
    expect(m.parsed.text).toContain('Initial password: Pa55&<word>');
    expect(String(m.parsed.html)).toContain('Pa55&amp;&lt;word&gt;');
  });

  it('lists templates and previews one', async () => {
    const list = await cli(['mail', 'templates']);
    expect(list.stdout).toMatch(/password-reset .*resetUrl/);
    const html = await cli([
      'mail',
      'templates',
      '--preview',
      'registration-received',
      '--format',
      'html',
      '--data',
      'firstName=<i>Eve</i>',
    ]);
    expect(html.code).toBe(0);
    expect(html.stdout).toContain('&lt;i&gt;Eve&lt;/i&gt;');
    expect((await cli(['mail', 'templates', '--preview', 'registration-received', '--data', 'no-equals-sign'])).code).toBe(2);
    const bad = await cli(['mail', 'templates', '--preview', 'registration-received', '--data', 'colour=red']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/no field "colour"/);
  });
});

describe('sysndd-admin mail capture (child process)', () => {
  let child: ChildProcess | null = null;
  afterAll(() => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
  });

  it('runs until SIGINT, prints JSON lines for captured mail, and `mail list` reads it back', async () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'sysndd-mail-capture-'));
    const env = { ...process.env, SYSNDD_ADMIN_HOME: home, SYSNDD_ADMIN_SECRETS: 'memory', SYSNDD_ADMIN_FROM_SOURCE: '1' };
    const bin = path.resolve('bin/sysndd-admin.mjs');
    const proc = spawn(process.execPath, [bin, '--json', 'mail', 'capture', '--smtp-port', '0', '--http-port', '0'], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = proc;
    const lines: Array<Record<string, unknown>> = [];
    let stderr = '';
    let buffer = '';
    proc.stderr?.on('data', (d) => (stderr += d));
    proc.stdout?.on('data', (d) => {
      buffer += d;
      const parts = buffer.split('\n');
      buffer = parts.pop() ?? '';
      for (const p of parts) if (p.trim()) lines.push(JSON.parse(p));
    });
    // Wait for the "listening" line; if the process dies first, fail with what it printed.
    const exited = new Promise<never>((_, reject) =>
      proc.once('exit', (c) => reject(new Error(`mail capture exited ${c}: ${stderr}`))),
    );
    await Promise.race([
      expect.poll(() => lines.find((l) => l.type === 'listening'), { timeout: 30_000 }).toMatchObject({ running: true }),
      exited,
    ]);
    exited.catch(() => {});
    const listening = lines.find((l) => l.type === 'listening') as { smtpPort: number; url: string };
    const transport = createTransport({ host: '127.0.0.1', port: listening.smtpPort, secure: false, ignoreTLS: true });
    await transport.sendMail({ from: 'cli@sysndd.test', to: 'x@sysndd.test', subject: 'Captured by the CLI', text: 'hello' });
    transport.close();
    await expect
      .poll(() => lines.find((l) => l.type === 'captured'), { timeout: 10_000 })
      .toMatchObject({
        subject: 'Captured by the CLI',
        from: 'cli@sysndd.test',
      });

    const list = await cli(['--json', 'mail', 'list', '--mailpit', listening.url, '--query', 'subject:"by the CLI"']);
    expect(list.code).toBe(0);
    expect(JSON.parse(list.stdout).messages[0]).toMatchObject({ Subject: 'Captured by the CLI' });

    proc.kill('SIGINT');
    const code = await new Promise<number | null>((resolve) => proc.once('exit', (c) => resolve(c)));
    expect(code).toBe(0);
    const unreachable = await cli(['mail', 'list', '--mailpit', listening.url]);
    expect(unreachable.code).toBe(1);
    expect(unreachable.stderr).toMatch(/MAILPIT_UNREACHABLE/);
  });
});
