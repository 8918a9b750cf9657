import { AppError } from '../../core/AppError';
import type { DbConnection } from './connect';
import { baseTables, type LiveTable } from './liveSchema';
import { refuseUnsupportedEngines } from './loadErrors';
import type { LoadedTable } from './loader/DumpLoader';
import { type MeasureJob, ShadowMeasurements } from './shadowMeasure';
import type { SourceInventory } from './sources/inventory';

export interface VerifyOutcome {
  tablesChecked: number;
  checksumsCompared: number;
  /** Tables whose counts and checksums were read while the load's index builds still ran. */
  readDuringIndexBuilds: number;
  warnings: string[];
}

/**
 * Before anything is swapped: the shadow schema must hold exactly the tables of the file, each with the
 * rows the file holds (manifest counts for our backups, VALUES tuples counted while reading a foreign
 * dump), and for our backups the CHECKSUM TABLE values taken inside the backup's snapshot. Counts run in
 * parallel on the loader connections (some already while the load's index builds ran: shadowMeasure.ts).
 * A mismatch fails the restore with the live database untouched.
 */
export async function verifyShadow(input: {
  control: DbConnection;
  workers: DbConnection[];
  shadow: string;
  inventory: SourceInventory;
  loaded: LoadedTable[];
  compareChecksums: boolean;
  targetServerVersion: string;
  signal: AbortSignal;
  onTable: (done: number, total: number) => void;
  /** A table restore: exactly these tables are expected (each must be in the shadow schema). */
  only?: ReadonlySet<string> | null;
  /** Measurements the load started while its index builds ran (shadowMeasure.ts); else all are read here. */
  measurements?: ShadowMeasurements;
}): Promise<VerifyOutcome> {
  const { inventory: inv } = input;
  const warnings: string[] = [];
  const { tables: shadowTables, present, sequences } = await shadowTablesOf(input.control, input.shadow);
  refuseUnsupportedEngines(shadowTables);
  const expected = expectedTables(inv, input.loaded, input.only ?? null);
  const missing = expected.filter((t) => !present.has(t));
  if (missing.length)
    throw new AppError(
      'RESTORE_FAILED',
      `After loading, table(s) ${missing.join(', ')} are missing from the shadow schema${input.only ? ' (the file has no such table)' : ''}; nothing was swapped.`,
    );

  const loadedByName = new Map(input.loaded.map((t) => [t.name, t]));
  const manifestByName = new Map(inv.tables.map((t) => [t.name, t]));
  const sameServer = inv.serverVersion !== null && majorMinor(inv.serverVersion) === majorMinor(input.targetServerVersion);
  // A sequence always holds one row (its state, set by SETVAL): nothing to count.
  const jobs = measureJobs(inv, expected, sequences, input.compareChecksums);
  const measurements = input.measurements ?? new ShadowMeasurements(input.shadow);
  measurements.enqueue(jobs);
  let done = 0;
  let checksums = 0;
  const problems: string[] = [];
  const judged = jobs.map(async (job) => {
    const { name } = job;
    const measured = await measurements.result(name);
    const actual = measured.rows;
    const m = manifestByName.get(name);
    const wanted = inv.format === 'sysndd-admin' ? (m?.rows ?? null) : (loadedByName.get(name)?.fileRows ?? null);
    if (wanted === null) warnings.push(`Row count of ${name} not verifiable from the file (${actual} rows loaded).`);
    else if (actual !== wanted) problems.push(`${name}: ${actual} rows loaded, the file has ${wanted}`);
    if (job.checksum && m?.checksum) {
      const value = measured.checksum ?? '';
      checksums++;
      if (value !== m.checksum) {
        if (sameServer) problems.push(`${name}: CHECKSUM TABLE ${value} differs from the backup's ${m.checksum}`);
        else
          warnings.push(
            `${name}: CHECKSUM TABLE differs (${value} vs ${m.checksum}); the backup comes from ${inv.serverVersion}, checksums are only comparable on the same server version.`,
          );
      }
    }
    input.onTable(++done, jobs.length);
  });
  const allJudged = Promise.all(judged);
  allJudged.catch(() => undefined); // a failed read fails finish() first; its jobs' rejections are answered here
  await measurements.finish(input.workers, input.signal);
  await allJudged;
  if (problems.length)
    throw new AppError('RESTORE_FAILED', `Verification failed, nothing was swapped: ${problems.join('; ')}.`, { problems });
  return { tablesChecked: jobs.length, checksumsCompared: checksums, readDuringIndexBuilds: measurements.readEarly, warnings };
}

/** The shadow schema's tables, their names, and which of them are sequences. */
export async function shadowTablesOf(
  control: DbConnection,
  shadow: string,
): Promise<{ tables: LiveTable[]; present: Set<string>; sequences: Set<string> }> {
  const tables = await baseTables(control, shadow);
  return {
    tables,
    present: new Set(tables.map((t) => t.name)),
    sequences: new Set(tables.filter((t) => t.sequence).map((t) => t.name)),
  };
}

/** The tables the shadow schema must hold: the scope of a table restore, our manifest's, or what a dump loaded. */
export function expectedTables(inv: SourceInventory, loaded: readonly LoadedTable[], only: ReadonlySet<string> | null): string[] {
  if (only) return [...only];
  return inv.format === 'sysndd-admin' ? inv.tables.map((t) => t.name) : loaded.map((t) => t.name);
}

/** What to read of each expected table (sequences hold one row of state: nothing to count). */
export function measureJobs(
  inv: SourceInventory,
  expected: readonly string[],
  sequences: ReadonlySet<string>,
  compareChecksums: boolean,
): MeasureJob[] {
  const manifestByName = new Map(inv.tables.map((t) => [t.name, t]));
  return expected
    .filter((name) => !sequences.has(name))
    .map((name) => ({ name, checksum: compareChecksums && Boolean(manifestByName.get(name)?.checksum) }));
}

function majorMinor(v: string): string {
  const m = /^(\d+)\.(\d+)/.exec(v);
  const flavour = /mariadb/i.test(v) ? 'mariadb' : 'mysql';
  return m ? `${flavour}-${m[1]}.${m[2]}` : v;
}
