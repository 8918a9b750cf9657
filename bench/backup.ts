/**
 * Backup engine benchmark (not a timed test): the same generated data, one run, every tool.
 *   ours (direct, 1 and 2 workers, with and without CHECKSUM TABLE) · ours through an SSH tunnel (real sshd)
 *   mariadb-dump --single-transaction --quick --hex-blob | gzip -1 · mydumper (when installed)
 * For each: wall time, output bytes and peak RSS (GNU time -v of the process tree). Ours runs as the product
 * runs: the bundled CLI (`scripts/build.mjs --outdir .tmp/bench-build`), `sysndd-admin backup create --url`.
 * One more in-process run (App + createBackup under tsx, bench/backupInProcess.ts) reports the event-loop delay
 * of the process doing the backup, since the UI door shares it, and where the CPU goes: its threads (main,
 * encoder worker, the rest), mariadbd, and what deflate alone costs for its output (bench/deflateCost.ts).
 *
 * Run: node --import tsx bench/backup.ts [--rows 2000000] [--tables 4] [--repeat 1] [--quick]
 * --quick runs only mariadb-dump | gzip, mydumper -c, our CLI direct with 1 worker (encoder workers on and off)
 * and the in-process run (loop delay).
 * --repeat N runs every configuration N times, round-robin, and reports each one's fastest wall time (and
 * highest peak RSS): on a shared machine the load then hits every tool alike.
 * Uses a private mariadbd (src/main/features/sandbox/MariaDbServer.ts, 1 GB buffer pool, data warmed before timing).
 */
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import mysql from 'mysql2/promise';
import { MariaDbServer } from '../src/main/features/sandbox/MariaDbServer';
import { startSshd } from '../tests/fixtures/sshd';
import type { InProcessConfig, InProcessResult } from './backupInProcess';
import { type DeflateCost, deflateCost } from './deflateCost';
import { processCpuMs, type ThreadCpuSplit } from './procCpu';

interface Row {
  tool: string;
  wallS: number;
  bytes: number;
  rssMB: number;
  /** User + system CPU seconds of the tool's process tree (GNU time), and of mariadbd during the run. */
  cpuS: number;
  serverCpuS?: number;
  lag?: string;
  /** Where the in-process run's CPU went (by thread) and what deflate alone costs for its output. */
  budget?: { threads: ThreadCpuSplit; deflate: DeflateCost };
}

/**
 * The CPU a backup needs, by thread and for the server, against the cores there are: the wall time no
 * scheduling can beat on this machine, and how much of it deflate alone takes (any tool pays it).
 */
function cpuBudgetLine(r: Row, b: NonNullable<Row['budget']>): string {
  const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  const server = (r.serverCpuS ?? 0) * 1000;
  const total = b.threads.mainMs + b.threads.newThreadsMs + b.threads.otherMs + server;
  const cores = os.cpus().length;
  return (
    `CPU of the in-process backup (${r.wallS.toFixed(2)} s): main thread ${s(b.threads.mainMs)} · encoder worker ${s(b.threads.newThreadsMs)} · ` +
    `other threads (gzip on libuv's pool, V8) ${s(b.threads.otherMs)} · mariadbd ${s(server)} = ${s(total)} on ${cores} cores: ` +
    `at least ${s(total / cores)} of wall with every core busy all the time. Deflate alone of its ${(b.deflate.rawBytes / 1e6).toFixed(0)} MB ` +
    `of SQL at level 1: ${s(b.deflate.cpuMs)}.`
  );
}

const SELF = fileURLToPath(import.meta.url);
const REPO = path.resolve(path.dirname(SELF), '..');
const IN_PROCESS = path.join(path.dirname(SELF), 'backupInProcess.ts');
const TIME = '/usr/bin/time';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

/** Runs a command under GNU time -v; returns wall seconds and the peak RSS of the process tree. */
function timed(
  cmd: string,
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ wallS: number; rssMB: number; cpuS: number; stdout: string }> {
  return new Promise((resolve, reject) => {
    const p = spawn(TIME, ['-v', cmd, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.stderr.on('data', (d: Buffer) => (err += d.toString()));
    p.on('close', (code) => {
      if (code !== 0) return reject(new Error(`${cmd} exited ${code}: ${out.slice(-1500)} ${err.slice(0, 1500)}`));
      const wall = /Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (?:(\d+):)?(\d+):([\d.]+)/.exec(err);
      const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(err);
      const user = /User time \(seconds\): ([\d.]+)/.exec(err);
      const sys = /System time \(seconds\): ([\d.]+)/.exec(err);
      const cpuS = user && sys ? Number(user[1]) + Number(sys[1]) : Number.NaN;
      const wallS = wall ? Number(wall[1] ?? 0) * 3600 + Number(wall[2]) * 60 + Number(wall[3]) : Number.NaN;
      resolve({ wallS, rssMB: rss ? Number(rss[1]) / 1024 : Number.NaN, cpuS, stdout: out });
    });
  });
}

function dirBytes(dir: string): number {
  let total = 0;
  for (const f of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, f.name);
    total += f.isDirectory() ? dirBytes(full) : fs.statSync(full).size;
  }
  return total;
}

async function generate(conn: mysql.Connection, database: string, rows: number, tables: number): Promise<void> {
  await conn.query(`CREATE DATABASE ${database} CHARACTER SET utf8mb4`);
  await conn.query(`USE ${database}`);
  const per = Math.ceil(rows / tables);
  for (let t = 0; t < tables; t++) {
    await conn.query(`CREATE TABLE ${database}.t${t} (
      id INT PRIMARY KEY, n INT, name VARCHAR(100), body TEXT, amount DECIMAL(12,2), created DATETIME,
      data BLOB, f FLOAT, d DOUBLE, note VARCHAR(50) NULL) ENGINE=InnoDB`);
    // ~230 bytes a row like the environment baseline: text with quotes and backslashes, binary, NULLs.
    await conn.query(`INSERT INTO ${database}.t${t}
      SELECT seq, seq * 7 % 100000, CONCAT('name-', seq, '-', MD5(seq)),
        CONCAT(REPEAT(CONCAT(MD5(seq), ' it''s "quoted" \\\\ text '), 1 + seq % 3), SHA1(seq)),
        seq * 1.25, '2020-01-01' + INTERVAL seq SECOND, UNHEX(CONCAT(MD5(seq), SHA1(seq))), seq / 7, seq / 3,
        IF(seq % 3 = 0, NULL, 'note')
      FROM seq_1_to_${per}`);
  }
}

async function main(): Promise<void> {
  const rows = arg('--rows', 2_000_000);
  const tables = arg('--tables', 4);
  const repeat = Math.max(1, arg('--repeat', 1));
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'sysndd-bench-backup-'));
  const server = new MariaDbServer({
    baseDir: path.join(work, 'server'),
    rootPassword: 'bench-root-pw',
    durable: false,
    bufferPoolSize: '1G',
  });
  const info = await server.start();
  const sshd = await startSshd();
  const results: Row[] = [];
  try {
    const root = await mysql.createConnection({
      host: info.host,
      port: info.port,
      user: info.rootUser,
      password: info.rootPassword,
    });
    const database = 'bench';
    const t0 = Date.now();
    await generate(root, database, rows, tables);
    const [size] = await root.query(
      'SELECT SUM(DATA_LENGTH) AS d, SUM(INDEX_LENGTH) AS i FROM information_schema.TABLES WHERE TABLE_SCHEMA = ?',
      [database],
    );
    const s = (size as Array<{ d: number; i: number }>)[0];
    console.log(
      `generated ${rows} rows in ${tables} tables in ${((Date.now() - t0) / 1000).toFixed(1)} s: ${Math.round(Number(s?.d) / 1e6)} MB data`,
    );
    // Warm the buffer pool so the first tool does not pay for cold reads.
    for (let t = 0; t < tables; t++) await root.query(`CHECKSUM TABLE ${database}.t${t}`);
    await root.end();

    const cnf = path.join(work, 'client.cnf');
    fs.writeFileSync(
      cnf,
      `[client]\nhost=${info.host}\nport=${info.port}\nuser=root\npassword=${info.rootPassword}\nprotocol=TCP\n`,
      { mode: 0o600 },
    );
    // Every configuration is a runner; with --repeat N they run round-robin N times (a busy machine then
    // slows all of them alike) and the table keeps each one's fastest wall time and highest peak RSS.
    const runners: Array<{ tool: string; run: () => Promise<Omit<Row, 'tool'>> }> = [];
    runners.push({
      tool: 'mariadb-dump --single-transaction --quick --hex-blob | gzip -1',
      run: async () => {
        const dumpFile = path.join(work, 'mariadb-dump.sql.gz');
        const md = await timed('sh', [
          '-c',
          `mariadb-dump --defaults-extra-file=${cnf} --single-transaction --quick --hex-blob ${database} | gzip -1 > ${dumpFile}`,
        ]);
        const bytes = fs.statSync(dumpFile).size;
        fs.rmSync(dumpFile);
        return { wallS: md.wallS, bytes, rssMB: md.rssMB, cpuS: md.cpuS };
      },
    });

    const mydumper = ['/usr/bin/mydumper'].find((p) => fs.existsSync(p));
    if (!mydumper) console.log('mydumper not installed (apt-get install mydumper): skipped');
    for (const compress of mydumper ? [false, true] : []) {
      runners.push({
        tool: `mydumper -t 2${compress ? ' -c (gzip)' : ' (uncompressed)'}`,
        run: async () => {
          const out = path.join(work, `mydumper-${compress}`);
          fs.rmSync(out, { recursive: true, force: true });
          const r = await timed(mydumper as string, [
            `--defaults-file=${cnf}`,
            '-h',
            info.host,
            '-P',
            String(info.port),
            '-u',
            'root',
            '-B',
            database,
            '-t',
            '2',
            '--trx-consistency-only',
            ...(compress ? ['-c'] : []),
            '-o',
            out,
          ]);
          const bytes = dirBytes(out);
          fs.rmSync(out, { recursive: true, force: true });
          return { wallS: r.wallS, bytes, rssMB: r.rssMB, cpuS: r.cpuS };
        },
      });
    }

    // The product as shipped: the bundled CLI, a fresh process per run.
    const build = path.join(REPO, '.tmp', 'bench-build');
    execFileSync(process.execPath, [path.join(REPO, 'scripts', 'build.mjs'), '--outdir', build], { cwd: REPO, stdio: 'ignore' });
    const cliBundle = path.join(build, 'cli', 'sysndd-admin.mjs');
    const url = `mysql://root@${info.host}:${info.port}/${database}`;
    // The SSH host is known through a known_hosts file, as on a workstation.
    const sshDir = path.join(work, 'ssh');
    fs.mkdirSync(sshDir, { mode: 0o700 });
    const hostKey = fs
      .readFileSync(path.join(sshd.dir, 'ssh_host_ed25519_key.pub'), 'utf8')
      .trim()
      .split(/\s+/)
      .slice(0, 2)
      .join(' ');
    fs.writeFileSync(path.join(sshDir, 'known_hosts'), `[${sshd.host}]:${sshd.port} ${hostKey}\n`);
    const cliRunner = (tool: string, flags: string[], extraEnv: NodeJS.ProcessEnv = {}) =>
      runners.push({
        tool,
        run: async () => {
          const home = fs.mkdtempSync(path.join(work, 'home-'));
          const env = {
            ...process.env,
            SYSNDD_ADMIN_HOME: home,
            SYSNDD_ADMIN_SECRETS: 'memory',
            MYSQL_PWD: info.rootPassword,
            SYSNDD_ADMIN_SSH_DIR: sshDir,
            ...extraEnv,
          };
          const r = await timed(
            process.execPath,
            [cliBundle, '--json', 'backup', 'create', '--url', url, '--dir', path.join(home, 'out'), ...flags],
            env,
          );
          const out = JSON.parse(r.stdout.trim().split('\n').at(-1) as string) as { path: string };
          const bytes = fs.statSync(out.path).size;
          fs.rmSync(home, { recursive: true, force: true });
          return { wallS: r.wallS, bytes, rssMB: r.rssMB, cpuS: r.cpuS };
        },
      });
    cliRunner('sysndd-admin CLI, direct, 1 worker, --no-checksums', ['--workers', '1', '--no-checksums']);
    // A/B of issue 16: the same backup with rows encoded on the main thread (no encoder worker).
    cliRunner(
      'sysndd-admin CLI, direct, 1 worker, --no-checksums, encoding on the main thread',
      ['--workers', '1', '--no-checksums'],
      {
        SYSNDD_ADMIN_BACKUP_ENCODER_THREADS: '0',
      },
    );
    cliRunner('sysndd-admin CLI, direct, 2 workers, --no-checksums', ['--workers', '2', '--no-checksums']);
    cliRunner('sysndd-admin CLI, direct, 1 worker, CHECKSUM TABLE (default)', ['--workers', '1']);
    cliRunner('sysndd-admin CLI, SSH tunnel, 1 worker, --no-checksums', [
      '--workers',
      '1',
      '--no-checksums',
      '--ssh',
      `${sshd.user}@${sshd.host}:${sshd.port}`,
      '--ssh-key',
      sshd.privateKeyPath,
    ]);
    // Event-loop delay of the process that runs a backup (what the UI door would feel), in-process under tsx.
    runners.push({
      tool: 'sysndd-admin in-process (App, tsx), direct, 1 worker',
      run: async () => {
        const home = fs.mkdtempSync(path.join(work, 'home-'));
        const cfg: InProcessConfig = {
          home,
          dir: path.join(home, 'out'),
          host: info.host,
          port: info.port,
          password: info.rootPassword,
          database,
          workers: 1,
          checksums: false,
        };
        const r = await timed(process.execPath, ['--import', 'tsx', IN_PROCESS], {
          ...process.env,
          BENCH_CHILD: JSON.stringify(cfg),
          SYSNDD_ADMIN_HOME: home,
        });
        const line = JSON.parse(r.stdout.trim().split('\n').at(-1) as string) as InProcessResult;
        const deflate = await deflateCost(line.path, 1);
        fs.rmSync(home, { recursive: true, force: true });
        return {
          wallS: line.ms / 1000,
          bytes: line.bytes,
          rssMB: r.rssMB,
          cpuS: r.cpuS,
          lag: `p99 ${line.lagP99.toFixed(0)} ms, max ${line.lagMax.toFixed(0)} ms`,
          budget: { threads: line.threads, deflate },
        };
      },
    });

    const quick = /^(mariadb-dump|mydumper -t 2 -c|sysndd-admin CLI, direct, 1 worker, --no-checksums|sysndd-admin in-process)/;
    const chosen = process.argv.includes('--quick') ? runners.filter((r) => quick.test(r.tool)) : runners;
    for (let round = 1; round <= repeat; round++) {
      for (const r of chosen) {
        const serverCpu0 = processCpuMs(info.pid);
        const got: Omit<Row, 'tool'> = await r.run();
        got.serverCpuS = (processCpuMs(info.pid) - serverCpu0) / 1000;
        if (repeat > 1)
          console.log(
            `round ${round}: ${r.tool}: ${got.wallS.toFixed(2)} s, CPU ${got.cpuS.toFixed(1)} + server ${got.serverCpuS?.toFixed(1)} s, ${got.rssMB.toFixed(0)} MB`,
          );
        const best = results.find((x) => x.tool === r.tool);
        if (!best) results.push({ tool: r.tool, ...got });
        else {
          // The fastest round's figures, the highest peak RSS of all rounds.
          const rssMB = Math.max(best.rssMB, got.rssMB);
          if (got.wallS < best.wallS) Object.assign(best, got);
          best.rssMB = rssMB;
        }
      }
    }
  } finally {
    await sshd.stop();
    await server.stop();
    fs.rmSync(work, { recursive: true, force: true });
  }
  const ref = results[0] as Row;
  const direct = results.find((r) => r.tool.startsWith('sysndd-admin CLI, direct, 1 worker, --no'));
  const lines = [
    `| tool | wall (s) | × mariadb-dump\\|gzip | CPU (s) | server CPU (s) | output (MB) | peak RSS (MB) | event-loop delay |`,
    '|---|---:|---:|---:|---:|---:|---:|---|',
    ...results.map(
      (r) =>
        `| ${r.tool} | ${r.wallS.toFixed(2)} | ${(r.wallS / ref.wallS).toFixed(2)} | ${r.cpuS.toFixed(1)} | ${r.serverCpuS?.toFixed(1) ?? ''} | ${(r.bytes / 1e6).toFixed(1)} | ${r.rssMB.toFixed(0)} | ${r.lag ?? ''} |`,
    ),
  ];
  const tunnel = results.find((r) => r.tool.includes('SSH tunnel'));
  console.log(
    `\n${rows} rows, ${tables} tables, best of ${repeat}, ${os.cpus().length} cores, load average ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}, MariaDB ${info.port}\n`,
  );
  console.log(lines.join('\n'));
  if (direct && tunnel) console.log(`\ntunnel / direct = ${(tunnel.wallS / direct.wallS).toFixed(2)}`);
  for (const r of results) if (r.budget) console.log(`\n${cpuBudgetLine(r, r.budget)}`);
}

if (!fs.existsSync(TIME)) {
  execFileSync('sh', ['-c', 'echo "GNU time is missing: apt-get install time" >&2']);
  process.exit(2);
}
main().catch((err) => {
  console.error(err);
  process.exit(1);
});
