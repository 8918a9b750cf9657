/**
 * `npm run bench [-- NAME…]`: runs the benchmarks one after another (never in parallel: each one measures
 * wall time and CPU on a 2-core machine, so two at once would spoil both). Without names, all of them.
 * Every benchmark is also runnable alone: `node --import tsx bench/<name>.ts [its options]`.
 * `--mysql` (or the name `mysql`) runs bench/mysql.ts, backup and restore on Oracle MySQL; it needs the MySQL
 * fixture root (scripts/pretest.mjs), so it is not part of the default set.
 * `--large` runs backup and restore on 10,000,000 rows instead of 2,000,000 (issue 16: linear time, flat
 * RSS); about 15 minutes on 2 cores, so it is opt-in. `npm run bench -- --large backup` runs only that one.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const BENCHES = ['connections', 'migrations', 'backup', 'restore', 'catalog', 'mysql'] as const;
const DEFAULT_BENCHES: BenchName[] = ['connections', 'migrations', 'backup', 'restore', 'catalog'];
type BenchName = (typeof BENCHES)[number];

function isBench(name: string): name is BenchName {
  return (BENCHES as readonly string[]).includes(name);
}

const here = path.dirname(fileURLToPath(import.meta.url));
const LARGE_ROWS = '10000000';
const large = process.argv.includes('--large');
const asked = process.argv
  .slice(2)
  .filter((a) => a !== '--large')
  .map((a) => (a === '--mysql' ? 'mysql' : a));
const unknown = asked.filter((a) => !isBench(a));
if (unknown.length > 0) {
  process.stderr.write(`Unknown benchmark(s): ${unknown.join(', ')}. Known: ${BENCHES.join(', ')}.\n`);
  process.exit(2);
}
const chosen: BenchName[] = asked.length > 0 ? asked.filter(isBench) : DEFAULT_BENCHES;

/** What a benchmark is told of `--large`: backup takes a flag, restore reads BENCH_ROWS (as it always has). */
function sizeFor(name: BenchName): { args: string[]; env: NodeJS.ProcessEnv } {
  if (!large) return { args: [], env: process.env };
  if (name === 'backup') return { args: ['--rows', LARGE_ROWS], env: process.env };
  if (name === 'restore') return { args: [], env: { ...process.env, BENCH_ROWS: LARGE_ROWS } };
  return { args: [], env: process.env };
}

let failed = 0;
for (const name of chosen) {
  process.stdout.write(`\n=== bench/${name}.ts ===\n`);
  const { args, env } = sizeFor(name);
  const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(here, `${name}.ts`), ...args], { stdio: 'inherit', env });
  if (r.status !== 0) {
    failed++;
    process.stderr.write(`bench/${name}.ts failed (exit ${r.status ?? r.signal}).\n`);
  }
}
process.exit(failed > 0 ? 1 : 0);
