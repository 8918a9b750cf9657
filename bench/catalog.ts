/**
 * Catalog benchmark (issue 16): `backups.list` over a profile folder holding 10,001 backups.
 * One real backup of a small database (sealed, with its manifest) is made, then copied 10,000 times under
 * other names. Times of the list call, through dispatch as every door calls it:
 *   first list   an empty app database: every file's trailing manifest is read (the index is built)
 *   cold         a new App on the same home (a new process's first call: index on disk, nothing in memory)
 *   warm         the same call again in that App
 *   page         `limit: 100` (what the virtualised table asks for), cold and warm
 * The anchor is `ls -l` of the same folder (readdir + stat of every file), measured in the same run.
 *
 * Run: node --import tsx bench/catalog.ts [--files 10001] [--profile] (--profile: a CPU profile of the cold
 * call is written to .tmp/catalog-cold.cpuprofile)
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { Session } from 'node:inspector/promises';
import os from 'node:os';
import path from 'node:path';
import mysql from 'mysql2/promise';
import { App } from '../src/main/app/App';
import { dispatch } from '../src/main/core/dispatch';
import { MariaDbServer } from '../src/main/features/sandbox/MariaDbServer';
import { MemorySecretStore } from '../src/main/platform/secrets/SecretStore';
import type { BackupList } from '../src/shared/contract/backups';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

const ctx = { door: 'test' as const, actor: 'bench' };

/** Wall and CPU time (this process, user + system) of one call: on a shared machine CPU is the steadier one. */
async function timedList(app: App, args: Record<string, unknown>): Promise<{ ms: number; cpuMs: number; list: BackupList }> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const r = await dispatch(app.handlers, 'backups.list', args, ctx);
  const ms = performance.now() - t0;
  const c = process.cpuUsage(c0);
  if (!r.ok) throw new Error(`${r.code}: ${r.message}`);
  return { ms, cpuMs: (c.user + c.system) / 1000, list: r.value as BackupList };
}

async function profiled<T>(enabled: boolean, file: string, run: () => Promise<T>): Promise<T> {
  if (!enabled) return run();
  const s = new Session();
  s.connect();
  await s.post('Profiler.enable');
  await s.post('Profiler.start');
  try {
    return await run();
  } finally {
    const { profile } = await s.post('Profiler.stop');
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, JSON.stringify(profile));
    s.disconnect();
    console.log(`CPU profile: ${file}`);
  }
}

async function makeOneBackup(
  app: App,
  host: string,
  port: number,
  password: string,
): Promise<{ profileId: string; file: string }> {
  const profile = await app.profiles.create(
    { name: 'bench', mysql: { host, port, user: 'root', database: 'bench' } },
    { 'mysql.password': password },
  );
  const b = await app.backups.createBackup(profile.id, {});
  return { profileId: profile.id, file: b.path };
}

async function main(): Promise<void> {
  const files = arg('--files', 10_001);
  const cpuProfile = process.argv.includes('--profile');
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'sysndd-bench-catalog-'));
  const server = new MariaDbServer({ baseDir: path.join(work, 'server'), rootPassword: 'bench-root-pw', durable: false });
  const info = await server.start();
  const home = path.join(work, 'home');
  try {
    const root = await mysql.createConnection({ host: info.host, port: info.port, user: 'root', password: info.rootPassword });
    await root.query('CREATE DATABASE bench');
    await root.query('USE bench');
    for (let t = 0; t < 9; t++) {
      await root.query(`CREATE TABLE bench.t${t} (id INT PRIMARY KEY, name VARCHAR(40)) ENGINE=InnoDB`);
      await root.query(`INSERT INTO bench.t${t} SELECT seq, CONCAT('row-', seq) FROM seq_1_to_200`);
    }
    await root.end();

    let app = new App({ door: 'test', secrets: new MemorySecretStore(null), home });
    const { profileId, file } = await makeOneBackup(app, info.host, info.port, info.rootPassword);
    const dir = path.dirname(file);
    const base = path.basename(file, '.sql.gz');
    for (let i = 1; i < files; i++) fs.copyFileSync(file, path.join(dir, `${base}_copy${String(i).padStart(5, '0')}.sql.gz`));
    console.log(`${files} backups of ${fs.statSync(file).size} bytes each in ${dir}`);

    // The anchor, best of 3 (a shared machine): what listing the folder costs at all.
    let lsMs = Number.POSITIVE_INFINITY;
    for (let i = 0; i < 3; i++) {
      const t0 = performance.now();
      execFileSync('ls', ['-l', dir], { stdio: 'ignore', maxBuffer: 64 << 20 });
      lsMs = Math.min(lsMs, performance.now() - t0);
    }

    const args = { profileId, refreshRemote: false };
    const first = await timedList(app, args);
    if (first.list.entries.length !== files) throw new Error(`listed ${first.list.entries.length} of ${files}`);
    await app.close();

    app = new App({ door: 'test', secrets: new MemorySecretStore(null), home });
    const cold = await profiled(cpuProfile, path.join('.tmp', 'catalog-cold.cpuprofile'), () => timedList(app, args));
    const warm = await timedList(app, args);
    await app.close();

    app = new App({ door: 'test', secrets: new MemorySecretStore(null), home });
    const paged = { ...args, offset: 0, limit: 100 };
    const pageCold = await timedList(app, paged);
    const pageWarm = await timedList(app, { ...paged, offset: 5000 });
    await app.close();

    const row = (what: string, r: { ms: number; cpuMs: number; list: BackupList }) =>
      `| ${what} | ${r.list.entries.length} of ${r.list.total} | ${r.ms.toFixed(0)} | ${r.cpuMs.toFixed(0)} | ${(r.ms / lsMs).toFixed(1)} |`;
    console.log(
      `\n${files} backups, ${os.cpus().length} cores, load average ${os
        .loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')}\n`,
    );
    console.log('| backups.list | entries | wall ms | CPU ms | wall × ls -l |');
    console.log('|---|---:|---:|---:|---:|');
    console.log(`| anchor: ls -l of the folder (best of 3) | ${files} | ${lsMs.toFixed(0)} | | 1.0 |`);
    console.log(row('first list (index built: every manifest read)', first));
    console.log(row('cold (new App, index on disk)', cold));
    console.log(row('warm (same App again)', warm));
    console.log(row('page of 100, cold', pageCold));
    console.log(row('page of 100 at offset 5000, warm', pageWarm));
  } finally {
    await server.stop();
    fs.rmSync(work, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
