import type { RowDataPacket } from 'mysql2/promise';
import { AppError } from '../../core/AppError';
import type { DbConnection } from './connect';
import { baseTables } from './liveSchema';
import { refuseUnsupportedEngines } from './loadErrors';
import type { LoadedTable } from './loader/DumpLoader';
import type { SourceInventory } from './sources/inventory';
import { quoteIdentBytes } from './sql/dumpStatements';

export interface VerifyOutcome {
  tablesChecked: number;
  checksumsCompared: number;
  warnings: string[];
}

interface CountRow extends RowDataPacket {
  c: string | number;
}

/**
 * Before anything is swapped: the shadow schema must hold exactly the tables of the file, each with the
 * rows the file holds (manifest counts for our backups, VALUES tuples counted while reading a foreign
 * dump), and for our backups the CHECKSUM TABLE values taken inside the backup's snapshot. Counts run in
 * parallel on the loader connections. A mismatch fails the restore with the live database untouched.
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
}): Promise<VerifyOutcome> {
  const { inventory: inv } = input;
  const warnings: string[] = [];
  const shadowTables = await baseTables(input.control, input.shadow);
  refuseUnsupportedEngines(shadowTables);
  const present = new Set(shadowTables.map((t) => t.name));
  const sequences = new Set(shadowTables.filter((t) => t.sequence).map((t) => t.name));
  const expected = input.only
    ? [...input.only]
    : inv.format === 'sysndd-admin'
      ? inv.tables.map((t) => t.name)
      : input.loaded.map((t) => t.name);
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
  const jobs = expected.filter((name) => !sequences.has(name)).map((name) => ({ name }));
  let next = 0;
  let done = 0;
  let checksums = 0;
  const problems: string[] = [];

  const worker = async (conn: DbConnection) => {
    while (next < jobs.length) {
      if (input.signal.aborted) throw new AppError('CANCELLED', 'Cancelled by request.');
      const { name } = jobs[next++] as { name: string };
      // Worker connections are byte transparent: names go as their UTF-8 bytes.
      const ident = `${quoteIdentBytes(input.shadow)}.${quoteIdentBytes(name)}`;
      const [countRows] = await conn.query<CountRow[]>(`SELECT COUNT(*) AS c FROM ${ident}`);
      const actual = Number(countRows[0]?.c ?? 0);
      const m = manifestByName.get(name);
      const wanted = inv.format === 'sysndd-admin' ? (m?.rows ?? null) : (loadedByName.get(name)?.fileRows ?? null);
      if (wanted === null) warnings.push(`Row count of ${name} not verifiable from the file (${actual} rows loaded).`);
      else if (actual !== wanted) problems.push(`${name}: ${actual} rows loaded, the file has ${wanted}`);
      if (input.compareChecksums && m?.checksum) {
        const [ck] = await conn.query<RowDataPacket[]>(`CHECKSUM TABLE ${ident}`);
        const value = String(ck[0]?.Checksum ?? '');
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
    }
  };
  await Promise.all(input.workers.map(worker));
  if (problems.length)
    throw new AppError('RESTORE_FAILED', `Verification failed, nothing was swapped: ${problems.join('; ')}.`, { problems });
  return { tablesChecked: jobs.length, checksumsCompared: checksums, warnings };
}

function majorMinor(v: string): string {
  const m = /^(\d+)\.(\d+)/.exec(v);
  const flavour = /mariadb/i.test(v) ? 'mariadb' : 'mysql';
  return m ? `${flavour}-${m[1]}.${m[2]}` : v;
}
