import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createFileLogger, logFile, REDACTED } from '../../src/main/platform/logging/logger';
import { RotatingFileDestination } from '../../src/main/platform/logging/RotatingFileDestination';
import { KnownSecrets, MIN_SCRUBBED_LENGTH, scrubUrlPasswords } from '../../src/main/platform/logging/secretScrub';
import { createTestApp, type TestApp } from '../fixtures/app';

const dirs: string[] = [];
let t: TestApp | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});
function tmp(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sysndd-log-'));
  dirs.push(dir);
  return dir;
}
const lines = (file: string) =>
  fs
    .readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);

describe('log file: secrets redacted', () => {
  it('redacts password, passphrase, secret(s), token and authorization keys at any depth it may appear', () => {
    const file = path.join(tmp(), 'logs', 'sysndd-admin.log');
    const logger = createFileLogger(file);
    logger.info({ password: 'PW-TOP-1', user: 'sysndd' }, 'top level');
    logger.info({ profile: { mysql: { user: 'u', password: 'PW-DEEP-2' }, ssh: { passphrase: 'PP-3' } } }, 'nested');
    logger.info({ secrets: { 'mysql.password': 'PW-MAP-4', 'smtp.password': 'PW-MAP-5' } }, 'secret map');
    logger.warn({ request: { headers: { authorization: 'Bearer TOK-6', Authorization: 'Basic TOK-7' } } }, 'headers');
    logger.error({ args: { token: 'TOK-8', apiKey: 'KEY-9', secret: 'S-10', smtp: { privateKey: 'PK-11' } } }, 'misc');

    const text = fs.readFileSync(file, 'utf8');
    for (const planted of [
      'PW-TOP-1',
      'PW-DEEP-2',
      'PP-3',
      'PW-MAP-4',
      'PW-MAP-5',
      'TOK-6',
      'TOK-7',
      'TOK-8',
      'KEY-9',
      'S-10',
      'PK-11',
    ]) {
      expect(text).not.toContain(planted);
    }
    const [top, nested, map, headers] = lines(file);
    expect(top).toMatchObject({ password: REDACTED, user: 'sysndd', msg: 'top level', level: 30 });
    expect(nested).toMatchObject({ profile: { mysql: { user: 'u', password: REDACTED }, ssh: { passphrase: REDACTED } } });
    expect(map).toMatchObject({ secrets: REDACTED });
    expect(headers).toMatchObject({ request: { headers: { authorization: REDACTED, Authorization: REDACTED } } });
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
  });

  it("writes the App's job lifecycle to <home>/logs/sysndd-admin.log, one line per state change", async () => {
    t = createTestApp({ home: tmp() });
    const job = await t.ok('jobs.demo', { steps: 3, stepMs: 1 });
    await t.ok('jobs.wait', { id: job.id, timeoutMs: 5000 });
    const log = lines(logFile(t.home)).filter((l) => l.jobId === job.id);
    expect(log.map((l) => l.msg)).toEqual(['job started', 'job succeeded']);
    expect(log[0]).toMatchObject({ kind: 'demo', door: 'test', state: 'running' });
    expect(typeof log[1]?.durationMs).toBe('number');
  });
});

describe('log file: secrets scrubbed from strings', () => {
  it('URL passwords in messages and string fields: mysql://, mariadb://, smtp(s)://, an unescaped @ inside', () => {
    const file = path.join(tmp(), 'app.log');
    const logger = createFileLogger(file);
    logger.warn('connect failed for mysql://sysndd:PW-URL-1@db.example:3306/sysndd_db, retrying');
    logger.warn({ error: { message: 'smtp error at smtps://mailer:PW-URL-2@smtp.example:465' } }, 'mail failed');
    logger.info({ dsn: 'mariadb://root:PW-URL@3@127.0.0.1/x' }, 'dsn with an @ in the password');
    logger.info('no password here: mysql://reader@db.example/sysndd and https://example.org/a:b@c');

    const text = fs.readFileSync(file, 'utf8');
    for (const planted of ['PW-URL-1', 'PW-URL-2', 'PW-URL@3', '@3@']) expect(text).not.toContain(planted);
    const [first, second, third, fourth] = lines(file);
    expect(first?.msg).toBe(`connect failed for mysql://sysndd:${REDACTED}@db.example:3306/sysndd_db, retrying`);
    expect(second).toMatchObject({ error: { message: `smtp error at smtps://mailer:${REDACTED}@smtp.example:465` } });
    expect(third).toMatchObject({ dsn: `mariadb://root:${REDACTED}@127.0.0.1/x` });
    // Without a password nothing changes: the user stays visible (useful when debugging), paths are untouched.
    expect(fourth?.msg).toBe('no password here: mysql://reader@db.example/sysndd and https://example.org/a:b@c');
  });

  it('known secret values anywhere in a line, also when JSON escaping changed them; short values left alone', () => {
    const known = new KnownSecrets();
    known.add('s3cr3t-"quoted"\\back');
    known.add('hunter22');
    known.add('abc'); // below MIN_SCRUBBED_LENGTH: would shred the log
    expect(MIN_SCRUBBED_LENGTH).toBe(4);
    expect(known.size).toBe(2);
    const file = path.join(tmp(), 'app.log');
    const logger = createFileLogger(file, { knownSecrets: known });
    logger.info('user typed hunter22 as the SSH passphrase');
    logger.error({ err: new Error('Access denied (using password: s3cr3t-"quoted"\\back)') }, 'abc stays');

    const text = fs.readFileSync(file, 'utf8');
    expect(text).not.toContain('hunter22');
    expect(text).not.toContain('s3cr3t');
    const [a, b] = lines(file);
    expect(a?.msg).toBe(`user typed ${REDACTED} as the SSH passphrase`);
    expect(b).toMatchObject({ err: { message: `Access denied (using password: ${REDACTED})` } });
    expect(b?.msg).toBe('abc stays');
  });

  it('the App registers what passes through its secret store, and env stand-ins, and scrubs them from its log', async () => {
    process.env.SMTP_PASSWORD = 'env-smtp-PW-42';
    try {
      t = createTestApp({ home: tmp() });
    } finally {
      delete process.env.SMTP_PASSWORD;
    }
    const profile = await t.ok('profiles.create', {
      profile: { name: 'p', environment: 'development', mysql: { host: '127.0.0.1', user: 'u' } },
      secrets: { 'mysql.password': 'stored-PW-0815' },
    });
    // A fresh read (e.g. by a connection after a restart) registers too, not only the write.
    expect(await t.app.profiles.secret(profile.id, 'mysql.password')).toBe('stored-PW-0815');
    t.app.logger.warn(`login as u with stored-PW-0815 refused; SMTP tried env-smtp-PW-42`);
    const text = fs.readFileSync(logFile(t.home), 'utf8');
    expect(text).not.toContain('stored-PW-0815');
    expect(text).not.toContain('env-smtp-PW-42');
    expect(text).toContain(`login as u with ${REDACTED} refused; SMTP tried ${REDACTED}`);
  });

  it('scrubUrlPasswords stops at whitespace, quotes and the path', () => {
    expect(scrubUrlPasswords('"mysql://a:b@h/db" next: x@y')).toBe(`"mysql://a:${REDACTED}@h/db" next: x@y`);
    expect(scrubUrlPasswords('mysql://a:b@h mysql://c:d@i')).toBe(`mysql://a:${REDACTED}@h mysql://c:${REDACTED}@i`);
  });
});

describe('log file: size-capped rotation', () => {
  it('rotates past the cap, keeps N old files, and drops the oldest', () => {
    const file = path.join(tmp(), 'app.log');
    const dest = new RotatingFileDestination(file, { maxBytes: 1000, keep: 2 });
    const line = `${'x'.repeat(99)}\n`;
    for (let i = 0; i < 35; i++) dest.write(line);
    expect(fs.statSync(file).size).toBeLessThanOrEqual(1000);
    expect(fs.statSync(`${file}.1`).size).toBe(1000);
    expect(fs.statSync(`${file}.2`).size).toBe(1000);
    expect(fs.existsSync(`${file}.3`)).toBe(false);
    expect(fs.statSync(file).size).toBe(500);
  });

  it('rotates an oversized file left by an earlier run on the first write', () => {
    const file = path.join(tmp(), 'app.log');
    fs.writeFileSync(file, 'y'.repeat(2000));
    const dest = new RotatingFileDestination(file, { maxBytes: 1000, keep: 3 });
    dest.write('fresh\n');
    expect(fs.readFileSync(file, 'utf8')).toBe('fresh\n');
    expect(fs.statSync(`${file}.1`).size).toBe(2000);
  });

  it('notices a rotation done by another process sharing the file', () => {
    const file = path.join(tmp(), 'app.log');
    const a = new RotatingFileDestination(file, { maxBytes: 100, keep: 3 });
    const b = new RotatingFileDestination(file, { maxBytes: 100, keep: 3 });
    a.write(`${'a'.repeat(59)}\n`);
    b.write(`${'b'.repeat(59)}\n`); // b finds a's 60 bytes: 120 would pass the cap, so b rotates first
    a.write(`${'c'.repeat(9)}\n`); // a finds b's 60 bytes (not its own 60): 70 fits, no rotation
    expect(fs.readFileSync(`${file}.1`, 'utf8')).toBe(`${'a'.repeat(59)}\n`);
    expect(fs.readFileSync(file, 'utf8')).toBe(`${'b'.repeat(59)}\n${'c'.repeat(9)}\n`);
  });
});
