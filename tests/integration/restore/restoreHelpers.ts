import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import type mysql from 'mysql2/promise';
import type { ArgsIn, ResultOf } from '../../../src/shared/contract/index';
import type { JobSnapshot } from '../../../src/shared/contract/jobs';
import type { RestoreOptionsIn } from '../../../src/shared/contract/restore';
import type { TestApp } from '../../fixtures/app';
import { mysqlInfo, rootConnection } from '../../fixtures/mysql';
import { checksums, objectDefinitions } from '../backups/fixtureDb';

export { buildFixtureDb, checksums, objectDefinitions } from '../backups/fixtureDb';

/** Checksums and object definitions: what must come out of a restore equal to what went in. */
export async function snapshot(
  database: string,
): Promise<{ checksums: Record<string, string>; definitions: Record<string, string> }> {
  const c = await rootConnection();
  try {
    return { checksums: await checksums(c, database), definitions: await objectDefinitions(c, database) };
  } finally {
    await c.end();
  }
}

/** Schemas a restore of `db` may leave behind (`db__restore_*`, `db__prev_*`). */
export async function sideSchemas(db: string): Promise<string[]> {
  const c = await rootConnection();
  try {
    const [rows] = await c.query(
      'SELECT SCHEMA_NAME AS n FROM information_schema.SCHEMATA WHERE SCHEMA_NAME LIKE ? OR SCHEMA_NAME LIKE ? ORDER BY 1',
      [`${db}\\_\\_restore\\_%`, `${db}\\_\\_prev\\_%`],
    );
    return (rows as Array<{ n: string }>).map((r) => r.n);
  } finally {
    await c.end();
  }
}

export async function dropSchemas(names: string[]): Promise<void> {
  const c = await rootConnection();
  try {
    for (const n of names) await c.query(`DROP DATABASE IF EXISTS \`${n}\``);
  } finally {
    await c.end();
  }
}

/**
 * Run the engine's real dump tool against the test server: mariadb-dump, or mysqldump on MySQL (password
 * via a 0600 defaults file, never argv).
 */
export async function mariadbDump(database: string, out: string, extra: string[] = []): Promise<string> {
  const info = mysqlInfo();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rs-cnf-'));
  const cnf = path.join(dir, 'client.cnf');
  fs.writeFileSync(
    cnf,
    `[client]\nhost=${info.host}\nport=${info.port}\nuser=${info.rootUser}\npassword=${info.rootPassword}\nprotocol=TCP\n`,
    {
      mode: 0o600,
    },
  );
  try {
    await new Promise<void>((resolve, reject) => {
      const { command, args } = info.clients.dump;
      const p = spawn(
        command,
        [
          ...args,
          `--defaults-extra-file=${cnf}`,
          '--single-transaction',
          '--routines',
          '--events',
          '--triggers',
          ...extra,
          database,
        ],
        {
          stdio: ['ignore', fs.openSync(out, 'w'), 'pipe'],
        },
      );
      let err = '';
      p.stderr?.on('data', (d: Buffer) => {
        err += d.toString();
      });
      p.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`${info.engine} dump tool exited ${code}: ${err}`))));
    });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return out;
}

export function gzipFile(src: string, dst: string): string {
  fs.writeFileSync(dst, zlib.gzipSync(fs.readFileSync(src), { level: 1 }));
  return dst;
}

/**
 * The server-wide migration lock is also taken by other test files running at the same time (migrations,
 * other restores): tests wait for it generously instead of racing them.
 */
export const TEST_LOCK_TIMEOUT_SECONDS = 300;

/**
 * restore.preflight, asked again while its only failing check is the migration lock: another test file on
 * the same server holds the server-wide lock for a moment (a migration, a restore). Polls on that condition,
 * up to TEST_LOCK_TIMEOUT_SECONDS; any other failure, or the lock still held then, is returned as it is.
 */
export async function preflightWhenLockFree(
  t: TestApp,
  args: ArgsIn<'restore.preflight'>,
): Promise<ResultOf<'restore.preflight'>> {
  const deadline = Date.now() + TEST_LOCK_TIMEOUT_SECONDS * 1000;
  for (;;) {
    const report = await t.ok('restore.preflight', args);
    const failing = report.checks.filter((c) => c.status === 'fail').map((c) => c.id);
    if (failing.join() !== 'migration-lock' || Date.now() > deadline) return report;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** Start a restore through dispatch and wait for the job to end. */
export async function restoreAndWait(
  t: TestApp,
  args: { profileId: string; file: string; targetDatabase?: string; options?: RestoreOptionsIn },
): Promise<JobSnapshot> {
  const options = { lockTimeoutSeconds: TEST_LOCK_TIMEOUT_SECONDS, ...args.options };
  const job = await t.ok('restore.start', { ...args, options, confirm: 'RESTORE' });
  return t.app.jobs.wait(job.id, 600_000);
}

export async function waitJob(t: TestApp, job: JobSnapshot): Promise<JobSnapshot> {
  return t.app.jobs.wait(job.id, 600_000);
}

export async function jobErrors(t: TestApp, job: JobSnapshot): Promise<string> {
  const log = await t.ok('jobs.log', { id: job.id, afterSeq: 0 });
  return log.map((l) => `${l.level}: ${l.message}`).join('\n');
}

export async function query<T = Record<string, unknown>>(c: mysql.Connection, sql: string, params: unknown[] = []): Promise<T[]> {
  const [rows] = await c.query(sql, params);
  return rows as T[];
}

/** Schemas whose name contains `part` (to prove nothing was created). */
export async function schemasContaining(part: string): Promise<string[]> {
  const c = await rootConnection();
  try {
    return (
      await query<{ n: string }>(c, 'SELECT SCHEMA_NAME AS n FROM information_schema.SCHEMATA WHERE INSTR(SCHEMA_NAME, ?) > 0', [
        part,
      ])
    ).map((r) => r.n);
  } finally {
    await c.end();
  }
}
