/**
 * Connections benchmark (not a timed test): what the SSH tunnel costs compared with a direct connection.
 *   round trip: N sequential `SELECT 1` on one pooled connection (mean, p50, p99)
 *   throughput: one ~100 MB result set (100,000 rows × 1 KB) read with mysql2, MB/s
 *   transport: 200 MB from a byte source over plain TCP and over an ssh2 channel (no MySQL)
 * Through `app.connections` exactly as the product uses it: direct TCP, mysql2 over an ssh2 `forwardOut`
 * channel through a real OpenSSH sshd (tests/fixtures/sshd.ts) on loopback, and mysql2 through the loopback
 * listener external tools (mariadb-dump) get. Target (issue #16): tunnel ≤ 1.3× direct.
 *
 * A shared machine makes wall time noisy, so every round measures direct and tunnel back to back and the
 * ratio is taken per round (median over rounds), next to CPU time: ours (process.cpuUsage, every thread) and
 * sshd's per-connection processes (/proc). sshd's CPU is only on this machine because the test sshd runs on
 * loopback: in real use it runs on the bastion.
 *
 * Run: node --import tsx bench/connections.ts [--queries 1000] [--rows 100000] [--rounds 5] [--raw-mb 200]
 * Uses a private mariadbd (src/main/features/sandbox/MariaDbServer.ts, 512 MB buffer pool, data warmed before timing).
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import mysql from 'mysql2/promise';
import ssh2 from 'ssh2';
import { App } from '../src/main/app/App';
import type { MysqlConnection } from '../src/main/features/connections/mysql/mysqlConnect';
import { MariaDbServer } from '../src/main/features/sandbox/MariaDbServer';
import { MemorySecretStore } from '../src/main/platform/secrets/SecretStore';
import { keyAuthHop, type SshdFixture, startSshd } from '../tests/fixtures/sshd';
import { descendantsCpuMs, ownCpuMs, processCpuMs } from './procCpu';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

const QUERIES = arg('--queries', 1000);
const ROWS = arg('--rows', 100_000);
const ROUNDS = arg('--rounds', 5);
const RAW_MB = arg('--raw-mb', 200);
const PAYLOAD = 1000;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] as number;
}

/** Wall and CPU of one timed step: ours, sshd's sessions, mariadbd's. */
interface Sample {
  wallMs: number;
  ourCpuMs: number;
  sshdCpuMs: number;
  dbCpuMs: number;
}

type Probe = () => { our: NodeJS.CpuUsage; sshd: number; db: number; t: number };

function prober(sshdPid: number, dbPid: number): { start: Probe; stop: (from: ReturnType<Probe>) => Sample } {
  const start: Probe = () => ({
    our: process.cpuUsage(),
    sshd: descendantsCpuMs(sshdPid),
    db: processCpuMs(dbPid),
    t: performance.now(),
  });
  const stop = (from: ReturnType<Probe>): Sample => ({
    wallMs: performance.now() - from.t,
    ourCpuMs: ownCpuMs(from.our),
    sshdCpuMs: descendantsCpuMs(sshdPid) - from.sshd,
    dbCpuMs: processCpuMs(dbPid) - from.db,
  });
  return { start, stop };
}

/** A reply of ~60 KB: two SSH packets, the case sshd's Nagle stalls for 40 ms without ackNudge.ts. */
const MEDIUM_QUERY = 'SELECT id, payload FROM bench_rows LIMIT 60';

async function roundTrips(conn: MysqlConnection): Promise<{ mean: number; p50: number; p99: number; medium: number }> {
  for (let i = 0; i < 50; i++) await conn.query('SELECT 1');
  const times: number[] = [];
  const t0 = performance.now();
  for (let i = 0; i < QUERIES; i++) {
    const s = performance.now();
    await conn.query('SELECT 1');
    times.push(performance.now() - s);
  }
  const mean = (performance.now() - t0) / QUERIES;
  const medium: number[] = [];
  for (let i = 0; i < QUERIES / 5; i++) {
    const s = performance.now();
    await conn.query(MEDIUM_QUERY);
    medium.push(performance.now() - s);
  }
  return { mean, p50: pct(times, 50), p99: pct(times, 99), medium: pct(medium, 50) };
}

async function bulkRead(conn: MysqlConnection): Promise<number> {
  const [rows] = await conn.query({ sql: 'SELECT id, payload FROM bench_rows', rowsAsArray: true });
  let bytes = 0;
  for (const r of rows as Array<[number, string]>) bytes += 4 + r[1].length;
  return bytes / 1e6;
}

/** A process serving RAW_MB of bytes to every connection, so the reader's side is all we measure. */
async function byteSource(): Promise<{ port: number; stop(): void }> {
  const src = spawn(
    process.execPath,
    [
      '-e',
      `const s=require('net').createServer({allowHalfOpen:true},c=>{const b=Buffer.alloc(1<<20,120);let n=0;const w=()=>{while(n<${RAW_MB}){n++;if(!c.write(b))return c.once('drain',w)}c.end()};w()}).listen(0,'127.0.0.1',()=>console.log(s.address().port))`,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const port = await new Promise<number>((resolve) =>
    src.stdout.once('data', (d: Buffer) => resolve(Number(d.toString().trim()))),
  );
  return { port, stop: () => src.kill() };
}

function drain(s: NodeJS.ReadableStream): Promise<number> {
  return new Promise((resolve, reject) => {
    let n = 0;
    s.on('data', (d: Buffer) => {
      n += d.length;
    });
    s.on('error', reject);
    s.on('end', () => resolve(n / 1e6));
  });
}

/** OpenSSH's own client (`ssh -W`) through the same sshd: the yardstick for "is it SSH or our code". */
async function opensshMbps(sshd: SshdFixture, port: number): Promise<number> {
  const client = spawn(
    'ssh',
    [
      ...['-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null', '-o', 'LogLevel=ERROR'],
      ...['-i', sshd.privateKeyPath, '-p', String(sshd.port), '-W', `127.0.0.1:${port}`, `${sshd.user}@${sshd.host}`],
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  // Started after the handshake would be fairer; the ~50 ms login is under 10 % of a 200 MB read.
  const t0 = performance.now();
  const mb = await drain(client.stdout);
  return mb / ((performance.now() - t0) / 1000);
}

/** What ssh2 (with our defaults: no `algorithms` option) negotiates with this sshd. */
async function negotiatedCipher(sshd: SshdFixture): Promise<string> {
  const client = new ssh2.Client();
  return new Promise((resolve, reject) => {
    client.on('handshake', (n) => {
      resolve(`${n.sc.cipher}${n.sc.mac ? ` + ${n.sc.mac}` : ''}`);
      client.end();
    });
    client.on('error', reject);
    client.connect({
      host: sshd.host,
      port: sshd.port,
      username: sshd.user,
      privateKey: fs.readFileSync(sshd.privateKeyPath),
    });
  });
}

async function setUpData(info: { host: string; port: number; rootUser: string; rootPassword: string }): Promise<void> {
  const root = await mysql.createConnection({
    host: info.host,
    port: info.port,
    user: info.rootUser,
    password: info.rootPassword,
  });
  await root.query('CREATE DATABASE bench');
  // The seq_<from>_to_<to> tables of the sequence engine exist only in a selected database.
  await root.query('USE bench');
  await root.query('CREATE TABLE bench.bench_rows (id INT PRIMARY KEY, payload VARCHAR(1000) NOT NULL) ENGINE=InnoDB');
  // Batches from the built-in sequence engine: no client-side generation to wait for.
  for (let from = 1; from <= ROWS; from += 20_000) {
    const to = Math.min(ROWS, from + 19_999);
    await root.query(
      `INSERT INTO bench.bench_rows SELECT seq, REPEAT(CHAR(65 + seq % 26), ${PAYLOAD}) FROM seq_${from}_to_${to}`,
    );
  }
  await root.query('SELECT COUNT(*), SUM(LENGTH(payload)) FROM bench.bench_rows');
  await root.end();
}

type Path = 'direct' | 'tunnel' | 'local';
const PATHS: readonly Path[] = ['direct', 'tunnel', 'local'];
const PATH_LABEL: Record<Path, string> = {
  direct: 'direct',
  tunnel: 'tunnel (channel)',
  local: 'tunnel (local port)',
};

interface PathResults {
  medium: number[];
  p50: number[];
  mean: number[];
  p99: number[];
  bulk: Sample[];
  mb: number;
}

function formatTable(rows: string[][]): string {
  const widths = (rows[0] as string[]).map((_, i) => Math.max(...rows.map((r) => (r[i] as string).length)));
  return rows
    .map((r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i] as number) : c.padStart(widths[i] as number))).join('  '))
    .join('\n');
}

/** Per round tunnel ÷ direct of wall time, our CPU and our + sshd CPU; median over rounds. */
function ratios(direct: Sample[], other: Sample[]): { wall: number; our: number; withSshd: number } {
  const per = (f: (s: Sample) => number) => median(other.map((s, i) => f(s) / f(direct[i] as Sample)));
  return {
    wall: per((s) => s.wallMs),
    our: per((s) => s.ourCpuMs),
    withSshd: per((s) => s.ourCpuMs + s.sshdCpuMs),
  };
}

function cpuCells(samples: Sample[], mb: number): string {
  const per = (f: (s: Sample) => number) => (median(samples.map(f)) / mb).toFixed(2);
  return `${per((s) => s.ourCpuMs)} / ${per((s) => s.sshdCpuMs)} / ${per((s) => s.dbCpuMs)}`;
}

function ratioCells(r: { wall: number; our: number; withSshd: number }): string[] {
  return [`${r.wall.toFixed(2)}×`, `${r.our.toFixed(2)}×`, `${r.withSshd.toFixed(2)}×`];
}

async function main(): Promise<void> {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'sysndd-bench-conn-'));
  const server = new MariaDbServer({
    baseDir: path.join(work, 'server'),
    rootPassword: 'bench-root-pw',
    durable: false,
    bufferPoolSize: '512M',
  });
  const info = await server.start();
  const sshd = await startSshd();
  const sshdPid = Number(fs.readFileSync(path.join(sshd.dir, 'sshd.pid'), 'utf8').trim());
  const probe = prober(sshdPid, info.pid);
  const app = new App({ door: 'test', secrets: new MemorySecretStore(null), home: path.join(work, 'home') });
  const source = await byteSource();
  try {
    await setUpData(info);
    const mysqlSettings = { host: info.host, port: info.port, user: info.rootUser, database: 'bench' };
    const secrets = { 'mysql.password': info.rootPassword };
    const direct = await app.profiles.create({ name: 'bench direct', mysql: mysqlSettings }, secrets);
    const tunnel = await app.profiles.create({ name: 'bench tunnel', mysql: mysqlSettings, ssh: keyAuthHop(sshd) }, secrets);
    app.connections.hostKeys.trust(sshd.host, sshd.port, 'ssh-ed25519', sshd.hostKeyFingerprint);
    const local = await app.connections.openLocalForward(tunnel.id);
    const localConnection = () =>
      mysql.createConnection({ ...mysqlSettings, host: local.host, port: local.port, password: info.rootPassword });
    const run = async <T>(p: Path, fn: (c: MysqlConnection) => Promise<T>): Promise<T> => {
      if (p !== 'local') return app.connections.withConnection(p === 'direct' ? direct.id : tunnel.id, fn);
      const conn = await localConnection();
      try {
        return await fn(conn);
      } finally {
        await conn.end();
      }
    };

    const results = Object.fromEntries(
      PATHS.map((p) => [p, { medium: [], p50: [], mean: [], p99: [], bulk: [], mb: 0 } as PathResults]),
    ) as Record<Path, PathResults>;
    const raw: Record<'tcp' | 'ssh', Sample[]> = { tcp: [], ssh: [] };
    const openssh: number[] = [];
    // Warm the buffer pool and every path once before timing.
    for (const p of PATHS) await run(p, bulkRead);
    for (let round = 0; round < ROUNDS; round++) {
      for (const p of PATHS) {
        const r = results[p];
        const rt = await run(p, roundTrips);
        r.p50.push(rt.p50);
        r.mean.push(rt.mean);
        r.p99.push(rt.p99);
        r.medium.push(rt.medium);
        await run(p, async (conn) => {
          const from = probe.start();
          r.mb = await bulkRead(conn);
          r.bulk.push(probe.stop(from));
        });
      }
      let from = probe.start();
      await drain(net.connect(source.port, '127.0.0.1'));
      raw.tcp.push(probe.stop(from));
      const channel = await app.connections.forwardTo(tunnel.id, '127.0.0.1', source.port);
      from = probe.start();
      await drain(channel);
      raw.ssh.push(probe.stop(from));
      openssh.push(await opensshMbps(sshd, source.port));
    }
    await local.close();

    const f = (n: number, digits = 3) => n.toFixed(digits);
    const mbps = (samples: Sample[], mb: number) => `${f(median(samples.map((s) => mb / (s.wallMs / 1000))), 0)} MB/s`;
    const d = results.direct;
    const timing: string[][] = [['measure', ...PATHS.map((p) => PATH_LABEL[p])]];
    timing.push([`round trip p50 (${QUERIES}× SELECT 1)`, ...PATHS.map((p) => `${f(median(results[p].p50))} ms`)]);
    timing.push(['round trip mean', ...PATHS.map((p) => `${f(median(results[p].mean))} ms`)]);
    timing.push(['round trip p99', ...PATHS.map((p) => `${f(median(results[p].p99))} ms`)]);
    timing.push([`60-row reply p50 (${QUERIES / 5}×, ~60 KB)`, ...PATHS.map((p) => `${f(median(results[p].medium))} ms`)]);
    timing.push([`bulk read (${f(d.mb, 0)} MB)`, ...PATHS.map((p) => mbps(results[p].bulk, results[p].mb))]);
    timing.push(['bulk CPU ms/MB: ours / sshd / mariadbd', ...PATHS.map((p) => cpuCells(results[p].bulk, results[p].mb))]);
    timing.push([`transport only (${RAW_MB} MB, no MySQL)`, mbps(raw.tcp, RAW_MB), mbps(raw.ssh, RAW_MB), '']);
    timing.push(['transport CPU ms/MB: ours / sshd / -', cpuCells(raw.tcp, RAW_MB), cpuCells(raw.ssh, RAW_MB), '']);
    timing.push(['transport via OpenSSH ssh -W (yardstick)', '', `${f(median(openssh), 0)} MB/s`, '']);

    const perRound: string[][] = [['tunnel ÷ direct, per round (median)', 'wall', 'our CPU', 'our + sshd CPU']];
    perRound.push(['bulk read, channel', ...ratioCells(ratios(d.bulk, results.tunnel.bulk))]);
    perRound.push(['bulk read, local port', ...ratioCells(ratios(d.bulk, results.local.bulk))]);
    perRound.push([`transport only, ${RAW_MB} MB`, ...ratioCells(ratios(raw.tcp, raw.ssh))]);
    const rtRatio = (p: Path, k: 'p50' | 'medium') => median(results[p][k].map((t, i) => t / (d[k][i] as number)));
    perRound.push(['round trip p50, channel', `${f(rtRatio('tunnel', 'p50'), 2)}×`, '', '']);
    perRound.push(['round trip p50, local port', `${f(rtRatio('local', 'p50'), 2)}×`, '', '']);
    perRound.push(['60-row reply p50, channel', `${f(rtRatio('tunnel', 'medium'), 2)}×`, '', '']);
    perRound.push(['60-row reply p50, local port', `${f(rtRatio('local', 'medium'), 2)}×`, '', '']);

    console.log(
      `\nConnections benchmark: MariaDB ${info.port}, OpenSSH sshd ${sshd.port} (loopback), cipher ${await negotiatedCipher(sshd)}, ${ROUNDS} rounds, median`,
    );
    console.log(formatTable(timing));
    console.log('');
    console.log(formatTable(perRound));
    console.log(
      `Load average at the end: ${os
        .loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')} on ${os.cpus().length} cores. sshd's CPU is here only because the test sshd shares this machine.`,
    );
  } finally {
    source.stop();
    await app.close();
    await sshd.stop();
    await server.stop();
    fs.rmSync(work, { recursive: true, force: true });
  }
}

await main();
