/**
 * Restore benchmark: the same data restored, in one run and on one server, by
 *   1. the plain client:  mariadb db < dump.sql               (dump.sql from mariadb-dump --single-transaction --quick --hex-blob)
 *   2. myloader -t 2      (dump from mydumper -t 2 -r 100000, when mydumper is installed: apt-get install mydumper)
 *   3. ours, from the same dump.sql                 (preflight scan, load into the shadow schema, verify, swap)
 *   4. ours, from our own backup of the same data   (hash check, load, row counts + CHECKSUM TABLE, swap)
 * Wall time, CPU of the client process and CPU of mariadbd (from /proc) for each; every restored copy is
 * checked with CHECKSUM TABLE against the source. Targets: ours <= 0.67x the client (issue 6), <= 1.0x myloader
 * from dump.sql, verification and swap included (issue 16). Our runs also print where the time went (load,
 * of which the secondary index builds after the rows, verify, swap).
 *
 * Run: node --import tsx bench/restore.ts
 * Env: BENCH_ROWS (default 2000000), BENCH_REPEAT (default 1), BENCH_WORKERS (our loader connections, default 2),
 *      MYSQL_BENCH_URL=mysql://root:pw@host:port/ to use an existing server instead of a private mariadbd,
 *      BENCH_ONLY=ours to run only our two restores (for profiles: node --cpu-prof --import tsx bench/restore.ts),
 *      BENCH_LOG=1 to print each of our runs' job log with its times.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mysql from 'mysql2/promise';
import { App } from '../src/main/app/App';
import { MariaDbServer } from '../src/main/features/sandbox/MariaDbServer';
import { MemorySecretStore } from '../src/main/platform/secrets/SecretStore';
import type { JobSnapshot } from '../src/shared/contract/jobs';

const ROWS = Number(process.env.BENCH_ROWS ?? 2_000_000);
const REPEAT = Number(process.env.BENCH_REPEAT ?? 1);
const WORKERS = Number(process.env.BENCH_WORKERS ?? 2);
const ONLY_OURS = process.env.BENCH_ONLY === 'ours';

interface Server {
  host: string;
  port: number;
  user: string;
  password: string;
  pid: number | null;
  stop(): Promise<void>;
}

async function startServer(): Promise<Server> {
  const url = process.env.MYSQL_BENCH_URL;
  if (url) {
    const u = new URL(url);
    const r = {
      host: u.hostname,
      port: Number(u.port || 3306),
      user: decodeURIComponent(u.username),
      password: decodeURIComponent(u.password),
    };
    return { ...r, pid: null, stop: async () => {} };
  }
  const baseDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sysndd-bench-restore-'));
  // Durable (fsync on commit, doublewrite) like production; a buffer pool that holds the table, a redo log
  // big enough not to throttle a bulk load. The same server for every tool.
  const s = new MariaDbServer({
    baseDir,
    rootPassword: 'bench-root-pw',
    durable: true,
    bufferPoolSize: '1G',
    extraArgs: ['--innodb-log-file-size=512M', '--max-allowed-packet=64M'],
  });
  const info = await s.start();
  return {
    host: info.host,
    port: info.port,
    user: info.rootUser,
    password: info.rootPassword,
    pid: info.pid,
    stop: async () => {
      await s.stop();
      fs.rmSync(baseDir, { recursive: true, force: true });
    },
  };
}

function serverCpuSeconds(pid: number | null): number | null {
  if (!pid) return null;
  const f = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = f.slice(f.lastIndexOf(')') + 2).split(' ');
  // utime + stime in clock ticks (USER_HZ = 100 on Linux).
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

interface Measure {
  tool: string;
  wall: number;
  clientCpu: number;
  serverCpu: number | null;
  checksum: string;
}

/** Run a command under /usr/bin/time for its CPU; stdin from a file when given. */
async function timed(cmd: string, args: string[], stdinFile?: string): Promise<{ wall: number; cpu: number }> {
  const started = performance.now();
  const child = spawn('/usr/bin/time', ['-f', 'TIME %U %S', cmd, ...args], {
    stdio: [stdinFile ? fs.openSync(stdinFile, 'r') : 'ignore', 'ignore', 'pipe'],
  });
  let err = '';
  child.stderr?.on('data', (d: Buffer) => {
    err += d.toString();
  });
  const code: number = await new Promise((resolve) => child.on('close', (c) => resolve(c ?? 1)));
  const wall = (performance.now() - started) / 1000;
  if (code !== 0) throw new Error(`${cmd} exited ${code}: ${err.slice(-2000)}`);
  const m = /TIME ([\d.]+) ([\d.]+)/.exec(err);
  return { wall, cpu: m ? Number(m[1]) + Number(m[2]) : Number.NaN };
}

async function main(): Promise<void> {
  const server = await startServer();
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'sysndd-bench-restore-files-'));
  const cnf = path.join(work, 'client.cnf');
  fs.writeFileSync(
    cnf,
    `[client]\nhost=${server.host}\nport=${server.port}\nuser=${server.user}\npassword=${server.password}\nprotocol=TCP\n`,
    { mode: 0o600 },
  );
  const root = await mysql.createConnection({
    host: server.host,
    port: server.port,
    user: server.user,
    password: server.password,
    supportBigNumbers: true,
    bigNumberStrings: true,
  });
  const checksum = async (db: string) =>
    String(((await root.query(`CHECKSUM TABLE \`${db}\`.big`))[0] as Array<{ Checksum: string }>)[0]?.Checksum);
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'sysndd-bench-restore-home-'));
  const app = new App({ door: 'test', secrets: new MemorySecretStore(null), home });
  try {
    console.log(`Generating ${ROWS} rows (INT, VARCHAR, TEXT, DECIMAL, DATETIME, BLOB, NULLs, one secondary index)...`);
    await root.query('CREATE DATABASE bench_src CHARACTER SET utf8mb4');
    await root.query(`CREATE TABLE bench_src.big (
      id INT NOT NULL PRIMARY KEY, name VARCHAR(100) NOT NULL, descr TEXT, amount DECIMAL(12,2), created DATETIME NOT NULL,
      payload BLOB, code VARCHAR(32), KEY idx_created (created)) ENGINE=InnoDB`);
    await root.query(`INSERT INTO bench_src.big SELECT seq, CONCAT('gene-', seq, '-', MD5(seq)), IF(seq % 7 = 0, NULL, REPEAT(CONCAT(MD5(seq), ' '), 3)),
      IF(seq % 5 = 0, NULL, (seq * 37) % 1000000 / 100), '2020-01-01' + INTERVAL (seq * 13) SECOND, IF(seq % 3 = 0, NULL, UNHEX(CONCAT(MD5(seq), SHA1(seq)))),
      IF(seq % 11 = 0, NULL, SUBSTR(SHA1(seq), 1, 10)) FROM bench_src.seq_1_to_${ROWS}`);
    const source = await checksum('bench_src');
    const dump = path.join(work, 'dump.sql');
    const d = await timed('sh', [
      '-c',
      `mariadb-dump --defaults-extra-file=${cnf} --single-transaction --quick --hex-blob bench_src > ${dump}`,
    ]);
    console.log(`mariadb-dump: ${fs.statSync(dump).size} bytes in ${d.wall.toFixed(1)} s`);
    const hasMyloader = spawnSync('which', ['myloader']).status === 0 && spawnSync('which', ['mydumper']).status === 0;
    const myDir = path.join(work, 'mydumper');
    if (hasMyloader) {
      const m = await timed('mydumper', [
        '-h',
        server.host,
        '-P',
        String(server.port),
        '-u',
        server.user,
        '-p',
        server.password,
        '-B',
        'bench_src',
        '-t',
        '2',
        '-r',
        '100000',
        '-o',
        myDir,
      ]);
      console.log(`mydumper -t 2 -r 100000: ${fs.readdirSync(myDir).length} files in ${m.wall.toFixed(1)} s`);
    } else console.log('myloader not installed (apt-get install mydumper): its row is skipped.');
    const profile = await app.profiles.create(
      {
        name: 'bench',
        environment: 'development',
        mysql: { host: server.host, port: server.port, user: server.user, database: 'bench_src' },
      },
      { 'mysql.password': server.password },
    );
    const ours = await app.backups.createBackup(profile.id, { dir: work, workers: 2 }, {});
    console.log(`our backup: ${fs.statSync(ours.path).size} bytes`);

    const anchors: Array<() => Promise<Measure>> = [
      async () => {
        await root.query('DROP DATABASE IF EXISTS r_client');
        await root.query('CREATE DATABASE r_client');
        const s0 = serverCpuSeconds(server.pid);
        const r = await timed('mariadb', [`--defaults-extra-file=${cnf}`, '--max-allowed-packet=64M', 'r_client'], dump);
        const m = {
          tool: 'mariadb db < dump.sql',
          wall: r.wall,
          clientCpu: r.cpu,
          serverCpu: delta(s0),
          checksum: await checksum('r_client'),
        };
        await root.query('DROP DATABASE r_client');
        return m;
      },
      ...(hasMyloader
        ? [
            async () => {
              await root.query('DROP DATABASE IF EXISTS r_myloader');
              const s0 = serverCpuSeconds(server.pid);
              const r = await timed('myloader', [
                '-h',
                server.host,
                '-P',
                String(server.port),
                '-u',
                server.user,
                '-p',
                server.password,
                '-t',
                '2',
                '-d',
                myDir,
                '-B',
                'r_myloader',
                '-s',
                'bench_src',
              ]);
              const m = {
                tool: 'myloader -t 2',
                wall: r.wall,
                clientCpu: r.cpu,
                serverCpu: delta(s0),
                checksum: await checksum('r_myloader'),
              };
              await root.query('DROP DATABASE r_myloader');
              return m;
            },
          ]
        : []),
    ];
    const runs: Array<() => Promise<Measure>> = [
      ...(ONLY_OURS ? [] : anchors),
      () => oursRun(app, profile.id, dump, 'ours (dump.sql)', 'r_ours_dump'),
      () => oursRun(app, profile.id, ours.path, 'ours (our .sql.gz backup)', 'r_ours_backup'),
    ];
    const delta = (s0: number | null) => (s0 === null ? null : (serverCpuSeconds(server.pid) as number) - s0);
    async function oursRun(a: App, profileId: string, file: string, tool: string, db: string): Promise<Measure> {
      const s0 = serverCpuSeconds(server.pid);
      const c0 = process.cpuUsage();
      const started = performance.now();
      const job = await a.restore.start(
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
      const final: JobSnapshot = await a.jobs.wait(job.id, 3_600_000);
      const wall = (performance.now() - started) / 1000;
      if (final.state !== 'succeeded') throw new Error(`${tool}: ${final.error?.code} ${final.error?.message}`);
      const cpu = process.cpuUsage(c0);
      const m = { tool, wall, clientCpu: (cpu.user + cpu.system) / 1e6, serverCpu: delta(s0), checksum: await checksum(db) };
      const result = final.result as { stats: { loadMs: number; verifyMs: number; swapMs: number }; prevSchema: string };
      const log = a.jobHistory.logs(job.id, 0);
      if (process.env.BENCH_LOG)
        for (const l of log) console.log(`    ${new Date(l.at).toISOString().slice(11, 23)} ${l.message.slice(0, 160)}`);
      const built = log.find((l) => l.message.startsWith('Built '))?.message ?? 'no secondary index deferred';
      console.log(
        `  ${tool}: load ${result.stats.loadMs} ms (${built}), verify ${result.stats.verifyMs} ms, swap ${result.stats.swapMs} ms`,
      );
      await root.query(`DROP DATABASE \`${db}\``);
      await root.query(`DROP DATABASE IF EXISTS \`${result.prevSchema}\``);
      return m;
    }

    const results: Measure[] = [];
    for (let r = 0; r < REPEAT; r++) {
      const order = [...runs.slice(r % runs.length), ...runs.slice(0, r % runs.length)];
      for (const run of order) {
        // myloader itself sometimes fails a run (InnoDB deadlock between its threads): retry once, say so.
        const m = await run().catch(async (err: Error) => {
          console.log(
            `  run failed, retrying once: ${err.message.split('\n').find((l) => l.includes('CRITICAL')) ?? err.message.slice(0, 200)}`,
          );
          return run();
        });
        console.log(
          `${m.tool.padEnd(28)} ${m.wall.toFixed(1).padStart(6)} s wall   ${m.clientCpu.toFixed(1).padStart(5)} s client CPU   ${m.serverCpu === null ? '   n/a' : m.serverCpu.toFixed(1).padStart(5)} s server CPU   ${m.checksum === source ? 'checksum OK' : `CHECKSUM MISMATCH ${m.checksum} vs ${source}`}`,
        );
        results.push(m);
      }
    }
    report(results, source);
  } finally {
    await app.close();
    await root.end();
    await server.stop();
    fs.rmSync(work, { recursive: true, force: true });
    fs.rmSync(home, { recursive: true, force: true });
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

function report(results: Measure[], source: string): void {
  const by = (tool: string) => results.filter((r) => r.tool === tool);
  const wall = (tool: string) => (by(tool).length ? median(by(tool).map((r) => r.wall)) : null);
  const client = wall('mariadb db < dump.sql');
  const myloader = wall('myloader -t 2');
  console.log(
    `\nMedians over ${REPEAT} run(s), ${ROWS} rows, ${os.cpus().length} cores, load average now ${os.loadavg()[0]?.toFixed(2)}:`,
  );
  for (const tool of [...new Set(results.map((r) => r.tool))]) {
    const w = wall(tool) as number;
    const ratios = [client ? `${(w / client).toFixed(2)}x client` : '', myloader ? `${(w / myloader).toFixed(2)}x myloader` : '']
      .filter(Boolean)
      .join(', ');
    console.log(
      `  ${tool.padEnd(28)} ${w.toFixed(1).padStart(6)} s  ${ratios}  ${by(tool).every((r) => r.checksum === source) ? '' : 'CHECKSUM MISMATCH'}`,
    );
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
