/**
 * Event-loop delay of a process doing a backup in-process (issue 16: the UI door shares that loop), with an
 * optional CPU profile to see which work makes the long turns. Our own MariaDB (MariaDbServer), generated
 * rows shaped like bench/backup.ts, one App + createBackup under tsx, `monitorEventLoopDelay` at 10 ms.
 *
 * Run: node --import tsx bench/backupLag.ts [--rows 500000] [--tables 4] [--profile]
 * (--profile writes .tmp/backup-lag.cpuprofile and prints the turns longer than 20 ms by their top frames)
 */
import fs from 'node:fs';
import { Session } from 'node:inspector/promises';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import mysql from 'mysql2/promise';
import { App } from '../src/main/app/App';
import { MariaDbServer } from '../src/main/features/sandbox/MariaDbServer';
import { MemorySecretStore } from '../src/main/platform/secrets/SecretStore';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

/** Turns of the loop longer than `minMs` in a CPU profile, each named by its heaviest frames. */
function longTurns(profile: { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] }, minMs: number): string[] {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const idle = new Set(profile.nodes.filter((n) => ['(idle)', '(program)'].includes(n.callFrame.functionName)).map((n) => n.id));
  const out: string[] = [];
  let start = -1;
  let spent = 0;
  const frames = new Map<string, number>();
  const flush = () => {
    if (spent / 1000 >= minMs) {
      const top = [...frames].sort((a, b) => b[1] - a[1]).slice(0, 4);
      out.push(`${(spent / 1000).toFixed(0)} ms: ${top.map(([f, t]) => `${f} ${(t / 1000).toFixed(0)}`).join(', ')}`);
    }
    start = -1;
    spent = 0;
    frames.clear();
  };
  profile.samples.forEach((id, i) => {
    const dt = profile.timeDeltas[i] ?? 0;
    if (idle.has(id)) {
      flush();
      return;
    }
    if (start < 0) start = i;
    spent += dt;
    const n = byId.get(id);
    const key = `${n?.callFrame.functionName || '(anon)'}@${path.basename(n?.callFrame.url ?? '')}:${n?.callFrame.lineNumber}`;
    frames.set(key, (frames.get(key) ?? 0) + dt);
  });
  flush();
  return out;
}

async function main(): Promise<void> {
  const rows = arg('--rows', 500_000);
  const tables = arg('--tables', 4);
  const cpuProfile = process.argv.includes('--profile');
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'sysndd-bench-lag-'));
  const server = new MariaDbServer({
    baseDir: path.join(work, 'server'),
    rootPassword: 'bench-root-pw',
    durable: false,
    bufferPoolSize: '512M',
  });
  const info = await server.start();
  try {
    const root = await mysql.createConnection({ host: info.host, port: info.port, user: 'root', password: info.rootPassword });
    await root.query('CREATE DATABASE bench CHARACTER SET utf8mb4');
    await root.query('USE bench');
    const per = Math.ceil(rows / tables);
    for (let t = 0; t < tables; t++) {
      await root.query(`CREATE TABLE t${t} (id INT PRIMARY KEY, n INT, name VARCHAR(100), body TEXT, amount DECIMAL(12,2),
        created DATETIME, data BLOB, f FLOAT, d DOUBLE, note VARCHAR(50) NULL) ENGINE=InnoDB`);
      await root.query(`INSERT INTO t${t} SELECT seq, seq * 7 % 100000, CONCAT('name-', seq, '-', MD5(seq)),
        CONCAT(REPEAT(CONCAT(MD5(seq), ' it''s "quoted" \\\\ text '), 1 + seq % 3), SHA1(seq)), seq * 1.25,
        '2020-01-01' + INTERVAL seq SECOND, UNHEX(CONCAT(MD5(seq), SHA1(seq))), seq / 7, seq / 3,
        IF(seq % 3 = 0, NULL, 'note') FROM seq_1_to_${per}`);
      await root.query(`CHECKSUM TABLE t${t}`);
    }
    await root.end();
    const app = new App({ door: 'test', secrets: new MemorySecretStore(null), home: path.join(work, 'home') });
    const profile = await app.profiles.create(
      { name: 'bench', mysql: { host: info.host, port: info.port, user: 'root', database: 'bench' } },
      { 'mysql.password': info.rootPassword },
    );
    const session = new Session();
    if (cpuProfile) {
      session.connect();
      await session.post('Profiler.enable');
      await session.post('Profiler.setSamplingInterval', { interval: 1000 });
      await session.post('Profiler.start');
    }
    const lag = monitorEventLoopDelay({ resolution: 10 });
    lag.enable();
    const t0 = performance.now();
    const b = await app.backups.createBackup(profile.id, { dir: path.join(work, 'out'), compressionLevel: 1, checksums: false });
    const ms = performance.now() - t0;
    lag.disable();
    if (cpuProfile) {
      const { profile: p } = await session.post('Profiler.stop');
      fs.mkdirSync('.tmp', { recursive: true });
      fs.writeFileSync('.tmp/backup-lag.cpuprofile', JSON.stringify(p));
      session.disconnect();
      console.log('turns over 20 ms (CPU profile, .tmp/backup-lag.cpuprofile):');
      for (const l of longTurns(p as never, 20).slice(0, 25)) console.log(`  ${l}`);
    }
    await app.close();
    const over = (v: number) => Math.max(0, v / 1e6 - 10).toFixed(0);
    console.log(
      `\n${rows} rows, ${tables} tables, ${os.cpus().length} cores, load average ${os
        .loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')}`,
    );
    console.log('| in-process backup | wall s | file MB | loop delay p50 | p99 | max |');
    console.log('|---|---:|---:|---:|---:|---:|');
    console.log(
      `| 1 worker, gzip -1, no CHECKSUM | ${(ms / 1000).toFixed(1)} | ${(fs.statSync(b.path).size / 1e6).toFixed(1)} | ${over(lag.percentile(50))} ms | ${over(lag.percentile(99))} ms | ${over(lag.max)} ms |`,
    );
  } finally {
    await server.stop();
    fs.rmSync(work, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
