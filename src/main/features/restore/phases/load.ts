import type { RowDataPacket } from 'mysql2/promise';
import { AppError } from '../../../core/AppError';
import { DumpClassifier } from '../../../platform/sql/dumpClassifier';
import { threadIdOf } from '../../connections/mysql/killSessions';
import { createLoadAccount } from '../confinement/loadAccount';
import { closeQuietly, type DbConnection, openByteTransparent, q, rows } from '../connect';
import { faultPoint } from '../faults';
import { type LoadResult, loadIntoShadow } from '../loader/DumpLoader';
import { LoadScheduler } from '../loader/LoadScheduler';
import { prevSchemaName, restoreStamp, shadowSchemaName } from '../names';
import { countsOf, definerCheck, otherSchemas, privilegeCheck } from '../preflight/RestorePreflight';
import { serverKeyOf } from '../RestoreJournal';
import { ShadowMeasurements } from '../shadowMeasure';
import { refuseLinksOutside } from '../tableScope';
import type { PreflightOutcome } from './preflight';
import { RESTORE_PHASE } from './progressPlan';
import type { RestoreRun } from './RestoreRun';
import { sqlWord } from './sqlWord';
import { startEarlyVerify } from './verify';

type Row = RowDataPacket & Record<string, unknown>;

export interface ShadowNames {
  shadow: string;
  prev: string;
}

export interface LoadOutcome {
  loaded: LoadResult;
  loadMs: number;
  /** The source's database collation when the file states it (manifest, CREATE DATABASE); else null (keep the target's). */
  sourceCollation: string | null;
  /** Character set and collation for a target database the swap creates. */
  charset: string;
  collation: string | null;
  /** The verification's table reads, started while the index builds ran (shadowMeasure.ts). */
  measurements: ShadowMeasurements;
}

async function uniqueSchemaName(conn: DbConnection, make: (n: number) => string): Promise<string> {
  for (let n = 1; n < 100; n++) {
    const name = make(n);
    if (!(await rows<Row>(conn, 'SELECT 1 FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?', [name])).length) return name;
  }
  throw new AppError('CONFLICT', 'Could not find a free name for the shadow schema.');
}

/** Names the shadow and previous-tables schemas and writes the journal row, before anything is created. */
export async function beginRun(run: RestoreRun, pre: PreflightOutcome): Promise<ShadowNames> {
  const stamp = restoreStamp();
  const shadow = await uniqueSchemaName(run.control, (n) => shadowSchemaName(run.db, stamp, n));
  const prev = await uniqueSchemaName(run.control, (n) => prevSchemaName(run.db, stamp, n));
  run.recorder.begin({
    id: run.ctx.id,
    jobId: run.ctx.id,
    actor: run.actor,
    profileId: run.profile.id,
    profileName: run.profile.name,
    host: pre.report.target.host,
    file: run.file,
    sourceFormat: pre.inventory.format,
    targetDatabase: run.db,
    shadowSchema: shadow,
    serverKey: serverKeyOf(run.profile),
    tables: run.scope ? [...run.scope] : null,
  });
  return { shadow, prev };
}

/**
 * The shadow schema, the temporary load account (server confinement) and the sessions on it: the loaders,
 * and one more that starts the verification's reads while the last index builds run. All of them are in
 * run.loaders (closed or killed with the run); the scheduler gets the loaders.
 */
async function prepareShadow(
  run: RestoreRun,
  pre: PreflightOutcome,
  shadow: string,
): Promise<{ loaders: DbConnection[]; measurer: DbConnection }> {
  const { control, log } = run;
  const charset = sqlWord(pre.inventory.charset) ?? 'utf8mb4';
  const collation =
    sqlWord(pre.facts.crossEngine.databaseCollation(pre.inventory.collation)) ??
    (charset === 'utf8mb4' ? 'utf8mb4_general_ci' : null);
  await control.query(`CREATE DATABASE ${q(shadow)} CHARACTER SET ${charset}${collation ? ` COLLATE ${collation}` : ''}`);
  if (run.options.confinement === 'server') {
    run.loadAccount = await createLoadAccount(control, run.ctx.id, shadow);
    log('info', `Loading as the temporary account ${run.loadAccount.user}@${run.loadAccount.host} (grants on ${shadow} only).`);
  } else
    log('warn', `Parser-only confinement: loading as ${pre.facts.account}, held to the statement allowlist (literal rows only).`);
  for (let w = 0; w <= run.options.workers; w++) {
    const session = await openByteTransparent(run.app, run.profile.id, shadow, run.loadAccount ?? undefined);
    run.loaders.push(session);
    // The verification's reads run beside the index builds (shadowMeasure.ts): an ALTER's last step waits
    // for a CHECKSUM TABLE of its table to end, which on a big table takes longer than a server's low global
    // lock_wait_timeout would allow. The shadow schema is private: no other session should hold its locks.
    await session.query('SET SESSION lock_wait_timeout = 31536000');
  }
  return { loaders: run.loaders.slice(0, run.options.workers), measurer: run.loaders[run.options.workers] as DbConnection };
}

/** Phase 3: replay the file into the shadow schema, then the checks only a full read can make. */
export async function loadPhase(run: RestoreRun, pre: PreflightOutcome, shadow: string): Promise<LoadOutcome> {
  const { control, ctx, log } = run;
  run.recorder.enter('loading');
  const sessions = await prepareShadow(run, pre, shadow);
  const measurements = new ShadowMeasurements(shadow);
  const { inventory } = pre;
  // Only our manifest declares the database up front; a dump declares it while it is read (USE …).
  const declaredDatabase = inventory.format === 'sysndd-admin' ? inventory.database : null;
  const classifier = new DumpClassifier({
    serverVersion: pre.numericVersion,
    initialSqlMode: String((await rows<Row>(control, 'SELECT @@GLOBAL.sql_mode AS m'))[0]?.m ?? ''),
    literalValuesOnly: run.options.confinement !== 'server',
    ownDatabase: declaredDatabase,
  });
  const loadStarted = Date.now();
  const tablesTotal = inventory.tables.length;
  const loaded = await loadIntoShadow({
    source: pre.source,
    scheduler: new LoadScheduler(sessions.loaders),
    sourceDatabase: declaredDatabase,
    shadowSchema: shadow,
    targetDatabase: run.db,
    otherSchemas: await otherSchemas(control, run.db),
    classifier,
    signal: ctx.signal,
    log,
    onHalfway: () => faultPoint('restore:mid-load'),
    only: run.scope,
    rewrite: pre.facts.crossEngine.rewrite, // across engines: collations mapped, chosen generated columns plain
    interrupt: () => interruptLoaders(run, shadow),
    onRowsFinal: (tables) => startEarlyVerify(run, pre, shadow, { ...sessions, measurements, tables }),
    onIndexes: (p) =>
      ctx.progress({
        phase: RESTORE_PHASE.indexes,
        stage: `building secondary indexes (${p.built} of ${p.total} tables)`,
        done: p.built,
        total: p.total,
        unit: 'tables',
      }),
    onProgress: (p) =>
      ctx.progress({
        phase: RESTORE_PHASE.load,
        stage: p.table
          ? `loading ${p.table} (table ${Math.min(p.tablesStarted, tablesTotal || p.tablesStarted)} of ${tablesTotal || '?'})`
          : 'loading',
        done: p.position,
        total: p.total,
        unit: 'bytes',
        bytes: p.bytes,
        rows: p.rows,
      }),
  });
  loaded.warnings.unshift(...pre.facts.crossEngine.notes()); // kept in the restore record's warnings
  for (const w of loaded.warnings) log('warn', w);
  for (const n of loaded.notes) log('info', n);
  if (run.scope) await refuseLinksOutside(control, shadow);
  if (!inventory.scanned) lateChecks(run, pre, loaded);
  const sourceCollation = sqlWord(loaded.collation ?? pre.facts.crossEngine.databaseCollation(inventory.collation));
  const charset = sqlWord(loaded.charset ?? inventory.charset) ?? 'utf8mb4';
  const collation = sourceCollation ?? (charset === 'utf8mb4' ? 'utf8mb4_general_ci' : null);
  const loadMs = Date.now() - loadStarted;
  const rowCount = loaded.tables.reduce((a, t) => a + t.affectedRows, 0);
  log('info', `Loaded ${loaded.tables.length} table(s), ${rowCount} row(s), ${loaded.bytes} bytes in ${loadMs} ms.`);
  const { indexes, tables } = loaded.deferredIndexes;
  if (indexes > 0)
    log('info', `Built ${indexes} secondary index(es) of ${tables} table(s) after their rows (ALTER TABLE … ADD INDEX).`);
  return { loaded, loadMs, sourceCollation, charset, collation, measurements };
}

/**
 * On cancel: KILL QUERY whatever the loader sessions run (an index build of a big table runs for minutes and
 * does not look at the job's signal), from a session of the same account (its own sessions it may kill).
 */
async function interruptLoaders(run: RestoreRun, shadow: string): Promise<void> {
  const ids = run.loaders.map((c) => threadIdOf(c));
  const killer = await openByteTransparent(run.app, run.profile.id, shadow, run.loadAccount ?? undefined);
  try {
    for (const id of ids) await killer.query(`KILL QUERY ${Number(id)}`).catch(() => undefined);
  } finally {
    await closeQuietly(killer);
  }
}

/** Checks the preflight could not make without reading every statement, made before the swap. */
function lateChecks(run: RestoreRun, pre: PreflightOutcome, loaded: LoadResult): void {
  const { facts } = pre;
  const names = (type: string) => loaded.objects.filter((o) => o.type === type).map((o) => o.name);
  const fileCounts = countsOf({
    view: names('view'),
    trigger: names('trigger'),
    procedure: names('procedure'),
    function: names('function'),
    event: names('event'),
  });
  const late = [
    privilegeCheck(facts.grants, run.db, facts.account, fileCounts, facts.liveCounts),
    definerCheck(facts.grants, facts.account, loaded.definers, run.options.definer),
  ];
  const failed = late.filter((c) => c?.status === 'fail').map((c) => c?.message);
  if (failed.length) throw new AppError('RESTORE_PREFLIGHT_FAILED', `${failed.join(' ')} Nothing was swapped.`);
}
