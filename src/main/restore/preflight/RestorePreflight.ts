import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import type { RowDataPacket } from 'mysql2/promise';
import type { Profile } from '../../../shared/contract/profiles';
import type { PreflightCheck, PreflightReport, ReplacedTable, RestoreOptions } from '../../../shared/contract/restore';
import { type StatementLimit, statementLimitFor } from '../../core/statementLimit';
import { describeHolder, LOCK_NAME as MIGRATION_LOCK, readLockHolder } from '../../migrations/MigrationLock';
import { otherSchemas, WAYS_OUT } from '../confinement/loadAccount';
import type { RestoreServiceDeps } from '../RestoreServiceDeps';

export { otherSchemas };

import { type DbConnection, rows } from '../connect';
import { baseTables, countRows, type LiveTable, likeLiteral, schemaInfo, schemasLike } from '../liveSchema';
import { parseLeftoverName, restoreLockName } from '../names';
import { listObjects } from '../objects/liveObjects';
import { type RestoreJournal, serverKeyOf, UNFINISHED } from '../RestoreJournal';
import type { RestoreSource } from '../sources/ForeignDumpSource';
import type { SourceInventory } from '../sources/inventory';
import { numericServerVersion } from '../sql/dumpStatements';
import { foreignKeys, scopeOf, tableScopeCheck } from '../tableScope';
import { type CrossEnginePlan, crossEngineChecks } from './crossEngineCheck';
import { Grants } from './grants';
import { sealCheck } from './sealCheck';

type Row = RowDataPacket & Record<string, unknown>;

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

export interface ObjectCounts {
  views: number;
  triggers: number;
  routines: number;
  events: number;
}

export function countsOf(o: SourceInventory['objects']): ObjectCounts {
  return {
    views: o.view.length,
    triggers: o.trigger.length,
    routines: o.procedure.length + o.function.length,
    events: o.event.length,
  };
}

/**
 * Privileges on the target (and on the side schemas a restore creates and drops) for the objects the file
 * and the live database have. Used by the preflight, and again after a quick-checked dump was loaded
 * (then the file's objects are known), before the swap.
 */
export function privilegeCheck(
  grants: Grants,
  db: string,
  account: string,
  file: ObjectCounts,
  live: ObjectCounts,
): Omit<PreflightCheck, 'id'> {
  const need = ['SELECT', 'INSERT', 'CREATE', 'DROP', 'ALTER'];
  if (file.views || live.views) need.push('CREATE VIEW', 'SHOW VIEW');
  if (file.triggers || live.triggers) need.push('TRIGGER');
  if (file.routines || live.routines) need.push('CREATE ROUTINE', 'ALTER ROUTINE');
  if (file.events || live.events) need.push('EVENT');
  const missing = [
    ...grants.missing(db, need).map((p) => `${p} on ${db}`),
    ...grants
      .missing(`${db}__restore_00000000_000000`, ['CREATE', 'DROP', 'INSERT', 'ALTER', 'SELECT'])
      .map((p) => `${p} on ${db}__restore_*`),
    ...grants.missing(`${db}__prev_00000000_000000`, ['CREATE', 'DROP', 'INSERT', 'ALTER']).map((p) => `${p} on ${db}__prev_*`),
  ];
  if (missing.length) return { status: 'fail', message: `Account ${account} lacks: ${missing.join(', ')}.` };
  return {
    status: 'ok',
    message: `Account ${account} has the privileges a restore needs (${need.join(', ')}; CREATE/DROP of the side schemas).`,
  };
}

/** Keeping another account as DEFINER needs SUPER / SET USER; null when no object names another account. */
export function definerCheck(
  grants: Grants,
  account: string,
  definers: readonly string[],
  mode: 'keep' | 'strip',
): Omit<PreflightCheck, 'id'> | null {
  const others = definers.filter((d) => bareAccount(d) !== account);
  if (!others.length) return null;
  if (mode === 'keep' && !grants.canSetAnyDefiner()) {
    return {
      status: 'fail',
      message: `Objects have other DEFINERs (${others.slice(0, 3).join(', ')}) and ${account} lacks SUPER / SET USER to keep them. Restore with definer "strip" (CLI --definer strip).`,
    };
  }
  return {
    status: 'ok',
    message:
      mode === 'keep'
        ? `DEFINERs kept (${others.slice(0, 3).join(', ')}).`
        : 'DEFINERs stripped: the restoring account becomes the definer.',
  };
}

/**
 * Server-enforced confinement needs CREATE USER (the temporary load account) and GRANT OPTION on the shadow
 * schema; without them the preflight names the two ways out. Parser-only confinement is a choice, shown.
 */
export function confinementCheck(
  grants: Grants,
  db: string,
  account: string,
  mode: 'server' | 'parser-only',
): Omit<PreflightCheck, 'id'> {
  if (mode === 'parser-only')
    return {
      status: 'warn',
      message: `Parser-only confinement chosen: the file is loaded by ${account} itself, held to the statement allowlist (literal rows only); the server does not confine it. This choice is audited.`,
    };
  const missing = [
    ...(grants.global().has('CREATE USER') || grants.global().has('ALL PRIVILEGES') ? [] : ['CREATE USER']),
    ...grants.missing(`${db}__restore_00000000_000000`, ['GRANT OPTION']),
  ];
  if (missing.length)
    return {
      status: 'fail',
      code: 'RESTORE_CONFINEMENT_UNAVAILABLE',
      message: `${account} lacks ${missing.join(' and ')}, so the file cannot be loaded by a temporary account confined to the shadow schema. ${WAYS_OUT}`,
    };
  return {
    status: 'ok',
    message: 'The file is loaded by a temporary account whose only grants are on the shadow schema (dropped afterwards).',
  };
}

/** Schemas on the server (other than the target) that object bodies in the file name. */
async function foreignSchemasNamed(control: DbConnection, db: string, inv: SourceInventory): Promise<string[]> {
  if (!inv.objectQualifiers.length) return [];
  const schemas = await otherSchemas(control, db);
  return inv.objectQualifiers.filter((n) => n !== db && n !== inv.database && schemas.has(n.toLowerCase()));
}

/** Server version, numeric form, the account as the server sees it, and the longest statement it takes. */
export async function serverFacts(
  conn: DbConnection,
): Promise<{ serverVersion: string; numericVersion: number; account: string; limit: StatementLimit }> {
  const r = await rows<Row>(conn, 'SELECT VERSION() AS v, CURRENT_USER() AS u, @@max_allowed_packet AS p');
  const serverVersion = String(r[0]?.v ?? '');
  return {
    serverVersion,
    numericVersion: numericServerVersion(serverVersion),
    account: String(r[0]?.u ?? ''),
    limit: statementLimitFor(Number(r[0]?.p)),
  };
}

const bareAccount = (definer: string) => definer.replace(/[`'"]/g, '').replace(/\s+/g, '');

/**
 * Every check that can be made before the first write (gap D.10): the file, the databases it names, the
 * account's privileges on the target and on the schemas the restore creates, DEFINERs, statement size vs
 * max_allowed_packet, the migration lock, a concurrent restore, disk space, leftovers. A failed check
 * makes `ok` false; `restore.start` runs the same preflight again and refuses unless it passes.
 */
export async function runPreflight(i: PreflightInput): Promise<{ report: PreflightReport; facts: PreflightFacts }> {
  const { control, inventory: inv, targetDatabase: db, profile } = i;
  const scope = scopeOf(i.options.tables);
  const checks: PreflightCheck[] = [];
  const add = (id: string, status: PreflightCheck['status'], message: string) => checks.push({ id, status, message });
  const facts = await serverFacts(control);

  // The file.
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
  else if (inv.format === 'foreign' && i.options.allowMissingCompletionMarker)
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

  // The target.
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

  // Origin (sealed backups).
  const seal = await sealCheck(i.app, inv);
  add('seal', seal.status, seal.message);

  // Privileges.
  const grantRows = await rows<Row>(control, 'SHOW GRANTS');
  const grants = Grants.fromShowGrants(grantRows.map((r) => String(Object.values(r)[0])));
  const liveCounts = {
    views: liveObjects.views.length,
    triggers: liveObjects.triggers.length,
    routines: liveObjects.procedures.length + liveObjects.functions.length,
    events: liveObjects.events.length,
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

  // Statement size.
  const maxPacket = Number((await rows<Row>(control, 'SELECT @@max_allowed_packet AS m'))[0]?.m ?? 0);
  if (inv.maxStatementBytes > maxPacket)
    add(
      'packet',
      'fail',
      `The largest statement is ${inv.maxStatementBytes} bytes, above the server's max_allowed_packet (${maxPacket}).`,
    );

  // Locks.
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

  // Space.
  const liveBytes = liveTables.reduce((a, t) => a + t.bytes, 0);
  const neededBytes =
    inv.tables.filter((t) => !scope || scope.has(t.name)).reduce((a, t) => a + (t.rawBytes ?? 0), 0) ||
    (scope ? 0 : (inv.rawBytes ?? 0));
  const localFree = freeBytes(i.backupDir);
  const serverFree = await serverDiskFree(control, profile);
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

  // Leftovers.
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

  const tables = replacedTables(liveTables, inv).filter((t) => !scope || scope.has(t.name));
  const report: PreflightReport = {
    ok: !checks.some((c) => c.status === 'fail'),
    checks,
    file: { path: inv.path, size: inv.size, format: inv.format, compressed: inv.compressed, complete: inv.complete },
    source: {
      database: inv.database,
      serverVersion: inv.serverVersion,
      createdAt: inv.createdAt,
      tables: inv.tables.length,
      rows: inv.scanned && inv.tables.every((t) => t.rows !== null) ? inv.tables.reduce((a, t) => a + (t.rows ?? 0), 0) : null,
      scanned: inv.scanned,
      rawBytes: inv.rawBytes,
      objects: fileCounts,
      definers: inv.definers,
    },
    target: {
      profileId: profile.id,
      profileName: profile.name,
      environment: profile.environment,
      host: profile.ssh ? `${profile.mysql.host} via ${profile.ssh.host}` : profile.mysql.host,
      port: profile.mysql.port,
      database: db,
      exists: target.exists,
      serverVersion: facts.serverVersion,
      account: facts.account,
    },
    replace: { tables, liveObjects: liveCounts },
    space: {
      neededBytes,
      liveBytes,
      localFreeBytes: localFree,
      serverFreeBytes: serverFree,
      note:
        serverFree === null
          ? `Estimate: the shadow copy needs about ${mb(neededBytes)} on the server (the size of the backup's SQL), and the current ${mb(liveBytes)} stay in __prev until discarded. The server's free disk space cannot be read over SQL; make sure the data directory has room.`
          : `The server runs on this machine: ${mb(serverFree)} free in its data directory; the shadow copy needs about ${mb(neededBytes)}, and the current ${mb(liveBytes)} stay in __prev until discarded.`,
    },
    leftovers,
    fileTables: fileTables ?? [],
    scope: scope ? [...scope] : null,
    suggestedTables,
    crossEngine: crossEngine.report,
  };
  return {
    report,
    facts: { ...facts, liveTables, targetExists: target.exists, grants, liveCounts, crossEngine: crossEngine.plan },
  };
}

function replacedTables(live: LiveTable[], inv: SourceInventory): ReplacedTable[] {
  const liveByName = new Map(live.map((t) => [t.name, t]));
  const out: ReplacedTable[] = inv.tables.map((t) => {
    const l = liveByName.get(t.name);
    return {
      name: t.name,
      action: l ? 'replace' : 'create',
      liveRows: l ? l.rows : null,
      liveRowsExact: l?.exact ?? false,
      backupRows: t.rows,
    };
  });
  const inBackup = new Set(inv.tables.map((t) => t.name));
  // Not scanned (a quick-checked dump): which live tables the file has is learnt while loading; all are replaced.
  for (const l of live)
    if (!inBackup.has(l.name))
      out.push({
        name: l.name,
        action: inv.scanned ? 'remove' : 'replace',
        liveRows: l.rows,
        liveRowsExact: l.exact,
        backupRows: null,
      });
  return out;
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

function mb(bytes: number): string {
  return bytes >= 1e9 ? `${(bytes / 1e9).toFixed(1)} GB` : `${Math.max(0, bytes / 1e6).toFixed(1)} MB`;
}
