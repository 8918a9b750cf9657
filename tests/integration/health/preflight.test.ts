import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../../src/main/doors/cli/program';
import { ReadinessReport } from '../../../src/shared/contract/health';
import { createTestDatabase, mysqlInfo, type TestDatabase } from '../../fixtures/mysql';
import { migrationsFolder } from '../migrations/helpers';
import { closedPort } from './helpers';

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
  db = await createTestDatabase('preflight');
  dir = migrationsFolder({ '001_gene.sql': 'CREATE TABLE gene (id INT PRIMARY KEY);\n' });
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'sysndd-cli-preflight-'));
  const info = mysqlInfo();
  url = `mysql://${info.user}@${info.host}:${info.port}/${db.name}`;
});
afterAll(async () => {
  await db?.drop();
  for (const d of [dir, home]) if (d) fs.rmSync(d, { recursive: true, force: true });
});

describe('sysndd-admin preflight', () => {
  it('exits 1 while a migration is pending, naming it and the command that fixes it', async () => {
    const r = await cli('preflight', '--url', url, '--migrations-dir', dir);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/^Preflight of "sysndd_test@127\.0\.0\.1:\d+" \(development\): NOT READY — /);
    expect(r.out).toMatch(/✗ FAIL {2}Pending migrations +\d+ ms {2}1 pending file: 001_gene\.sql/);
    expect(r.out).toContain('→ sysndd-admin migrate status  (console: #/migrations)');
    expect(r.out).toMatch(/✓ ok {4}Database reachable/);
  });

  it('--json prints the report for scripts (same exit code)', async () => {
    const r = await cli('--json', 'preflight', '--url', url, '--migrations-dir', dir);
    expect(r.code).toBe(1);
    const report = ReadinessReport.parse(JSON.parse(r.out));
    expect(report.ready).toBe(false);
    expect(report.checks.find((c) => c.id === 'migrations.pending')).toMatchObject({ status: 'fail', fixPage: 'migrations' });
  });

  it('exits 0 once the database is ready (warnings, such as no backup yet, do not block)', async () => {
    expect((await cli('migrate', 'up', '--url', url, '--migrations-dir', dir)).code).toBe(0);
    const r = await cli('preflight', '--json', '--url', url, '--migrations-dir', dir, '--backup-max-age', '48');
    expect(r.code).toBe(0);
    const report = ReadinessReport.parse(JSON.parse(r.out));
    expect(report).toMatchObject({ ready: true, settings: { backupMaxAgeHours: 48 } });
    expect(report.checks.find((c) => c.id === 'backups.age')).toMatchObject({ status: 'warn', summary: 'no backup found' });
    const human = await cli('preflight', '--url', url, '--migrations-dir', dir);
    expect(human.code).toBe(0);
    expect(human.out).toContain('): READY — ');
  });

  it('exits 1 for an unreachable host (closed port)', async () => {
    const port = await closedPort();
    const r = await cli('--json', 'preflight', '--url', `mysql://root@127.0.0.1:${port}/x`, '--timeout', '5');
    expect(r.code).toBe(1);
    const report = ReadinessReport.parse(JSON.parse(r.out));
    expect(report.checks.find((c) => c.id === 'database')).toMatchObject({ status: 'fail', code: 'HOST_UNREACHABLE' });
    expect(report.settings.timeoutMs).toBe(5000);
  });

  it('exits 2 on usage errors', async () => {
    expect((await cli('preflight', '--url', url, '--timeout', 'soon')).code).toBe(2);
    expect((await cli('preflight', '--url', url, '--backup-max-age', '-1')).code).toBe(2);
    const none = await cli('preflight');
    expect(none.code).toBe(2);
    expect(none.err).toContain('Give --profile NAME or --url');
  });

  it('exits 1 for a profile that does not exist', async () => {
    const r = await cli('preflight', '--profile', 'no-such-profile');
    expect(r.code).toBe(1);
    expect(r.err).toContain('error [NOT_FOUND]');
  });
});
