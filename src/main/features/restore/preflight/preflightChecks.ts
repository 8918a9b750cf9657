import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import type { RowDataPacket } from 'mysql2/promise';
import type { Profile } from '../../../../shared/contract/profiles';
import type { PreflightCheck, PreflightReport, RestoreOptions } from '../../../../shared/contract/restore';
import { type StatementLimit, statementLimitFor } from '../../../core/statementLimit';
import { describeHolder, LOCK_NAME as MIGRATION_LOCK, readLockHolder } from '../../migrations/MigrationLock';
import { otherSchemas } from '../confinement/loadAccount';
import { type DbConnection, rows } from '../connect';
import { baseTables, countRows, type LiveTable, likeLiteral, schemaInfo, schemasLike } from '../liveSchema';
import { parseLeftoverName, restoreLockName } from '../names';
import { listObjects, type ObjectNames } from '../objects/liveObjects';
import { type RestoreJournal, serverKeyOf, UNFINISHED } from '../RestoreJournal';
import type { RestoreServiceDeps } from '../RestoreServiceDeps';
import type { RestoreSource } from '../sources/ForeignDumpSource';
import type { SourceInventory } from '../sources/inventory';
import { numericServerVersion } from '../sql/dumpStatements';
import { foreignKeys, tableScopeCheck } from '../tableScope';
import { confinementCheck, countsOf, definerCheck, type ObjectCounts, privilegeCheck } from './accessChecks';
import { type CrossEnginePlan, crossEngineChecks } from './crossEngineCheck';
import { Grants } from './grants';
import { sealCheck } from './sealCheck';

/**
 * The preflight's checks, one function per subject, in the order the report lists them: the file, the
 * target, the account (privileges, DEFINERs, confinement, across engines), statement size and locks, disk
 * space, leftovers. Each adds what it found to the report's checks and returns what later phases use.
 */

type Row = RowDataPacket & Record<string, unknown>;
export type AddCheck = (id: string, status: PreflightCheck['status'], message: string) => void;

export interface PreflightInput {
  app: Pick<RestoreServiceDeps, 'backups' | 'connections'>;
  journal: RestoreJournal;
  profile: Profile;
  control: DbConnection;
  targetDatabase: string;
  inventory: SourceInventory;
  options: RestoreOptions;
  /** Where the pre-restore backup will be written (its free space is checked). */
  backupDir: string;
  /** The control connection's id when it already holds the restore and migration locks (a restore job). */
  lockedBy?: number;
  /** The file's statements, for the DDL rehearsal in a scratch schema (crossEngineCheck.ts). */
  source?: RestoreSource;
}

export interface PreflightFacts {
  serverVersion: string;
  numericVersion: number;
  account: string;
  liveTables: LiveTable[];
  targetExists: boolean;
  grants: Grants;
  liveCounts: ObjectCounts;
  /** What the load applies to each statement across engines (collation map, generated columns made plain). */
  crossEngine: CrossEnginePlan;
}

export interface ServerFacts {
  serverVersion: string;
  numericVersion: number;
  account: string;
  limit: StatementLimit;
}

/** Schemas on the server (other than the target) that object bodies in the file name. */
async function foreignSchemasNamed(control: DbConnection, db: string, inv: SourceInventory): Promise<string[]> {
  if (!inv.objectQualifiers.length) return [];
  const schemas = await otherSchemas(control, db);
  return inv.objectQualifiers.filter((n) => n !== db && n !== inv.database && schemas.has(n.toLowerCase()));
}

/** Server version, numeric form, the account as the server sees it, and the longest statement it takes. */
export async function serverFacts(conn: DbConnection): Promise<ServerFacts> {
  const r = await rows<Row>(conn, 'SELECT VERSION() AS v, CURRENT_USER() AS u, @@max_allowed_packet AS p');
  const serverVersion = String(r[0]?.v ?? '');
  return {
    serverVersion,
    numericVersion: numericServerVersion(serverVersion),
    account: String(r[0]?.u ?? ''),
    limit: statementLimitFor(Number(r[0]?.p)),
  };
}

/** The file: complete, one database, tables, statements a restore refuses, the reader's warnings. */
export function fileChecks(inv: SourceInventory, options: RestoreOptions, add: AddCheck): void {
  if (inv.complete)
    add(
      'file',
      'ok',
      inv.format === 'sysndd-admin'
        ? 'Backup complete: end marker present, every member matches its SHA-256.'
        : inv.scanned
          ? 'Dump complete: whole file read, last statement terminated, "-- Dump completed" present.'
          : `Dump ends with its "-- Dump completed" trailer${inv.compressed ? ' and its gzip CRC is valid' : ''}; each statement is checked while loading, before the swap (run a preflight first to list the tables inside).`,
    );
  else if (inv.problems.length)
    for (const p of inv.problems)
      add('file', 'fail', `${p.code === 'BACKUP_INCOMPLETE' ? 'Incomplete' : 'Corrupt'}: ${p.message}`);
  else if (inv.format === 'foreign' && options.allowMissingCompletionMarker)
    add('file', 'warn', 'No "-- Dump completed" trailer; accepted because allowMissingCompletionMarker is set.');
  else
    add(
      'file',
      'fail',
      'No "-- Dump completed" trailer: the dump may be cut short. If it was made with --skip-comments, restore with allowMissingCompletionMarker (CLI --allow-unterminated).',
    );
  if (inv.databases.length > 1)
    add(
      'databases',
      'fail',
      `The file holds several databases (${inv.databases.join(', ')}); a restore takes one database per file.`,
    );
  if (inv.scanned && inv.tables.length === 0 && inv.problems.length === 0)
    add('tables', 'warn', 'The file creates no table: the target would end up without tables.');
  if (inv.refused.length)
    add(
      'statements',
      'fail',
      `The file contains statements a database restore does not run (they could reach beyond the database being restored): ${inv.refused.join(', ')}.`,
    );
  for (const w of inv.warnings) add('source', 'warn', w);
}

export interface TargetState {
  exists: boolean;
  liveTables: LiveTable[];
  liveObjects: ObjectNames;
  /** The file's tables when known (our backups, scanned dumps). */
  fileTables: string[] | null;
  suggestedTables: string[];
}

/** The target database: what it holds, production, and (for a table restore) the chosen tables' FK links. */
export async function targetChecks(
  i: PreflightInput,
  scope: ReadonlySet<string> | null,
  checks: PreflightCheck[],
  add: AddCheck,
): Promise<TargetState> {
  const { control, targetDatabase: db, profile, inventory: inv } = i;
  const target = await schemaInfo(control, db);
  const liveTables = target.exists ? await baseTables(control, db) : [];
  await countRows(control, db, liveTables);
  const liveObjects = target.exists
    ? await listObjects(control, db)
    : { triggers: [], views: [], procedures: [], functions: [], events: [] };
  if (profile.environment === 'production') add('environment', 'warn', `"${profile.name}" is a PRODUCTION profile.`);
  add(
    'target',
    'ok',
    target.exists
      ? `Database ${db} exists (${liveTables.length} table(s)); ${scope ? `only ${scope.size} of its tables are replaced` : 'it is replaced as a whole'}.`
      : `Database ${db} does not exist; it will be created.`,
  );
  const fileTables = inv.format === 'sysndd-admin' || inv.scanned ? inv.tables.map((t) => t.name) : null;
  let suggestedTables: string[] = [];
  if (scope) {
    const scoped = tableScopeCheck({
      chosen: [...scope],
      fileTables,
      liveEdges: target.exists ? await foreignKeys(control, db) : [],
    });
    checks.push(...scoped.checks);
    suggestedTables = scoped.suggestedTables;
  }
  return { exists: target.exists, liveTables, liveObjects, fileTables, suggestedTables };
}

export interface AccessState {
  grants: Grants;
  liveCounts: ObjectCounts;
  fileCounts: ObjectCounts;
  crossEngine: Awaited<ReturnType<typeof crossEngineChecks>>;
}

/** Origin (seal), privileges, DEFINERs, confinement, across engines (DDL rehearsal), objects' reach. */
export async function accessChecks(
  i: PreflightInput,
  facts: ServerFacts,
  target: TargetState,
  checks: PreflightCheck[],
  add: AddCheck,
): Promise<AccessState> {
  const { control, inventory: inv, targetDatabase: db } = i;
  const seal = await sealCheck(i.app, inv);
  add('seal', seal.status, seal.message);
  const grantRows = await rows<Row>(control, 'SHOW GRANTS');
  const grants = Grants.fromShowGrants(grantRows.map((r) => String(Object.values(r)[0])));
  const live = target.liveObjects;
  const liveCounts = {
    views: live.views.length,
    triggers: live.triggers.length,
    routines: live.procedures.length + live.functions.length,
    events: live.events.length,
  };
  const fileCounts = countsOf(inv.objects);
  const priv = privilegeCheck(grants, db, facts.account, fileCounts, liveCounts);
  add('privileges', priv.status, priv.message);
  const definer = definerCheck(grants, facts.account, inv.definers, i.options.definer);
  if (definer) add('definer', definer.status, definer.message);
  const confinement = confinementCheck(grants, db, facts.account, i.options.confinement);
  checks.push({ id: 'confinement', ...confinement });
  const crossEngine = await crossEngineChecks({
    ...i,
    targetDatabase: db,
    numericVersion: facts.numericVersion,
    limit: facts.limit,
    confinementOk: confinement.status !== 'fail',
  });
  checks.push(...crossEngine.checks);
  const reached = await foreignSchemasNamed(control, db, inv);
  if (reached.length)
    add(
      'object-scope',
      'fail',
      `Objects in the file name other databases on this server (${reached.join(', ')}); a restored view, trigger, routine or event may only use its own database.`,
    );
  return { grants, liveCounts, fileCounts, crossEngine };
}

/** The largest statement against max_allowed_packet; the migration lock and a concurrent restore. */
export async function packetAndLockChecks(i: PreflightInput, add: AddCheck): Promise<void> {
  const { control, inventory: inv, targetDatabase: db } = i;
  const maxPacket = Number((await rows<Row>(control, 'SELECT @@max_allowed_packet AS m'))[0]?.m ?? 0);
  if (inv.maxStatementBytes > maxPacket)
    add(
      'packet',
      'fail',
      `The largest statement is ${inv.maxStatementBytes} bytes, above the server's max_allowed_packet (${maxPacket}).`,
    );
  const migration = await readLockHolder(control);
  if (migration && i.lockedBy !== undefined && migration.connectionId === i.lockedBy)
    add('migration-lock', 'ok', `This restore holds the migration lock ${MIGRATION_LOCK} until it ends.`);
  else if (migration)
    add(
      'migration-lock',
      'fail',
      `The migration lock ${MIGRATION_LOCK} is held by ${describeHolder(migration)}: a migration is running. Wait for it.`,
    );
  else add('migration-lock', 'ok', `Migration lock ${MIGRATION_LOCK} is free (the restore holds it while it runs).`);
  const restoreHolder = (await rows<Row>(control, 'SELECT IS_USED_LOCK(?) AS h', [restoreLockName(db)]))[0]?.h;
  if (restoreHolder !== null && restoreHolder !== undefined && Number(restoreHolder) !== i.lockedBy)
    add('restore-lock', 'fail', `Another restore of ${db} is running (connection ${String(restoreHolder)}).`);
}

export interface SpaceState {
  neededBytes: number;
  liveBytes: number;
  localFreeBytes: number | null;
  serverFreeBytes: number | null;
}

/** Room for the pre-restore backup here, and for the shadow copy on the server (when it can be read). */
export async function spaceChecks(
  i: PreflightInput,
  scope: ReadonlySet<string> | null,
  liveTables: LiveTable[],
  add: AddCheck,
): Promise<SpaceState> {
  const inv = i.inventory;
  const liveBytes = liveTables.reduce((a, t) => a + t.bytes, 0);
  const neededBytes =
    inv.tables.filter((t) => !scope || scope.has(t.name)).reduce((a, t) => a + (t.rawBytes ?? 0), 0) ||
    (scope ? 0 : (inv.rawBytes ?? 0));
  const localFree = freeBytes(i.backupDir);
  const serverFree = await serverDiskFree(i.control, i.profile);
  if (localFree !== null && localFree < liveBytes / 2)
    add(
      'space-local',
      'warn',
      `Only ${mb(localFree)} free for the pre-restore backup in ${i.backupDir}; it may need up to ~${mb(liveBytes / 2)}.`,
    );
  if (serverFree !== null && serverFree < neededBytes * 1.2)
    add(
      'space-server',
      'fail',
      `The server's data directory has ${mb(serverFree)} free; the shadow copy needs about ${mb(neededBytes)} while the old tables stay in __prev.`,
    );
  return { neededBytes, liveBytes, localFreeBytes: localFree, serverFreeBytes: serverFree };
}

/** Shadow and previous-tables schemas left on the server, and interrupted restores cleaned up first. */
export async function leftoverChecks(i: PreflightInput, add: AddCheck): Promise<PreflightReport['leftovers']> {
  const { control, targetDatabase: db, profile } = i;
  const runs = i.journal.forServer(serverKeyOf(profile));
  const known = new Set(runs.flatMap((r) => [r.shadowSchema, r.prevSchema].filter((x): x is string => Boolean(x))));
  const leftovers = [
    ...(await schemasLike(control, `${likeLiteral(db)}\\_\\_restore\\_%`)),
    ...(await schemasLike(control, `${likeLiteral(db)}\\_\\_prev\\_%`)),
  ]
    .map((schema) => ({ schema, parsed: parseLeftoverName(schema) }))
    .filter((x) => x.parsed)
    .map((x) => ({ schema: x.schema, kind: (x.parsed as { kind: 'shadow' | 'prev' }).kind, known: known.has(x.schema) }));
  const unfinished = runs.filter((r) => UNFINISHED.includes(r.phase) && r.targetDatabase === db);
  if (unfinished.length)
    add('leftovers', 'warn', `${unfinished.length} interrupted restore(s) of ${db} will be cleaned up first.`);
  const prevs = leftovers.filter((l) => l.kind === 'prev');
  if (prevs.length)
    add(
      'leftovers',
      'warn',
      `${prevs.length} previous-tables schema(s) still hold old data (${prevs.map((p) => p.schema).join(', ')}); discard them when no longer needed.`,
    );
  return leftovers;
}

function freeBytes(dir: string): number | null {
  try {
    let d = path.resolve(dir);
    while (!fs.existsSync(d) && path.dirname(d) !== d) d = path.dirname(d);
    const s = fs.statfsSync(d);
    return s.bavail * s.bsize;
  } catch {
    return null;
  }
}

/** Only when the server is on this machine (loopback, no SSH) and its datadir is readable here. */
async function serverDiskFree(conn: DbConnection, profile: Profile): Promise<number | null> {
  const host = profile.mysql.host;
  if (profile.ssh || !(host === 'localhost' || (net.isIP(host) && /^(127\.|::1$)/.test(host)))) return null;
  const dir = String((await rows<Row>(conn, 'SELECT @@datadir AS d'))[0]?.d ?? '');
  if (!dir || !fs.existsSync(dir)) return null;
  return freeBytes(dir);
}

export function mb(bytes: number): string {
  return bytes >= 1e9 ? `${(bytes / 1e9).toFixed(1)} GB` : `${Math.max(0, bytes / 1e6).toFixed(1)} MB`;
}
