/**
 * `npm run bench [-- NAME…]`: runs the benchmarks one after another (never in parallel: each one measures
 * wall time and CPU on a 2-core machine, so two at once would spoil both). Without names, all of them.
 * Every benchmark is also runnable alone: `node --import tsx bench/<name>.ts [its options]`.
 * `--mysql` (or the name `mysql`) runs bench/mysql.ts, backup and restore on Oracle MySQL; it needs the MySQL
 * fixture root (scripts/pretest.mjs), so it is not part of the default set.
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
const asked = process.argv.slice(2).map((a) => (a === '--mysql' ? 'mysql' : a));
const unknown = asked.filter((a) => !isBench(a));
if (unknown.length > 0) {
  process.stderr.write(`Unknown benchmark(s): ${unknown.join(', ')}. Known: ${BENCHES.join(', ')}.\n`);
  process.exit(2);
}
const chosen: BenchName[] = asked.length > 0 ? asked.filter(isBench) : DEFAULT_BENCHES;

let failed = 0;
for (const name of chosen) {
  process.stdout.write(`\n=== bench/${name}.ts ===\n`);
  const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(here, `${name}.ts`)], { stdio: 'inherit' });
  if (r.status !== 0) {
    failed++;
    process.stderr.write(`bench/${name}.ts failed (exit ${r.status ?? r.signal}).\n`);
  }
}
process.exit(failed > 0 ? 1 : 0);
