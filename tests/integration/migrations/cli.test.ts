import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../../src/main/doors/cli/program';
import type { AuditEntry } from '../../../src/shared/contract/audit';
import { createTestDatabase, mysqlInfo, type TestDatabase } from '../../fixtures/mysql';
import { migrationsFolder, query, withRoot } from './helpers';

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

describe('sysndd-admin migrate repair (CLI, end to end)', () => {
  let rdb: TestDatabase;
  let rdir: string;
  let rurl: string;
  const target = () => ['--url', rurl, '--migrations-dir', rdir];
  const write = (name: string, sql: string) => fs.writeFileSync(path.join(rdir, name), sql);
  const audit = async (action: string, file: string) => {
    const r = await cli('--json', 'audit', 'list', '--action', action);
    expect(r.code).toBe(0);
    // Targets name the database and the file (`<db>: <file>`), so a row says where it happened.
    return (JSON.parse(r.out) as AuditEntry[]).filter((e) => e.target === `${rdb.name}: ${file}`).map((e) => e.result);
  };
  const recorded = async () =>
    (await query<{ filename: string }>(rdb.name, 'SELECT filename FROM schema_version WHERE success ORDER BY filename')).map(
      (r) => r.filename,
    );

  beforeAll(async () => {
    rdb = await createTestDatabase('mig_cli_repair');
    rdir = migrationsFolder({
      '001_table.sql': 'CREATE TABLE r (id INT);\nALTER TABLE r ADD INDEX idx_r (missing);\nINSERT INTO r VALUES (1);\n',
    });
    const info = mysqlInfo();
    rurl = `mysql://${info.user}@${info.host}:${info.port}/${rdb.name}`;
  });
  afterAll(async () => {
    await rdb.drop();
    fs.rmSync(rdir, { recursive: true, force: true });
  });

  it('repair resume: exit 3 without --confirm (nothing runs), 0 with it; both audited', async () => {
    const up = await cli('migrate', 'up', ...target());
    expect(up.code).toBe(1);
    expect(up.err).toContain('statement 1 of 3 committed; statement 2 (line 2) failed');
    write('001_table.sql', 'CREATE TABLE r (id INT);\nALTER TABLE r ADD INDEX idx_r (id);\nINSERT INTO r VALUES (1);\n');

    const refused = await cli('migrate', 'repair', 'resume', '001_table.sql', ...target());
    expect(refused.code).toBe(3);
    expect(refused.err).toContain('error [CONFIRMATION_REQUIRED]: Resuming 001_table.sql from statement 2 runs statements 2–3');
    expect(await recorded()).toEqual([]);
    expect(await query(rdb.name, 'SELECT id FROM r')).toEqual([]);

    const ok = await cli('migrate', 'repair', 'resume', '001_table.sql', '--confirm', ...target());
    expect(ok.err).not.toMatch(/error/i);
    expect(ok.code).toBe(0);
    expect(await recorded()).toEqual(['001_table.sql']);
    expect(await query(rdb.name, 'SELECT id FROM r')).toEqual([{ id: 1 }]);
    expect(await audit('migrations.repair.resume', '001_table.sql')).toEqual(['succeeded', 'refused']);
  });

  it('repair mark-applied: exit 3 without --confirm, 0 with it; recorded without running, reason audited', async () => {
    write('002_by_hand.sql', 'ALTER TABLE r ADD COLUMN note VARCHAR(10) NULL;\n');
    const args = ['migrate', 'repair', 'mark-applied', '002_by_hand.sql', '--reason', 'column added by hand', ...target()];
    const refused = await cli(...args);
    expect(refused.code).toBe(3);
    expect(refused.err).toContain('error [CONFIRMATION_REQUIRED]');
    expect(await recorded()).toEqual(['001_table.sql']);

    const ok = await cli(...args, '--confirm');
    expect(ok.code).toBe(0);
    expect(await recorded()).toEqual(['001_table.sql', '002_by_hand.sql']);
    // Recorded, not run: the column is still missing.
    expect(
      await query(
        rdb.name,
        "SELECT COLUMN_NAME FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'r' AND COLUMN_NAME = 'note'",
      ),
    ).toEqual([]);
    expect(await audit('migrations.repair.markApplied', '002_by_hand.sql')).toEqual(['succeeded', 'refused']);
    const journal = await query<{ action: string; note: string }>(
      rdb.name,
      "SELECT action, note FROM schema_version_journal WHERE filename = '002_by_hand.sql'",
    );
    expect(journal).toEqual([{ action: 'mark-applied', note: 'column added by hand' }]);
  });

  it("repair adopt: exit 3 without --confirm, 0 with it; SysNDD's rows get checksums, audited", async () => {
    write('003_sysndd.sql', 'CREATE TABLE s (id INT);\n');
    await withRoot(rdb.name, async (c) => {
      await c.query('CREATE TABLE s (id INT)');
      await c.query('INSERT INTO schema_version (filename) VALUES (?)', ['003_sysndd.sql']);
    });
    const state = async () => {
      const r = await cli('--json', 'migrate', 'status', ...target());
      expect(r.code).toBe(0);
      return (JSON.parse(r.out) as { files: Array<{ filename: string; state: string }> }).files.find(
        (f) => f.filename === '003_sysndd.sql',
      )?.state;
    };
    expect(await state()).toBe('applied-no-checksum');

    const refused = await cli('migrate', 'repair', 'adopt', '003_sysndd.sql', ...target());
    expect(refused.code).toBe(3);
    expect(refused.err).toContain('error [CONFIRMATION_REQUIRED]');
    expect(await state()).toBe('applied-no-checksum');

    const ok = await cli('migrate', 'repair', 'adopt', '003_sysndd.sql', '--confirm', ...target());
    expect(ok.code).toBe(0);
    expect(await state()).toBe('applied');
    expect(await audit('migrations.repair.adopt', '003_sysndd.sql')).toEqual(['succeeded', 'refused']);
  });
});
