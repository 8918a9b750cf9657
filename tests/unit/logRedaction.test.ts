import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createFileLogger, logFile, REDACTED } from '../../src/main/logging/logger';
import { RotatingFileDestination } from '../../src/main/logging/RotatingFileDestination';
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
