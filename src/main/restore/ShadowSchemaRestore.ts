import type { RowDataPacket } from 'mysql2/promise';
import type { Profile } from '../../shared/contract/profiles';
import type { RestoreOptions, RestoreStats } from '../../shared/contract/restore';
import { killSessions, threadIdOf } from '../connections/mysql/killSessions';
import { AppError, toFailure } from '../core/AppError';
import type { JobContext } from '../jobs/JobRunner';
import { DumpClassifier } from '../sql/dumpClassifier';
import { createLoadAccount, dropLoadAccount, type LoadAccount } from './confinement/loadAccount';
import { closeQuietly, type DbConnection, openByteTransparent, openControl, q, rows } from './connect';
import { faultPoint } from './faults';
import { loadIntoShadow } from './loader/DumpLoader';
import { LoadScheduler } from './loader/LoadScheduler';
import { takeRestoreLocks } from './locks';
import { prevSchemaName, restoreStamp, shadowSchemaName } from './names';
import { captureLiveObjects } from './objects/liveObjects';
import { rehearseObjects } from './objects/rehearseObjects';
import { countsOf, definerCheck, otherSchemas, privilegeCheck, runPreflight, serverFacts } from './preflight/RestorePreflight';
import { preRestoreBackup } from './preRestoreBackup';
import { type RestoreJournal, serverKeyOf } from './RestoreJournal';
import type { RestoreServiceDeps } from './RestoreServiceDeps';
import { rollbackToPrev, swapShadowIntoLive } from './SchemaSwap';
import type { RestoreSource } from './sources/ForeignDumpSource';
import type { SourceInventory } from './sources/inventory';
import { openSource } from './sources/openSource';
import { refuseLinksOutside, scopeOf, triggersOn } from './tableScope';
import { verifyShadow } from './verifyShadow';

export interface RestoreRunInput {
  app: RestoreServiceDeps;
  journal: RestoreJournal;
  ctx: JobContext;
  actor: string;
  profile: Profile;
  file: string;
  targetDatabase: string;
  options: RestoreOptions;
  /** A source whose statements a `restore.preflight` already read (same file unchanged, same server version). */
  findScanned?: (numericVersion: number) => Promise<RestoreSource | null>;
}

export interface RestoreRunResult {
  restoreId: string;
  targetDatabase: string;
  prevSchema: string | null;
  preRestoreBackup: string | null;
  stats: RestoreStats;
  /** Who sealed the file, in words (the preflight's seal check): kept in the job result and its audit row. */
  origin: string | null;
}

type Row = RowDataPacket & Record<string, unknown>;

async function uniqueSchemaName(conn: DbConnection, make: (n: number) => string): Promise<string> {
  for (let n = 1; n < 100; n++) {
    const name = make(n);
    if (!(await rows<Row>(conn, 'SELECT 1 FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?', [name])).length) return name;
  }
  throw new AppError('CONFLICT', 'Could not find a free name for the shadow schema.');
}

/**
 * One restore, end to end (docs/restore.md): file check → locks → preflight → load into the shadow schema →
 * verify → pre-restore backup → swap → drop the empty shadow. The journal records each phase before it starts, so a
 * crash at any point is recognised and cleaned up (Leftovers.ts). Before the swap, any failure or cancel
 * leaves the live database untouched and drops the shadow schema; after the RENAME, a failure swaps the
 * previous tables back automatically.
 */
export async function runShadowSchemaRestore(i: RestoreRunInput): Promise<RestoreRunResult> {
  const { app, journal, ctx, profile, options } = i;
  const db = i.targetDatabase;
  const scope = scopeOf(options.tables); // a table restore: only these tables (docs/restore.md, "Table restore")
  const started = Date.now();
  const log = (level: 'info' | 'warn', message: string) => ctx.log(level, message);
  const control = await openControl(app, profile.id, null);
  let runId: string | null = null;
  const loaders: DbConnection[] = [];
  let loadAccount: LoadAccount | null = null;
  try {
    ctx.progress({ stage: 'preflight: reading the file', done: 0, total: null, unit: 'bytes' });
    const { numericVersion, limit } = await serverFacts(control);
    // A foreign dump is only quick-checked here unless a preflight already read it: reading every
    // statement twice would double the CPU this process spends on a big dump (see sources/quickCheck.ts).
    let source: RestoreSource;
    let inventory: SourceInventory;
    try {
      source = (await i.findScanned?.(numericVersion)) ?? (await openSource(i.file, numericVersion, limit));
      inventory = await source.inventory(
        ctx.signal,
        (done, total) => ctx.progress({ stage: 'preflight: reading the file', done, total, unit: 'bytes' }),
        'quick',
      );
    } catch (err) {
      // An empty or unreadable file is a refusal like any other file check: nothing was written.
      const f = toFailure(err);
      if (f.code !== 'BACKUP_INCOMPLETE' && f.code !== 'BACKUP_CORRUPT') throw err;
      ctx.log('error', `[file] ${f.message}`);
      throw new AppError('RESTORE_PREFLIGHT_FAILED', `Preflight failed, nothing was changed: ${f.message}`);
    }
    await takeRestoreLocks(control, db, options.lockTimeoutSeconds, ctx.signal, (m) => {
      ctx.log('info', m);
      ctx.progress({ stage: 'preflight: waiting for the migration lock', done: 0, total: null, unit: 'steps' });
    });
    const { report, facts } = await runPreflight({
      app,
      journal,
      profile,
      control,
      targetDatabase: db,
      inventory,
      options,
      backupDir: app.backups.localDir(profile),
      lockedBy: threadIdOf(control),
    });
    for (const c of report.checks)
      ctx.log(c.status === 'fail' ? 'error' : c.status === 'warn' ? 'warn' : 'info', `[${c.id}] ${c.message}`);
    if (!report.ok) {
      const fails = report.checks.filter((c) => c.status === 'fail').map((c) => c.message);
      const code = report.checks.some((c) => c.id === 'confinement' && c.status === 'fail')
        ? 'RESTORE_CONFINEMENT_UNAVAILABLE'
        : 'RESTORE_PREFLIGHT_FAILED';
      throw new AppError(code, `Preflight failed, nothing was changed: ${fails.join(' ')}`, { report });
    }

    const stamp = restoreStamp();
    const shadow = await uniqueSchemaName(control, (n) => shadowSchemaName(db, stamp, n));
    const prev = await uniqueSchemaName(control, (n) => prevSchemaName(db, stamp, n));
    const id = ctx.id;
    runId = id;
    journal.create({
      id,
      actor: i.actor,
      profileId: profile.id,
      profileName: profile.name,
      host: report.target.host,
      file: i.file,
      sourceFormat: inventory.format,
      targetDatabase: db,
      shadowSchema: shadow,
      serverKey: serverKeyOf(profile),
      tables: scope ? [...scope] : null,
    });
    journal.update(id, { jobId: ctx.id });

    journal.update(id, { phase: 'loading' });
    const shadowCharset = sqlWord(inventory.charset) ?? 'utf8mb4';
    const shadowCollation = sqlWord(inventory.collation) ?? (shadowCharset === 'utf8mb4' ? 'utf8mb4_general_ci' : null);
    await control.query(
      `CREATE DATABASE ${q(shadow)} CHARACTER SET ${shadowCharset}${shadowCollation ? ` COLLATE ${shadowCollation}` : ''}`,
    );
    const confined = options.confinement === 'server';
    if (confined) {
      loadAccount = await createLoadAccount(control, id, shadow);
      log('info', `Loading as the temporary account ${loadAccount.user}@${loadAccount.host} (grants on ${shadow} only).`);
    } else
      log('warn', `Parser-only confinement: loading as ${facts.account}, held to the statement allowlist (literal rows only).`);
    for (let w = 0; w < options.workers; w++)
      loaders.push(await openByteTransparent(app, profile.id, shadow, loadAccount ?? undefined));
    const scheduler = new LoadScheduler(loaders);
    // Only our manifest declares the database up front; a dump declares it while it is read (USE …).
    const declaredDatabase = inventory.format === 'sysndd-admin' ? inventory.database : null;
    const classifier = new DumpClassifier({
      serverVersion: numericVersion,
      initialSqlMode: String((await rows<Row>(control, 'SELECT @@GLOBAL.sql_mode AS m'))[0]?.m ?? ''),
      literalValuesOnly: !confined,
      ownDatabase: declaredDatabase,
    });
    const loadStarted = Date.now();
    const tablesTotal = inventory.tables.length;
    const loaded = await loadIntoShadow({
      source,
      scheduler,
      sourceDatabase: declaredDatabase,
      shadowSchema: shadow,
      targetDatabase: db,
      otherSchemas: await otherSchemas(control, db),
      classifier,
      signal: ctx.signal,
      log,
      onHalfway: () => faultPoint('restore:mid-load'),
      only: scope,
      onProgress: (p) =>
        ctx.progress({
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
    for (const w of loaded.warnings) log('warn', w);
    for (const n of loaded.notes) log('info', n);
    if (scope) await refuseLinksOutside(control, shadow);
    if (!inventory.scanned) {
      // Checks the preflight could not make without reading every statement, made before the swap.
      const objects = loaded.objects;
      const fileCounts = countsOf({
        view: objects.filter((o) => o.type === 'view').map((o) => o.name),
        trigger: objects.filter((o) => o.type === 'trigger').map((o) => o.name),
        procedure: objects.filter((o) => o.type === 'procedure').map((o) => o.name),
        function: objects.filter((o) => o.type === 'function').map((o) => o.name),
        event: objects.filter((o) => o.type === 'event').map((o) => o.name),
      });
      const late = [
        privilegeCheck(facts.grants, db, facts.account, fileCounts, facts.liveCounts),
        definerCheck(facts.grants, facts.account, loaded.definers, options.definer),
      ];
      const failed = late.filter((c) => c?.status === 'fail').map((c) => c?.message);
      if (failed.length) throw new AppError('RESTORE_PREFLIGHT_FAILED', `${failed.join(' ')} Nothing was swapped.`);
    }
    // The source's database collation when the file states it (manifest, CREATE DATABASE); else keep the target's.
    const sourceCollation = sqlWord(loaded.collation ?? inventory.collation);
    const charset = sqlWord(loaded.charset ?? inventory.charset) ?? 'utf8mb4';
    const collation = sourceCollation ?? (charset === 'utf8mb4' ? 'utf8mb4_general_ci' : null);
    const loadMs = Date.now() - loadStarted;
    log(
      'info',
      `Loaded ${loaded.tables.length} table(s), ${loaded.tables.reduce((a, t) => a + t.affectedRows, 0)} row(s), ${loaded.bytes} bytes in ${loadMs} ms.`,
    );

    journal.update(id, { phase: 'verifying' });
    const verifyStarted = Date.now();
    const verified = await verifyShadow({
      control,
      workers: loaders,
      shadow,
      inventory,
      loaded: loaded.tables,
      compareChecksums: options.verifyChecksums,
      targetServerVersion: facts.serverVersion,
      signal: ctx.signal,
      only: scope,
      onTable: (done, total) => ctx.progress({ stage: `verifying (${done} of ${total} tables)`, done, total, unit: 'tables' }),
    });
    for (const w of verified.warnings) log('warn', w);
    log(
      'info',
      `Verified ${verified.tablesChecked} table(s) (row counts${verified.checksumsCompared ? `, ${verified.checksumsCompared} CHECKSUM TABLE` : ''}).`,
    );
    const verifyMs = Date.now() - verifyStarted;
    // Every object is created once in the shadow schema by the load account before anything live changes:
    // the server checks what it may reach, and a statement that fails fails here, not after the swap.
    await rehearseObjects(loaders[0] as DbConnection, loaded.objects, shadow, log);
    await Promise.all(loaders.splice(0).map(closeQuietly));
    if (loadAccount) {
      await dropLoadAccount(control, loadAccount);
      loadAccount = null;
    }
    ctx.throwIfCancelled();

    // The pre-restore backup is taken once the file has been loaded and verified, right before the swap: every
    // refusal (including what a quick-checked dump only reveals while loading) comes first, so a refused or
    // failed load leaves no backup behind, and the backup holds the live state closest to what is replaced.
    let preBackup: string | null = null;
    const liveHasSomething = facts.liveTables.length > 0 || Object.values(report.replace.liveObjects).some((n) => n > 0);
    if (facts.targetExists && liveHasSomething) {
      journal.update(id, { phase: 'pre-backup' });
      ctx.progress({ stage: 'pre-restore backup', done: 0, total: null, unit: 'rows' });
      try {
        preBackup = await preRestoreBackup(app, profile, db, ctx);
      } catch (err) {
        const f = toFailure(err);
        if (f.code === 'CANCELLED') throw err;
        const code = f.code === 'DISK_FULL' ? 'DISK_FULL' : 'RESTORE_FAILED'; // a full disk keeps its own code
        throw new AppError(code, `The pre-restore backup of ${db} failed, so nothing was restored: ${f.message}`);
      }
      journal.update(id, { preRestoreBackup: preBackup });
      log('info', `Pre-restore backup${scope ? ` (the whole database ${db}, not only the chosen tables)` : ''}: ${preBackup}`);
    } else {
      log('info', `${db} ${facts.targetExists ? 'is empty' : 'does not exist yet'}: no pre-restore backup needed.`);
    }

    ctx.throwIfCancelled();
    await faultPoint('restore:before-swap');

    ctx.progress({ stage: 'swapping', done: 0, total: 1, unit: 'steps' });
    const liveObjects = facts.targetExists ? await captureLiveObjects(control, db) : [];
    const prevObjects = scope ? triggersOn(liveObjects, scope) : liveObjects;
    journal.update(id, { phase: 'swapping', prevObjects });
    if (!facts.targetExists)
      await control.query(
        `CREATE DATABASE IF NOT EXISTS ${q(db)} CHARACTER SET ${charset}${collation ? ` COLLATE ${collation}` : ''}`,
      );
    const swapStarted_ = Date.now();
    const openObjects = () => openByteTransparent(app, profile.id, db);
    try {
      await swapShadowIntoLive({
        runId: id,
        journal,
        control,
        openObjects,
        live: db,
        shadow,
        prev,
        objects: loaded.objects,
        prevObjects,
        definer: options.definer,
        collation: sourceCollation,
        log,
        tables: scope,
      });
    } catch (err) {
      if (journal.get(id).swapStep !== 'renamed') throw err;
      const cause = toFailure(err).message;
      log('warn', `Failure after the swap (${cause}); swapping the previous tables back.`);
      journal.update(id, { phase: 'rolling-back' });
      try {
        await rollbackToPrev({
          control,
          openObjects,
          live: db,
          prev,
          parking: shadow,
          prevObjects,
          prevCollation: journal.get(id).prevCollation,
          alreadyRenamed: false,
          onRenamed: () => journal.update(id, { swapStep: 'rollback-renamed' }),
          log,
          tables: scope,
        });
      } catch (rollbackErr) {
        // The journal stays in 'rolling-back': cleanupLeftovers (or the next restore) finishes the rollback.
        throw new AppError(
          'RESTORE_FAILED',
          `${cause} Swapping the previous tables back did not finish either (${toFailure(rollbackErr).message}); run "sysndd-admin restore cleanup" to complete the rollback.`,
        );
      }
      throw new AppError('RESTORE_FAILED', `${cause} The previous tables were swapped back; ${db} is as before.`);
    }
    const swapMs = Date.now() - swapStarted_;
    await control
      .query(`DROP DATABASE IF EXISTS ${q(shadow)}`)
      .catch((e: Error) => log('warn', `Could not drop the empty ${shadow}: ${e.message}`));
    const stats: RestoreStats = {
      tables: loaded.tables.length,
      rows: loaded.tables.reduce((a, t) => a + t.affectedRows, 0),
      bytes: loaded.bytes,
      loadMs,
      verifyMs,
      swapMs,
      totalMs: Date.now() - started,
      warnings: [...loaded.warnings, ...verified.warnings],
    };
    journal.update(id, { phase: 'completed', stats, error: null });
    ctx.progress({ stage: 'done', done: 1, total: 1, unit: 'steps', rows: stats.rows, bytes: stats.bytes });
    const origin = report.checks.find((c) => c.id === 'seal')?.message ?? null;
    return { restoreId: id, targetDatabase: db, prevSchema: prev, preRestoreBackup: preBackup, stats, origin };
  } catch (err) {
    const f = toFailure(err);
    if (runId) {
      const row = journal.get(runId);
      const moved = row.swapStep === 'renamed' || row.swapStep === 'rollback-renamed' || row.swapStep === 'objects-applied';
      if (!moved) await abandonShadow(app, profile.id, control, loaders, row.shadowSchema, log);
      if (row.phase !== 'rolling-back') {
        journal.update(runId, {
          phase: f.code === 'CANCELLED' ? 'cancelled' : 'failed',
          error: { code: f.code, message: f.message },
        });
      } else {
        journal.update(runId, { error: { code: f.code, message: f.message } });
      }
    }
    // The action's audit row is settled by dispatch from the job's outcome (succeeded, failed, cancelled,
    // refused for a failed preflight): one row per restore, and a cancel reads CANCELLED as in Jobs.
    throw err;
  } finally {
    await Promise.all(loaders.map(closeQuietly));
    if (loadAccount)
      await dropLoadAccount(control, loadAccount).catch(() =>
        log('warn', 'Could not drop the temporary load account; the next restore or cleanup removes it.'),
      );
    await control.query('SELECT RELEASE_ALL_LOCKS()').catch(() => undefined);
    await closeQuietly(control);
  }
}

/** Kill our loader sessions (a running INSERT would hold its table) and drop the shadow schema. */
async function abandonShadow(
  app: Pick<RestoreServiceDeps, 'connections'>,
  profileId: string,
  control: DbConnection,
  loaders: DbConnection[],
  shadow: string,
  log: (level: 'info' | 'warn', message: string) => void,
): Promise<void> {
  const ids = loaders.map(threadIdOf);
  for (const l of loaders) l.destroy();
  await killSessions(control, ids);
  let conn: DbConnection | null = control;
  try {
    await conn.query('SET SESSION lock_wait_timeout = 30');
    await conn.query(`DROP DATABASE IF EXISTS ${q(shadow)}`);
  } catch {
    // The control connection may be the one that died: try once more on a fresh one.
    conn = await openControl(app, profileId, null).catch(() => null);
    if (conn)
      await conn
        .query(`DROP DATABASE IF EXISTS ${q(shadow)}`)
        .catch(() => log('warn', `Could not drop ${shadow}; the next restore or cleanup removes it.`));
    await closeQuietly(conn);
  }
}

/** A character set or collation name from the file or its manifest goes into DDL we write: a bare word only. */
function sqlWord(name: string | null): string | null {
  if (name === null) return null;
  if (!/^[A-Za-z0-9_]{1,64}$/.test(name))
    throw new AppError(
      'RESTORE_STATEMENT_REFUSED',
      `The file names a character set or collation that is not a plain name: "${name.slice(0, 64)}".`,
    );
  return name;
}
