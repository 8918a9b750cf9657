/**
 * Benchmark of `backup diff`: a 2,000,000-row table (BENCH_ROWS) is backed up with our engine, 1 % of its
 * rows are then changed (0.4 % deleted, 0.6 % updated) and one child process — a fresh App, as the CLI
 * would run it — compares the table with the backup (load into the scratch schema + counts by primary key),
 * reads the first page of changed rows, exports every removed and changed row as SQL into a file and closes
 * the diff. The child prints wall time per phase and its peak RSS (getrusage maxrss).
 *
 * Run: node --import tsx bench/diff.ts   (MYSQL_BENCH_URL=mysql://root:pw@host:port to use another server)
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import mysql from 'mysql2/promise';
import { App } from '../src/main/app/App';
import { MariaDbServer } from '../src/main/features/sandbox/MariaDbServer';
import { MemorySecretStore } from '../src/main/platform/secrets/SecretStore';
import type { DiffSummary } from '../src/shared/contract/backupDiff';

const ROWS = Number(process.env.BENCH_ROWS ?? 2_000_000);

interface Target {
  host: string;
  port: number;
  user: string;
  password: string;
}

async function child(): Promise<void> {
  const t = JSON.parse(process.env.BENCH_DIFF_TARGET as string) as Target & { file: string; out: string };
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'sysndd-bench-diff-home-'));
  const app = new App({ door: 'test', secrets: new MemorySecretStore(null), home });
  const profile = await app.profiles.create(
    { name: 'bench', environment: 'development', mysql: { host: t.host, port: t.port, user: t.user, database: 'bench_src' } },
    { 'mysql.password': t.password },
  );
  const diffs = app.backupDiffs;
  const started = performance.now();
  const job = await app.jobs.wait(diffs.start({ profileId: profile.id, file: t.file, table: 'big' }).id, 3_600_000);
  if (job.state !== 'succeeded') throw new Error(`diff failed: ${JSON.stringify(job.error)}`);
  const d = job.result as DiffSummary;
  const counted = performance.now();
  const page = await diffs.rows(d.diffId, 'changed', undefined, 100);
  const paged = performance.now();
  const exported = await diffs.export(d.diffId, { kinds: ['removed', 'changed'], file: t.out });
  const done = performance.now();
  await diffs.close(d.diffId);
  await app.close();
  console.log(
    JSON.stringify({
      counts: d.counts,
      loadMs: d.loadMs,
      compareMs: d.compareMs,
      diffWallS: (counted - started) / 1000,
      firstPageMs: paged - counted,
      pageRows: page.rows.length,
      exportS: (done - paged) / 1000,
      exportRows: exported.rows,
      exportBytes: exported.bytes,
      peakRssMb: process.resourceUsage().maxRSS / 1024,
    }),
  );
}

async function main(): Promise<void> {
  const baseDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sysndd-bench-diff-'));
  const server = new MariaDbServer({
    baseDir,
    rootPassword: 'bench-root-pw',
    durable: true,
    bufferPoolSize: '1G',
    extraArgs: ['--innodb-log-file-size=512M', '--max-allowed-packet=64M'],
  });
  const info = await server.start();
  const target: Target = { host: info.host, port: info.port, user: info.rootUser, password: info.rootPassword };
  const root = await mysql.createConnection({ ...target });
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'sysndd-bench-diff-home-'));
  const app = new App({ door: 'test', secrets: new MemorySecretStore(null), home });
  try {
    console.log(`Generating ${ROWS} rows...`);
    await root.query('CREATE DATABASE bench_src CHARACTER SET utf8mb4');
    await root.query(`CREATE TABLE bench_src.big (
      id INT NOT NULL PRIMARY KEY, name VARCHAR(100) NOT NULL, descr TEXT, amount DECIMAL(12,2), created DATETIME NOT NULL,
      payload BLOB, code VARCHAR(32), KEY idx_created (created)) ENGINE=InnoDB`);
    await root.query(`INSERT INTO bench_src.big SELECT seq, CONCAT('gene-', seq, '-', MD5(seq)), IF(seq % 7 = 0, NULL, REPEAT(CONCAT(MD5(seq), ' '), 3)),
      IF(seq % 5 = 0, NULL, (seq * 37) % 1000000 / 100), '2020-01-01' + INTERVAL (seq * 13) SECOND, IF(seq % 3 = 0, NULL, UNHEX(CONCAT(MD5(seq), SHA1(seq)))),
      IF(seq % 11 = 0, NULL, SUBSTR(SHA1(seq), 1, 10)) FROM bench_src.seq_1_to_${ROWS}`);
    const profile = await app.profiles.create(
      {
        name: 'bench',
        environment: 'development',
        mysql: { host: target.host, port: target.port, user: target.user, database: 'bench_src' },
      },
      { 'mysql.password': target.password },
    );
    const backup = await app.backups.createBackup(profile.id, { dir: baseDir, workers: 2 }, {});
    console.log(`backup: ${fs.statSync(backup.path).size} bytes`);
    // 1 % of the rows: 0.4 % deleted, 0.6 % changed.
    await root.query('DELETE FROM bench_src.big WHERE id % 250 = 1');
    await root.query("UPDATE bench_src.big SET name = CONCAT(name, '*') WHERE id % 500 IN (2, 3, 4)");
    const r = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url)], {
      env: {
        ...process.env,
        BENCH_DIFF_TARGET: JSON.stringify({ ...target, file: backup.path, out: path.join(baseDir, 'rows.sql') }),
      },
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    if (r.status !== 0) throw new Error(`child exited ${r.status}: ${r.stdout}`);
    console.log(r.stdout.trim().split('\n').at(-1));
  } finally {
    await root.end();
    await app.close();
    await server.stop();
    fs.rmSync(baseDir, { recursive: true, force: true });
  }
}

(process.env.BENCH_DIFF_TARGET ? child() : main()).catch((err) => {
  console.error(err);
  process.exit(1);
});
