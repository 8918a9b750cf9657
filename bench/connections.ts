/**
 * Connections benchmark (not a timed test): what the SSH tunnel costs compared with a direct connection.
 *   round trip: N sequential `SELECT 1` on one pooled connection (mean, p50, p99)
 *   throughput: one ~100 MB result set (100,000 rows × 1 KB) read with mysql2, MB/s
 * Both through `app.connections` exactly as the product uses it: direct TCP, and mysql2 over an ssh2
 * `forwardOut` channel through a real OpenSSH sshd (tests/fixtures/sshd.ts) on loopback. Target: tunnel ≤ 1.3×.
 * Direct and tunnel runs alternate (3 rounds, median) so a busy machine hurts both alike.
 *
 * Run: node --import tsx bench/connections.ts [--queries 1000] [--rows 100000] [--rounds 3]
 * Uses a private mariadbd (src/main/features/sandbox/MariaDbServer.ts, 512 MB buffer pool, data warmed before timing).
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import mysql from 'mysql2/promise';
import { App } from '../src/main/app/App';
import type { MysqlConnection } from '../src/main/features/connections/mysql/mysqlConnect';
import { MariaDbServer } from '../src/main/features/sandbox/MariaDbServer';
import { MemorySecretStore } from '../src/main/platform/secrets/SecretStore';
import { keyAuthHop, startSshd } from '../tests/fixtures/sshd';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

const QUERIES = arg('--queries', 1000);
const ROWS = arg('--rows', 100_000);
const ROUNDS = arg('--rounds', 3);
const PAYLOAD = 1000;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] as number;
}

async function roundTrips(conn: MysqlConnection): Promise<{ mean: number; p50: number; p99: number }> {
  for (let i = 0; i < 50; i++) await conn.query('SELECT 1');
  const times: number[] = [];
  const t0 = performance.now();
  for (let i = 0; i < QUERIES; i++) {
    const s = performance.now();
    await conn.query('SELECT 1');
    times.push(performance.now() - s);
  }
  return { mean: (performance.now() - t0) / QUERIES, p50: pct(times, 50), p99: pct(times, 99) };
}

async function bulkRead(conn: MysqlConnection): Promise<{ seconds: number; mb: number; rows: number }> {
  const t0 = performance.now();
  const [rows] = await conn.query({ sql: 'SELECT id, payload FROM bench_rows', rowsAsArray: true });
  const seconds = (performance.now() - t0) / 1000;
  const list = rows as Array<[number, string]>;
  let bytes = 0;
  for (const r of list) bytes += 4 + r[1].length;
  return { seconds, mb: bytes / 1e6, rows: list.length };
}

/**
 * The transport alone, without MySQL: 200 MB from a byte source in another process, read over plain TCP
 * over an ssh2 forwardOut channel, and — as the yardstick — through OpenSSH's own client (`ssh -W`) and the
 * same sshd. Tells whether a gap is our code path or SSH itself on this machine.
 */
async function rawTransport(
  app: App,
  profileId: string,
  sshd: Awaited<ReturnType<typeof startSshd>>,
): Promise<{ tcp: number; ssh: number; openssh: number }> {
  const mb = 200;
  const src = spawn(
    process.execPath,
    [
      '-e',
      `const s=require('net').createServer({allowHalfOpen:true},c=>{const b=Buffer.alloc(1<<20,120);let n=0;const w=()=>{while(n<${mb}){n++;if(!c.write(b))return c.once('drain',w)}c.end()};w()}).listen(0,'127.0.0.1',()=>console.log(s.address().port))`,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const port = await new Promise<number>((resolve) =>
    src.stdout.once('data', (d: Buffer) => resolve(Number(d.toString().trim()))),
  );
  const drain = (s: NodeJS.ReadableStream) =>
    new Promise<number>((resolve) => {
      const t0 = performance.now();
      let n = 0;
      s.on('data', (d: Buffer) => {
        n += d.length;
      });
      s.on('end', () => resolve(n / 1e6 / ((performance.now() - t0) / 1000)));
    });
  try {
    const tcp = await drain(net.connect(port, '127.0.0.1'));
    const ssh = await drain(await app.connections.forwardTo(profileId, '127.0.0.1', port));
    const client = spawn(
      'ssh',
      [
        ...['-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null', '-o', 'LogLevel=ERROR'],
        ...['-i', sshd.privateKeyPath, '-p', String(sshd.port), '-W', `127.0.0.1:${port}`, `${sshd.user}@${sshd.host}`],
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    // Started after the handshake would be fairer; the ~50 ms login is under 10 % of a 200 MB read.
    const openssh = await drain(client.stdout);
    return { tcp, ssh, openssh };
  } finally {
    src.kill();
  }
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
  const app = new App({ door: 'test', secrets: new MemorySecretStore(null), home: path.join(work, 'home') });
  try {
    const root = await mysql.createConnection({
      host: info.host,
      port: info.port,
      user: info.rootUser,
      password: info.rootPassword,
    });
    await root.query('CREATE DATABASE bench');
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

    const mysqlSettings = { host: info.host, port: info.port, user: info.rootUser, database: 'bench' };
    const direct = await app.profiles.create(
      { name: 'bench direct', mysql: mysqlSettings },
      { 'mysql.password': info.rootPassword },
    );
    const tunnel = await app.profiles.create(
      {
        name: 'bench tunnel',
        mysql: mysqlSettings,
        ssh: keyAuthHop(sshd),
      },
      { 'mysql.password': info.rootPassword },
    );
    app.connections.hostKeys.trust(sshd.host, sshd.port, 'ssh-ed25519', sshd.hostKeyFingerprint);

    const results: Record<'direct' | 'tunnel', { rt: number[]; p50: number[]; p99: number[]; mbps: number[]; mb: number }> = {
      direct: { rt: [], p50: [], p99: [], mbps: [], mb: 0 },
      tunnel: { rt: [], p50: [], p99: [], mbps: [], mb: 0 },
    };
    // Warm the buffer pool and both paths once before timing.
    for (const p of [direct, tunnel]) await app.connections.withConnection(p.id, bulkRead);
    for (let round = 0; round < ROUNDS; round++) {
      for (const [kind, p] of [
        ['direct', direct],
        ['tunnel', tunnel],
      ] as const) {
        const r = results[kind];
        const rt = await app.connections.withConnection(p.id, roundTrips);
        r.rt.push(rt.mean);
        r.p50.push(rt.p50);
        r.p99.push(rt.p99);
        const bulk = await app.connections.withConnection(p.id, bulkRead);
        r.mbps.push(bulk.mb / bulk.seconds);
        r.mb = bulk.mb;
      }
    }

    const raw = [];
    for (let round = 0; round < ROUNDS; round++) raw.push(await rawTransport(app, tunnel.id, sshd));
    const d = results.direct;
    const t = results.tunnel;
    const f = (n: number, digits = 3) => n.toFixed(digits);
    const rows = [
      ['measure', 'direct', 'SSH tunnel', 'tunnel / direct'],
      [
        `round trip mean (${QUERIES}× SELECT 1)`,
        `${f(median(d.rt))} ms`,
        `${f(median(t.rt))} ms`,
        `${f(median(t.rt) / median(d.rt), 2)}×`,
      ],
      ['round trip p50', `${f(median(d.p50))} ms`, `${f(median(t.p50))} ms`, `${f(median(t.p50) / median(d.p50), 2)}×`],
      ['round trip p99', `${f(median(d.p99))} ms`, `${f(median(t.p99))} ms`, `${f(median(t.p99) / median(d.p99), 2)}×`],
      [
        `bulk read (${f(d.mb, 0)} MB, ${ROWS} rows)`,
        `${f(median(d.mbps), 0)} MB/s`,
        `${f(median(t.mbps), 0)} MB/s`,
        `${f(median(d.mbps) / median(t.mbps), 2)}× time`,
      ],
      [
        'transport only (200 MB, no MySQL)',
        `${f(median(raw.map((r) => r.tcp)), 0)} MB/s`,
        `${f(median(raw.map((r) => r.ssh)), 0)} MB/s`,
        `${f(median(raw.map((r) => r.tcp)) / median(raw.map((r) => r.ssh)), 2)}× time`,
      ],
      ['  same via OpenSSH ssh -W (yardstick)', '', `${f(median(raw.map((r) => r.openssh)), 0)} MB/s`, ''],
    ];
    const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] as string).length)));
    console.log(`\nConnections benchmark: MariaDB ${info.port}, OpenSSH sshd ${sshd.port} (loopback), ${ROUNDS} rounds, median`);
    for (const r of rows)
      console.log(r.map((c, i) => (i === 0 ? c.padEnd(widths[i] as number) : c.padStart(widths[i] as number))).join('  '));
    // The p50 is the fairer round-trip figure on a shared machine: stalls from other processes inflate means.
    const rtRatio = median(t.p50) / median(d.p50);
    const bulkRatio = median(d.mbps) / median(t.mbps);
    console.log(
      `Load average at the end: ${os
        .loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')} on ${os.cpus().length} cores.`,
    );
    console.log(
      `\nTarget tunnel ≤ 1.3× direct: round trip p50 ${rtRatio <= 1.3 ? 'met' : 'NOT met'} (${f(rtRatio, 2)}×, +${f(median(t.p50) - median(d.p50))} ms), bulk ${bulkRatio <= 1.3 ? 'met' : 'NOT met'} (${f(bulkRatio, 2)}×).`,
    );
  } finally {
    await app.close();
    await sshd.stop();
    await server.stop();
    fs.rmSync(work, { recursive: true, force: true });
  }
}

await main();
