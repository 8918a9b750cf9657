/**
 * The in-process run of bench/backup.ts (spawned by it under tsx): one backup through App + createBackup
 * in this process, as the UI door runs it. Prints one JSON line: wall time, output, the event-loop delay
 * the backup caused, and this process's CPU by thread (procCpu.ts ThreadCpuSampler).
 *
 * Config: BENCH_CHILD = JSON of InProcessConfig.
 */
import fs from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import zlib from 'node:zlib';
import { App } from '../src/main/app/App';
import { MemorySecretStore } from '../src/main/platform/secrets/SecretStore';
import { ThreadCpuSampler, type ThreadCpuSplit } from './procCpu';

export interface InProcessConfig {
  home: string;
  dir: string;
  host: string;
  port: number;
  password: string;
  database: string;
  workers: number;
  checksums: boolean;
}

export interface InProcessResult {
  ms: number;
  path: string;
  bytes: number;
  rows: number;
  lagP99: number;
  lagMax: number;
  threads: ThreadCpuSplit;
}

/** Starts libuv's pool (gzip runs there) before the sampling, so its threads count as "other", not as new. */
function warmThreadPool(): Promise<void> {
  return new Promise((resolve, reject) => zlib.gzip(Buffer.alloc(1024), (err) => (err ? reject(err) : resolve())));
}

async function main(): Promise<void> {
  const cfg = JSON.parse(process.env.BENCH_CHILD as string) as InProcessConfig;
  const app = new App({ door: 'test', secrets: new MemorySecretStore(null), home: cfg.home });
  const profile = await app.profiles.create(
    { name: 'bench', mysql: { host: cfg.host, port: cfg.port, user: 'root', database: cfg.database } },
    { 'mysql.password': cfg.password },
  );
  await warmThreadPool();
  const lag = monitorEventLoopDelay({ resolution: 10 });
  const threads = new ThreadCpuSampler();
  lag.enable();
  threads.start();
  const t0 = performance.now();
  const b = await app.backups.createBackup(profile.id, {
    dir: cfg.dir,
    workers: cfg.workers,
    checksums: cfg.checksums,
    compressionLevel: 1,
  });
  const ms = performance.now() - t0;
  const split = threads.stop();
  lag.disable();
  const result: InProcessResult = {
    ms,
    path: b.path,
    bytes: fs.statSync(b.path).size,
    rows: b.manifest.tables.reduce((a, t) => a + t.rows, 0),
    lagP99: lag.percentile(99) / 1e6,
    lagMax: lag.max / 1e6,
    threads: split,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
  await app.close();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
