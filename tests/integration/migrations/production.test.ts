import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../../src/main/doors/cli/program';
import type { AuditEntry } from '../../../src/shared/contract/audit';
import { createTestApp } from '../../fixtures/app';
import { createTestDatabase, mysqlInfo, type TestDatabase } from '../../fixtures/mysql';
import { migrationsFolder, query } from './helpers';

let db: TestDatabase;
let dir: string;
let home: string;
let backups: string;

/** The CLI in-process, through the same program and dispatch as the binary. */
async function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
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

async function audit(): Promise<AuditEntry[]> {
  const r = await cli('--json', 'audit', 'list', '--action', 'migrations.migrate');
  expect(r.code).toBe(0);
  return JSON.parse(r.out) as AuditEntry[];
}

const applied = async () =>
  (await query<{ filename: string }>(db.name, 'SELECT filename FROM schema_version ORDER BY filename').catch(() => [])).map(
    (r) => r.filename,
  );

beforeAll(async () => {
  db = await createTestDatabase('mig_prod');
  await query(db.name, 'CREATE TABLE gene (id INT PRIMARY KEY, symbol VARCHAR(20))');
  await query(db.name, "INSERT INTO gene VALUES (1, 'MECP2'), (2, 'SCN1A')");
  dir = migrationsFolder({
    '001_note.sql': 'ALTER TABLE gene ADD COLUMN note VARCHAR(50) NULL;\n',
    '002_seed.sql': "UPDATE gene SET note = 'checked';\n",
  });
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'sysndd-cli-prod-'));
  backups = path.join(home, 'backups');
  // A saved production profile, as a DBA would have it; the CLI reads its password from MYSQL_PWD.
  const t = createTestApp({ home });
  const info = mysqlInfo();
  await t.ok('profiles.create', {
    profile: {
      name: 'prod',
      environment: 'production',
      mysql: { host: info.host, port: info.port, user: info.user, database: db.name },
      localBackupDir: backups,
    },
  });
  await t.close();
});
afterAll(async () => {
  await db.drop();
  fs.rmSync(dir, { recursive: true, force: true });
  fs.rmSync(home, { recursive: true, force: true });
});

describe('migrate up on a production profile (CLI, real MariaDB)', () => {
  it('without --confirm <db>: exit 3, names the database to type, nothing applied, refusal audited', async () => {
    const r = await cli('migrate', 'up', '--profile', 'prod', '--migrations-dir', dir);
    expect(r.code).toBe(3);
    expect(r.err).toContain('error [CONFIRMATION_REQUIRED]');
    expect(r.err).toContain(`--confirm ${db.name}`);
    // The refusal says what would have run.
    expect(r.err).toContain('Runs 2 pending file(s): 001_note.sql, 002_seed.sql.');
    const wrong = await cli('migrate', 'up', '--profile', 'prod', '--migrations-dir', dir, '--confirm', 'prod');
    expect(wrong.code).toBe(3);
    expect(await applied()).toEqual([]);
    expect(await query(db.name, "SHOW COLUMNS FROM gene LIKE 'note'")).toEqual([]);
    expect(fs.existsSync(backups) ? fs.readdirSync(backups) : []).toEqual([]);
    const rows = await audit();
    expect(rows.map((e) => e.result)).toEqual(['refused', 'refused']);
    expect(rows[0]).toMatchObject({ door: 'cli', target: db.name, actor: `${os.userInfo().username}@${os.hostname()}` });
  });

  it('with --confirm <db>: pre-migration backup first, files applied, one audit row with the OS user and the backup', async () => {
    const r = await cli('migrate', 'up', '--profile', 'prod', '--migrations-dir', dir, '--confirm', db.name);
    expect(r.code).toBe(0);
    // The job log shows the backup taken before the first file ran.
    expect(r.err.indexOf('Pre-migration backup:')).toBeLessThan(r.err.indexOf('001_note.sql: 1 statement applied'));
    expect(r.err.indexOf('Pre-migration backup:')).toBeGreaterThanOrEqual(0);
    expect(r.out).toContain('applied 001_note.sql');
    expect(await applied()).toEqual(['001_note.sql', '002_seed.sql']);
    const files = fs.readdirSync(backups).filter((f) => f.endsWith('.sql.gz'));
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(new RegExp(`^${db.name}_\\d{8}T\\d{6}Z_pre-migration\\.sql\\.gz$`));
    const backup = path.join(backups, files[0] as string);
    expect(r.out).toContain(`pre-migration backup: ${backup}`);
    // The backup holds the data as it was before the migration (no `note` column yet).
    const verified = await cli('--json', 'backup', 'verify', backup);
    expect(verified.code).toBe(0);
    const rows = await audit();
    expect(rows.map((e) => e.result)).toEqual(['succeeded', 'refused', 'refused']);
    expect(rows[0]).toMatchObject({
      door: 'cli',
      target: db.name,
      actor: `${os.userInfo().username}@${os.hostname()}`,
      details: { confirmation: 'database', result: { preMigrationBackup: backup } },
    });
  });
});
