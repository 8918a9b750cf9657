/**
 * Backup and restore on Oracle MySQL (the fixture's debootstrapped root, scripts/pretest.mjs), in one run on
 * one private server and the same rows:
 *   backup:  mysqldump --single-transaction --quick --hex-blob | gzip -1   vs  ours (backups.create, gzip -1)
 *   restore: mysql db < dump.sql (mysqldump's file)                         vs  ours from that dump.sql and
 *            ours from our own backup (preflight, load into the shadow schema, verify, swap)
 * Every restored copy is checked with CHECKSUM TABLE against the source. Targets (issue 14, as on MariaDB):
 * our backup <= 1.0x mysqldump|gzip, our restore <= 0.67x the client.
 *
 * Run: node --import tsx bench/mysql.ts     (or `npm run bench -- --mysql`)
 * Env: BENCH_ROWS (default 2000000), BENCH_WORKERS (our backup and loader connections, default 2).
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mysql from 'mysql2/promise';
import { App } from '../src/main/app/App';
import { MariaDbServer, type MariaDbServerInfo } from '../src/main/features/sandbox/MariaDbServer';
import { type Launcher, requireMySqlBinaries } from '../src/main/features/sandbox/mysqlBinaries';
import { MemorySecretStore } from '../src/main/platform/secrets/SecretStore';
import type { JobSnapshot } from '../src/shared/contract/jobs';

const ROWS = Number(process.env.BENCH_ROWS ?? 2_000_000);
const WORKERS = Number(process.env.BENCH_WORKERS ?? 2);

interface Measure {
  tool: string;
  wall: number;
  bytes?: number;
  checksum?: string;
}

/** A launcher (loader + library path + binary) as one shell word list; the paths hold no spaces or quotes. */
function shellWords(launcher: Launcher, args: string[]): string {
  return [launcher.command, ...launcher.args, ...args].map((w) => `'${w.replace(/'/g, "'\\''")}'`).join(' ');
}

/** Runs `sh -c script`, stdin from a file when given; wall seconds. */
async function timedShell(script: string, stdinFile?: string): Promise<number> {
  const started = performance.now();
  const child = spawn('sh', ['-c', script], { stdio: [stdinFile ? fs.openSync(stdinFile, 'r') : 'ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr?.on('data', (d: Buffer) => {
    err += d.toString();
  });
  const code: number = await new Promise((resolve) => child.on('close', (c) => resolve(c ?? 1)));
  if (code !== 0) throw new Error(`${script.slice(0, 200)} exited ${code}: ${err.slice(-2000)}`);
  return (performance.now() - started) / 1000;
}

async function generate(root: mysql.Connection): Promise<void> {
  await root.query('CREATE DATABASE bench_src CHARACTER SET utf8mb4');
  await root.query(`CREATE TABLE bench_src.big (
    id INT NOT NULL PRIMARY KEY, name VARCHAR(100) NOT NULL, descr TEXT, amount DECIMAL(12,2), created DATETIME NOT NULL,
    payload BLOB, code VARCHAR(32), KEY idx_created (created)) ENGINE=InnoDB`);
  // MySQL has no seq_1_to_N engine: a recursive CTE numbers the rows (its depth limit raised for this session).
  // MySQL 9.7 has no MD5()/SHA1() any more; SHA2 gives the same shapes of text and binary.
  await root.query('USE bench_src');
  await root.query(`SET SESSION cte_max_recursion_depth = ${ROWS + 1}`);
  await root.query(`INSERT INTO bench_src.big
    WITH RECURSIVE s (seq) AS (SELECT 1 UNION ALL SELECT seq + 1 FROM s WHERE seq < ${ROWS})
    SELECT seq, CONCAT('gene-', seq, '-', LEFT(SHA2(seq, 256), 32)), IF(seq % 7 = 0, NULL, REPEAT(CONCAT(LEFT(SHA2(seq, 256), 32), ' '), 3)),
      IF(seq % 5 = 0, NULL, (seq * 37) % 1000000 / 100), '2020-01-01' + INTERVAL (seq * 13) SECOND,
      IF(seq % 3 = 0, NULL, UNHEX(CONCAT(LEFT(SHA2(seq, 256), 32), RIGHT(SHA2(seq, 256), 40)))), IF(seq % 11 = 0, NULL, SUBSTR(RIGHT(SHA2(seq, 256), 40), 1, 10)) FROM s`);
}

async function restoreOurs(app: App, profileId: string, file: string, tool: string, db: string): Promise<Measure> {
  const started = performance.now();
  const job = await app.restore.start(
    {
      profileId,
      file,
      targetDatabase: db,
      options: {
        definer: 'keep',
        workers: WORKERS,
        verifyChecksums: true,
        allowMissingCompletionMarker: false,
        lockTimeoutSeconds: 30,
        confinement: 'server',
      },
    },
    { door: 'test', actor: 'bench' },
  );
  const final: JobSnapshot = await app.jobs.wait(job.id, 3_600_000);
  const wall = (performance.now() - started) / 1000;
  if (final.state !== 'succeeded') throw new Error(`${tool}: ${final.error?.code} ${final.error?.message}`);
  // Where the time went: a slow verify (CHECKSUM TABLE) reads differently from a slow load.
  const stats = (final.result as { stats?: { loadMs: number; verifyMs: number; swapMs: number } }).stats;
  if (stats) console.log(`  ${tool}: load ${stats.loadMs} ms, verify ${stats.verifyMs} ms, swap ${stats.swapMs} ms`);
  return { tool, wall };
}

async function run(info: MariaDbServerInfo, work: string): Promise<Measure[]> {
  const binaries = requireMySqlBinaries();
  if (!binaries.mysql || !binaries.mysqldump) throw new Error('The MySQL root has no mysql / mysqldump client.');
  const cnf = path.join(work, 'client.cnf');
  fs.writeFileSync(
    cnf,
    `[client]\nhost=${info.host}\nport=${info.port}\nuser=root\npassword=${info.rootPassword}\nprotocol=TCP\n`,
    {
      mode: 0o600,
    },
  );
  const root = await mysql.createConnection({
    host: info.host,
    port: info.port,
    user: 'root',
    password: info.rootPassword,
    supportBigNumbers: true,
    bigNumberStrings: true,
  });
  const home = fs.mkdtempSync(path.join(work, 'home-'));
  const app = new App({ door: 'test', secrets: new MemorySecretStore(null), home });
  const checksum = async (db: string) =>
    String(((await root.query(`CHECKSUM TABLE \`${db}\`.big`))[0] as Array<{ Checksum: string }>)[0]?.Checksum);
  try {
    const g0 = performance.now();
    await generate(root);
    console.log(`generated ${ROWS} rows in ${((performance.now() - g0) / 1000).toFixed(1)} s`);
    const source = await checksum('bench_src'); // also warms the buffer pool for the first tool
    const out: Measure[] = [];
    const dumpArgs = [`--defaults-extra-file=${cnf}`, '--single-transaction', '--quick', '--hex-blob', 'bench_src'];
    const gz = path.join(work, 'mysqldump.sql.gz');
    const dumpGz = await timedShell(`${shellWords(binaries.mysqldump, dumpArgs)} | gzip -1 > '${gz}'`);
    out.push({ tool: 'mysqldump \\| gzip -1', wall: dumpGz, bytes: fs.statSync(gz).size });
    const profile = await app.profiles.create(
      {
        name: 'bench',
        environment: 'development',
        mysql: { host: info.host, port: info.port, user: 'root', database: 'bench_src' },
      },
      { 'mysql.password': info.rootPassword },
    );
    const b0 = performance.now();
    const ours = await app.backups.createBackup(profile.id, { dir: work, workers: WORKERS, compressionLevel: 1 }, {});
    out.push({
      tool: `ours backup (${WORKERS} workers, gzip -1)`,
      wall: (performance.now() - b0) / 1000,
      bytes: fs.statSync(ours.path).size,
    });

    const dump = path.join(work, 'dump.sql');
    await timedShell(`gzip -dc '${gz}' > '${dump}'`);
    await root.query('CREATE DATABASE r_client');
    const client = await timedShell(
      shellWords(binaries.mysql, [`--defaults-extra-file=${cnf}`, '--max-allowed-packet=64M', 'r_client']),
      dump,
    );
    out.push({ tool: 'mysql db < dump.sql', wall: client, checksum: await checksum('r_client') });
    await root.query('DROP DATABASE r_client');
    for (const [file, tool, db] of [
      [dump, 'ours restore (dump.sql)', 'r_ours_dump'],
      [ours.path, 'ours restore (our backup)', 'r_ours_backup'],
    ] as const) {
      const m = await restoreOurs(app, profile.id, file, tool, db);
      out.push({ ...m, checksum: await checksum(db) });
      await root.query(`DROP DATABASE \`${db}\``);
    }
    for (const m of out)
      if (m.checksum !== undefined && m.checksum !== source) m.tool += ` CHECKSUM MISMATCH (${m.checksum} vs ${source})`;
    return out;
  } finally {
    await app.close();
    await root.end();
  }
}

function report(results: Measure[], version: string): void {
  const wall = (prefix: string) => results.find((r) => r.tool.startsWith(prefix))?.wall ?? Number.NaN;
  const dumpRef = wall('mysqldump');
  const clientRef = wall('mysql db');
  console.log(
    `\nMySQL ${version}, ${ROWS} rows, ${os.cpus().length} cores, load average ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}\n`,
  );
  console.log('| tool | wall (s) | ratio | output (MB) |\n|---|---:|---:|---:|');
  for (const r of results) {
    const ref = r.checksum === undefined ? dumpRef : clientRef;
    const refName = r.checksum === undefined ? 'mysqldump|gzip' : 'client';
    console.log(
      `| ${r.tool} | ${r.wall.toFixed(1)} | ${(r.wall / ref).toFixed(2)}x ${refName.replace('|', '\\|')} | ${r.bytes ? (r.bytes / 1e6).toFixed(1) : ''} |`,
    );
  }
}

async function main(): Promise<void> {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'sysndd-bench-mysql-'));
  // Durable like production; a buffer pool that holds the table and a redo log that does not throttle the load.
  const server = new MariaDbServer({
    baseDir: path.join(work, 'server'),
    rootPassword: 'bench-root-pw',
    engine: 'mysql',
    durable: true,
    bufferPoolSize: '1G',
    extraArgs: ['--innodb-redo-log-capacity=1G'],
  });
  try {
    const info = await server.start();
    const conn = await mysql.createConnection({ host: info.host, port: info.port, user: 'root', password: info.rootPassword });
    const [v] = await conn.query('SELECT VERSION() AS v');
    await conn.end();
    report(await run(info, work), String((v as Array<{ v: string }>)[0]?.v));
  } finally {
    await server.stop();
    fs.rmSync(work, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
