/**
 * Encrypted vs plain backup (docs/backups.md, "Encrypted backups"): the same generated data, our engine
 * in its own process per run (so its peak RSS is its own), round-robin `--repeat` times; each
 * configuration's fastest wall time and highest peak RSS. Plain `.sql.gz`, age to an X25519 recipient,
 * age with a passphrase (scrypt 2^17 once per file).
 *
 * Run: node --import tsx bench/backupEncrypted.ts [--rows 2000000] [--tables 4] [--repeat 2]
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import mysql from 'mysql2/promise';
import { App } from '../src/main/app/App';
import { generateIdentity } from '../src/main/features/backups/age/ageKeys';
import { MariaDbServer } from '../src/main/features/sandbox/MariaDbServer';
import { MemorySecretStore } from '../src/main/platform/secrets/SecretStore';
import type { BackupEncryption } from '../src/shared/contract/backups';

const SELF = fileURLToPath(import.meta.url);

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

interface ChildConfig {
  home: string;
  dir: string;
  host: string;
  port: number;
  password: string;
  encrypt?: BackupEncryption;
}

async function child(): Promise<void> {
  const cfg = JSON.parse(process.env.BENCH_CHILD as string) as ChildConfig;
  const app = new App({ door: 'test', secrets: new MemorySecretStore(null), home: cfg.home });
  const profile = await app.profiles.create(
    { name: 'bench', mysql: { host: cfg.host, port: cfg.port, user: 'root', database: 'bench' } },
    { 'mysql.password': cfg.password },
  );
  const t0 = performance.now();
  const b = await app.backups.createBackup(profile.id, { dir: cfg.dir, compressionLevel: 1, encrypt: cfg.encrypt });
  const ms = performance.now() - t0;
  const bytes = fs.statSync(b.path).size;
  fs.rmSync(b.path);
  await app.close();
  process.stdout.write(`${JSON.stringify({ ms, bytes, rssMB: process.resourceUsage().maxRSS / 1024 })}\n`);
}

async function main(): Promise<void> {
  const rows = arg('--rows', 2_000_000);
  const tables = arg('--tables', 4);
  const repeat = Math.max(1, arg('--repeat', 2));
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'sysndd-bench-age-'));
  const server = new MariaDbServer({
    baseDir: path.join(work, 'server'),
    rootPassword: 'bench-root-pw',
    durable: false,
    bufferPoolSize: '1G',
  });
  const info = await server.start();
  try {
    const root = await mysql.createConnection({
      host: info.host,
      port: info.port,
      user: info.rootUser,
      password: info.rootPassword,
    });
    await root.query('CREATE DATABASE bench CHARACTER SET utf8mb4');
    await root.query('USE bench');
    const per = Math.ceil(rows / tables);
    for (let t = 0; t < tables; t++) {
      await root.query(`CREATE TABLE bench.t${t} (id INT PRIMARY KEY, n INT, name VARCHAR(100), body TEXT,
        amount DECIMAL(12,2), created DATETIME, data BLOB, note VARCHAR(50) NULL) ENGINE=InnoDB`);
      await root.query(`INSERT INTO bench.t${t} SELECT seq, seq * 7 % 100000, CONCAT('name-', seq, '-', MD5(seq)),
        CONCAT(REPEAT(CONCAT(MD5(seq), ' it''s "quoted" text '), 1 + seq % 3), SHA1(seq)), seq * 1.25,
        '2020-01-01' + INTERVAL seq SECOND, UNHEX(CONCAT(MD5(seq), SHA1(seq))), IF(seq % 3 = 0, NULL, 'note')
        FROM seq_1_to_${per}`);
      await root.query(`CHECKSUM TABLE bench.t${t}`);
    }
    await root.end();
    const recipient = generateIdentity().recipient;
    const configs: Array<{ tool: string; encrypt?: BackupEncryption }> = [
      { tool: 'plain .sql.gz' },
      { tool: 'age X25519 .sql.gz.age', encrypt: { recipients: [recipient] } },
      { tool: 'age passphrase .sql.gz.age', encrypt: { passphrase: 'bench-passphrase-123' } },
    ];
    const best = new Map<string, { ms: number; bytes: number; rssMB: number }>();
    for (let r = 0; r < repeat; r++) {
      for (const c of configs) {
        const cfg: ChildConfig = {
          home: fs.mkdtempSync(path.join(work, 'home-')),
          dir: path.join(work, 'out'),
          host: info.host,
          port: info.port,
          password: info.rootPassword,
          encrypt: c.encrypt,
        };
        const p = spawnSync(process.execPath, ['--import', 'tsx', SELF], {
          env: { ...process.env, BENCH_CHILD: JSON.stringify(cfg) },
          encoding: 'utf8',
          maxBuffer: 16 << 20,
        });
        if (p.status !== 0) throw new Error(`${c.tool}: ${p.stderr}`);
        const res = JSON.parse(p.stdout.trim().split('\n').at(-1) as string) as { ms: number; bytes: number; rssMB: number };
        const prev = best.get(c.tool);
        best.set(
          c.tool,
          prev ? { ms: Math.min(prev.ms, res.ms), bytes: res.bytes, rssMB: Math.max(prev.rssMB, res.rssMB) } : res,
        );
      }
    }
    const plain = best.get('plain .sql.gz')?.ms ?? 1;
    console.log(`\n${rows} rows in ${tables} tables, best of ${repeat}, ${os.cpus().length} CPUs`);
    console.log('| configuration | wall s | × plain | file MB | peak RSS MB |');
    console.log('| --- | ---: | ---: | ---: | ---: |');
    for (const [tool, r] of best)
      console.log(
        `| ${tool} | ${(r.ms / 1000).toFixed(1)} | ${(r.ms / plain).toFixed(2)} | ${(r.bytes / 1e6).toFixed(0)} | ${r.rssMB.toFixed(0)} |`,
      );
  } finally {
    await server.stop();
    fs.rmSync(work, { recursive: true, force: true });
  }
}

if (process.env.BENCH_CHILD) await child();
else await main();
