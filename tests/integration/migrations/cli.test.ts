import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../../src/main/cli/program';
import { createTestDatabase, mysqlInfo, type TestDatabase } from '../../fixtures/mysql';
import { migrationsFolder } from './helpers';

interface Ran {
  code: number;
  out: string;
  err: string;
}

let db: TestDatabase;
let dir: string;
let home: string;
let url: string;

/** The CLI in-process, through the same program and dispatch as the binary. */
async function cli(...args: string[]): Promise<Ran> {
  let out = '';
  let err = '';
  const sink = (append: (s: string) => void) =>
    new Writable({
      write(chunk: Buffer, _enc, cb) {
        append(chunk.toString());
        cb();
      },
    });
  const saved = { ...process.env };
  Object.assign(process.env, {
    SYSNDD_ADMIN_HOME: home,
    SYSNDD_ADMIN_SECRETS: 'memory',
    MYSQL_PWD: mysqlInfo().password,
    NO_COLOR: '1',
  });
  try {
    const code = await runCli(args, { stdout: sink((s) => (out += s)), stderr: sink((s) => (err += s)) });
    return { code, out, err };
  } finally {
    process.env = saved;
  }
}

beforeAll(async () => {
  db = await createTestDatabase('mig_cli');
  dir = migrationsFolder({
    '001_create.sql': 'CREATE TABLE c (id INT);\nINSERT INTO c VALUES (1);\n',
    '002_alter.sql': 'ALTER TABLE c ADD COLUMN x INT NULL;\n',
  });
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'sysndd-cli-mig-'));
  const info = mysqlInfo();
  url = `mysql://${info.user}@${info.host}:${info.port}/${db.name}`;
});
afterAll(async () => {
  await db.drop();
  fs.rmSync(dir, { recursive: true, force: true });
  fs.rmSync(home, { recursive: true, force: true });
});

describe('sysndd-admin migrate (CLI)', () => {
  it('documents every subcommand in --help', async () => {
    const r = await cli('migrate', '--help');
    expect(r.code).toBe(0);
    for (const sub of ['status', 'up', 'validate', 'dry-run', 'baseline', 'repair', 'show', 'history', 'lock'])
      expect(r.out).toContain(sub);
  });

  it('plans a folder offline with implicit-commit flags', async () => {
    const r = await cli('migrate', 'dry-run', '--migrations-dir', dir);
    expect(r.code).toBe(0);
    expect(r.out).toContain('2 file(s), 3 statement(s), 2 commit implicitly (planned without a database');
    expect(r.out).toMatch(/1\. line 1 \[implicit commit\] CREATE TABLE/);
    expect(r.out).toMatch(/2\. line 2 \[transactional\] INSERT/);
  });

  it('status --json is machine-readable', async () => {
    const r = await cli('--json', 'migrate', 'status', '--url', url, '--migrations-dir', dir);
    expect(r.code).toBe(0);
    const s = JSON.parse(r.out);
    expect(s.pending).toEqual(['001_create.sql', '002_alter.sql']);
    expect(s.database).toBe(db.name);
  });

  it('refuses a baseline without --confirm (exit 3) and explains what it would do', async () => {
    const r = await cli('migrate', 'baseline', '--up-to', '001', '--url', url, '--migrations-dir', dir);
    expect(r.code).toBe(3);
    expect(r.err).toContain(
      'error [CONFIRMATION_REQUIRED]: Baselining records 1 file(s) as applied without running them: 001_create.sql.',
    );
  });

  it('applies, then validate exits 1 on drift and prints the diff', async () => {
    const up = await cli('migrate', 'up', '--url', url, '--migrations-dir', dir);
    expect(up.code).toBe(0);
    expect(up.out).toContain('applied 002_alter.sql (1 statement');
    fs.writeFileSync(path.join(dir, '002_alter.sql'), 'ALTER TABLE c ADD COLUMN x BIGINT NULL;\n');
    const v = await cli('migrate', 'validate', '--url', url, '--migrations-dir', dir);
    expect(v.code).toBe(1);
    expect(v.out).toContain('INVALID: 1 error(s)');
    expect(v.out).toContain('+ALTER TABLE c ADD COLUMN x BIGINT NULL;');
    const accept = await cli(
      'migrate',
      'repair',
      'accept-checksum',
      '002_alter.sql',
      '--confirm',
      '--url',
      url,
      '--migrations-dir',
      dir,
    );
    expect(accept.code).toBe(0);
    expect((await cli('migrate', 'validate', '--url', url, '--migrations-dir', dir)).code).toBe(0);
  });

  it('rejects bad arguments with exit 2', async () => {
    expect((await cli('migrate', 'up', '--url', url, '--lock-timeout', 'soon')).code).toBe(2);
    expect((await cli('migrate', 'repair', 'resume', '001_create.sql', '--from', '0', '--url', url)).code).toBe(2);
  });
});
