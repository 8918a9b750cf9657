/**
 * Migration engine figures on a real MariaDB:
 *   1. time to apply 100 generated migrations (3 statements each: CREATE TABLE, INSERT, ALTER TABLE)
 *   2. `status` time on a database with 1,000 applied rows (and journal rows), median of several runs
 *   3. the lock-free fast path of `migrate` on that database (nothing pending)
 *
 * Run: node --import tsx bench/migrations.ts
 * Uses a private mariadbd (durable: fsync on commit, like production) unless MYSQL_BENCH_URL=mysql://root:pw@host:port/
 * names a server to use (an account that may create databases).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mysql from 'mysql2/promise';
import { App } from '../src/main/app/App';
import { MariaDbServer } from '../src/main/features/sandbox/MariaDbServer';
import { MemorySecretStore } from '../src/main/platform/secrets/SecretStore';
import type { JobSnapshot } from '../src/shared/contract/jobs';

interface Server {
  host: string;
  port: number;
  user: string;
  password: string;
  stop(): Promise<void>;
}

async function server(): Promise<Server> {
  const url = process.env.MYSQL_BENCH_URL;
  if (url) {
    const u = new URL(url);
    return {
      host: u.hostname,
      port: Number(u.port || 3306),
      user: decodeURIComponent(u.username),
      password: decodeURIComponent(u.password),
      stop: async () => {},
    };
  }
  const baseDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sysndd-bench-mariadb-'));
  const s = new MariaDbServer({ baseDir, rootPassword: 'bench-root-pw', durable: true, bufferPoolSize: '128M' });
  const info = await s.start();
  return {
    host: info.host,
    port: info.port,
    user: info.rootUser,
    password: info.rootPassword,
    stop: async () => {
      await s.stop();
      fs.rmSync(baseDir, { recursive: true, force: true });
    },
  };
}

function folder(count: number, first: number): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sysndd-bench-migrations-'));
  for (let i = first; i < first + count; i++) {
    const n = String(i).padStart(3, '0');
    fs.writeFileSync(
      path.join(dir, `${n}_generated_${n}.sql`),
      `-- generated migration ${n}\nCREATE TABLE t_${n} (id INT PRIMARY KEY, v VARCHAR(20)) ENGINE=InnoDB;\nINSERT INTO t_${n} VALUES (1, 'x'), (2, 'y');\nALTER TABLE t_${n} ADD COLUMN note VARCHAR(50) NULL;\n`,
    );
  }
  return dir;
}

async function waitJob(app: App, job: JobSnapshot): Promise<JobSnapshot> {
  let s = await app.jobs.wait(job.id, 3_600_000);
  while (!s.finishedAt) s = await app.jobs.wait(job.id, 3_600_000);
  if (s.state !== 'succeeded') throw new Error(`${job.title}: ${s.error?.code} ${s.error?.message}`);
  return s;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

async function main(): Promise<void> {
  const srv = await server();
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'sysndd-bench-home-'));
  const app = new App({ door: 'test', secrets: new MemorySecretStore(null), home });
  const root = await mysql.createConnection({ host: srv.host, port: srv.port, user: srv.user, password: srv.password });
  const dirs: string[] = [];
  const results: Record<string, number | string> = {};
  try {
    const [ver] = await root.query<mysql.RowDataPacket[]>('SELECT VERSION() AS v');
    results.server = String(ver[0]?.v);
    const profileFor = async (db: string, dir: string) => {
      await root.query(`DROP DATABASE IF EXISTS \`${db}\``);
      await root.query(`CREATE DATABASE \`${db}\``);
      const p = await app.profiles.create(
        { name: db, mysql: { host: srv.host, port: srv.port, user: srv.user, database: db }, migrationsDir: dir },
        { 'mysql.password': srv.password },
      );
      return p.id;
    };

    // 1. Apply 100 generated migrations (300 statements).
    const dir100 = folder(100, 1);
    dirs.push(dir100);
    const p100 = await profileFor('bench_apply_100', dir100);
    const t0 = performance.now();
    const done = await waitJob(app, app.migrations.migrate(p100, { lockTimeoutSeconds: 30, retryFailed: false }));
    const applyMs = performance.now() - t0;
    const applied = (done.result as { applied: unknown[] }).applied.length;
    results.apply100_files = applied;
    results.apply100_total_ms = Math.round(applyMs);
    results.apply100_ms_per_file = Math.round((applyMs / applied) * 10) / 10;
    results.apply100_ms_per_statement = Math.round((applyMs / (applied * 3)) * 10) / 10;

    // 2. status with 1,000 applied rows: 1,000 files baselined (schema_version + journal with compressed text).
    const dir1000 = folder(1000, 0);
    dirs.push(dir1000);
    const p1000 = await profileFor('bench_status_1000', dir1000);
    const tb = performance.now();
    const base = await app.migrations.baseline(p1000, { upTo: '999', lockTimeoutSeconds: 30 });
    results.baseline1000_ms = Math.round(performance.now() - tb);
    results.baseline1000_rows = base.changed.length;
    const times: number[] = [];
    let last = null as Awaited<ReturnType<App['migrations']['status']>> | null;
    for (let i = 0; i < 7; i++) {
      const ts = performance.now();
      last = await app.migrations.status(p1000);
      times.push(performance.now() - ts);
    }
    results.status1000_applied = last?.counts.applied ?? 0;
    results.status1000_median_ms = Math.round(median(times));
    results.status1000_min_ms = Math.round(Math.min(...times));
    results.status1000_max_ms = Math.round(Math.max(...times));

    // 3. Fast path: migrate with nothing pending (no lock taken).
    const fp: number[] = [];
    for (let i = 0; i < 5; i++) {
      const tf = performance.now();
      await waitJob(app, app.migrations.migrate(p1000, { lockTimeoutSeconds: 30, retryFailed: false }));
      fp.push(performance.now() - tf);
    }
    results.fastpath1000_median_ms = Math.round(median(fp));

    const tv = performance.now();
    const v = await app.migrations.validate(p1000);
    results.validate1000_ms = Math.round(performance.now() - tv);
    results.validate1000_valid = String(v.valid);
  } finally {
    await root.query('DROP DATABASE IF EXISTS bench_apply_100').catch(() => undefined);
    await root.query('DROP DATABASE IF EXISTS bench_status_1000').catch(() => undefined);
    await root.end();
    await app.close();
    await srv.stop();
    for (const d of [...dirs, home]) fs.rmSync(d, { recursive: true, force: true });
  }
  console.log(JSON.stringify({ bench: 'migrations', machine: `${os.cpus().length} cpu, ${os.platform()}`, ...results }, null, 2));
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
