import { AppError } from '../../core/AppError';
import { type DbConnection, q } from './connect';
import { faultPoint } from './faults';
import { baseTables, schemaInfo } from './liveSchema';
import { applyObjects } from './objects/applyObjects';
import type { CapturedObject } from './objects/CapturedObject';
import { dropObjects, listObjects } from './objects/liveObjects';
import type { RunRecorder, SwapStep } from './RestoreJournal';
import { dropTriggersOn } from './tableScope';

export interface SwapInput {
  /** The run's journal writer: each swap step is written before and after it happens. */
  recorder: Pick<RunRecorder, 'write'>;
  /** utf8mb4 connection without a default database, holding the restore's session locks. */
  control: DbConnection;
  /** Opens a byte-transparent connection whose default database is the live one (for CREATE of objects). */
  openObjects: () => Promise<DbConnection>;
  live: string;
  shadow: string;
  prev: string;
  /** Objects of the backup, created in the live schema after the RENAME. */
  objects: readonly CapturedObject[];
  /** Saved before the swap: put back by a rollback. */
  prevObjects: readonly CapturedObject[];
  definer: 'keep' | 'strip';
  /** Default collation the live database should have afterwards (the source's); null keeps it. */
  collation: string | null;
  log: (level: 'info' | 'warn', message: string) => void;
  /** A table restore: only these live tables move (and only triggers ON them are dropped and recreated);
   * views, routines, events, the database collation and every other table stay. Null: the whole schema. */
  tables?: ReadonlySet<string> | null;
}

/** One multi-table RENAME: atomic, so no session ever sees some tables old and others new. */
export function renameSql(moves: Array<[string, string, string]>): string {
  return `RENAME TABLE ${moves.map(([fromDb, name, toDb]) => `${q(fromDb)}.${q(name)} TO ${q(toDb)}.${q(name)}`).join(', ')}`;
}

/**
 * The swap. Triggers cannot move to another schema with their table (ERROR 1435) and views cannot move at
 * all (ERROR 1450), so: live triggers are dropped (their definitions are already in the journal), ONE
 * RENAME TABLE moves every live table to `prev` and every shadow table into the live schema, then the
 * backup's routines, views, triggers and events are created in the live schema. A failure before the
 * RENAME puts the triggers back; a failure after it is the caller's cue to roll back.
 */
export async function swapShadowIntoLive(s: SwapInput): Promise<{ moved: number; kept: number }> {
  const { control, recorder } = s;
  const step = (swapStep: SwapStep) => recorder.write({ swapStep });
  const scope = s.tables ?? null;
  const liveTables = (await baseTables(control, s.live)).map((t) => t.name).filter((t) => scope === null || scope.has(t));
  const shadowTables = (await baseTables(control, s.shadow)).map((t) => t.name);
  recorder.write({ liveTables, prevSchema: s.prev });
  step('objects-captured');

  // Waiting for a long query on a live table must end in a clear failure, not in a swap stuck forever.
  await control.query('SET SESSION lock_wait_timeout = 60');
  // Always made, even for an empty live schema, so every completed restore can be rolled back.
  const info = await schemaInfo(control, s.live);
  await control.query(
    `CREATE DATABASE ${q(s.prev)} CHARACTER SET ${info.charset ?? 'utf8mb4'} COLLATE ${info.collation ?? 'utf8mb4_general_ci'}`,
  );
  await dropLiveTriggers(control, s.live, scope);
  step('triggers-dropped');
  // A crash here leaves live without its triggers; Leftovers recreates them from the journal (prevObjects).
  await faultPoint('restore:triggers-dropped');
  const moves: Array<[string, string, string]> = [
    ...liveTables.map((t): [string, string, string] => [s.live, t, s.prev]),
    ...shadowTables.map((t): [string, string, string] => [s.shadow, t, s.live]),
  ];
  const started = Date.now();
  try {
    if (moves.length) await control.query(renameSql(moves));
  } catch (err) {
    // Nothing moved: put the triggers back so the live schema is exactly as before.
    await restoreObjects(
      s,
      s.prevObjects.filter((o) => o.type === 'trigger'),
    );
    await control.query(`DROP DATABASE IF EXISTS ${q(s.prev)}`).catch(() => undefined);
    throw new AppError('RESTORE_FAILED', `The swap (RENAME TABLE) failed, nothing was changed: ${(err as Error).message}`);
  }
  step('renamed');
  s.log(
    'info',
    `Swapped ${shadowTables.length} table(s) into ${s.live} in ${Date.now() - started} ms; ${liveTables.length} previous table(s) kept in ${s.prev}.`,
  );
  await faultPoint('restore:after-rename');
  if (scope !== null) {
    // A table restore: the moved tables' triggers are the file's; nothing else in the schema changes.
    await restoreObjects(s, s.objects);
    step('objects-applied');
    return { moved: shadowTables.length, kept: liveTables.length };
  }
  await dropObjects(control, s.live, ['event', 'view', 'procedure', 'function', 'trigger']);
  if (s.collation) {
    const info = await schemaInfo(control, s.live);
    if (info.collation !== s.collation) {
      recorder.write({ prevCollation: info.collation });
      await control.query(`ALTER DATABASE ${q(s.live)} COLLATE ${s.collation}`);
    }
  }
  await restoreObjects(s, s.objects);
  step('objects-applied');
  return { moved: shadowTables.length, kept: liveTables.length };
}

async function restoreObjects(
  s: Pick<SwapInput, 'openObjects' | 'definer' | 'live' | 'log'>,
  objects: readonly CapturedObject[],
): Promise<void> {
  if (!objects.length) return;
  const conn = await s.openObjects();
  try {
    await applyObjects(conn, objects, { definer: s.definer, database: s.live, log: s.log });
  } finally {
    conn.destroy();
  }
}

export interface RollbackInput {
  control: DbConnection;
  openObjects: () => Promise<DbConnection>;
  live: string;
  prev: string;
  /** A fresh, unused schema name to park the restored tables in while swapping back (dropped at the end). */
  parking: string;
  prevObjects: readonly CapturedObject[];
  prevCollation: string | null;
  /** The reverse RENAME already ran (journal), e.g. the rollback was interrupted after it. */
  alreadyRenamed: boolean;
  onRenamed: () => void;
  log: (level: 'info' | 'warn', message: string) => void;
  /** A table restore's tables: only they are swapped back (and only triggers ON them); null: everything. */
  tables?: ReadonlySet<string> | null;
}

/**
 * Put the previous tables back (the reverse swap) and their views, triggers, routines and events.
 * Idempotent through the journal, so a rollback interrupted by a crash can simply run again: the reverse
 * RENAME runs once, objects are recreated from the journal each time, and the parked restored tables and
 * the empty `prev` schema are dropped last.
 */
export async function rollbackToPrev(r: RollbackInput): Promise<{ restoredTables: number }> {
  const { control } = r;
  const scope = r.tables ?? null;
  await control.query('SET SESSION lock_wait_timeout = 60');
  let restoredTables = 0;
  if (!r.alreadyRenamed) {
    if (!(await schemaInfo(control, r.prev)).exists) {
      throw new AppError(
        'PRECONDITION_FAILED',
        `The previous tables' schema ${r.prev} is gone (discarded or dropped by hand); nothing to roll back to.`,
      );
    }
    const prevTables = (await baseTables(control, r.prev)).map((t) => t.name);
    const current = (await baseTables(control, r.live)).map((t) => t.name).filter((t) => scope === null || scope.has(t));
    await dropLiveTriggers(control, r.live, scope);
    await control.query(`CREATE DATABASE IF NOT EXISTS ${q(r.parking)}`);
    const moves: Array<[string, string, string]> = [
      ...current.map((t): [string, string, string] => [r.live, t, r.parking]),
      ...prevTables.map((t): [string, string, string] => [r.prev, t, r.live]),
    ];
    if (moves.length) await control.query(renameSql(moves));
    r.onRenamed();
    restoredTables = prevTables.length;
    r.log('info', `Swapped ${prevTables.length} previous table(s) back into ${r.live}.`);
  }
  if (scope !== null) await dropLiveTriggers(control, r.live, scope);
  else await dropObjects(control, r.live, ['event', 'view', 'procedure', 'function', 'trigger']);
  if (r.prevCollation) await control.query(`ALTER DATABASE ${q(r.live)} COLLATE ${r.prevCollation}`);
  await restoreObjects({ openObjects: r.openObjects, definer: 'keep', live: r.live, log: r.log }, r.prevObjects);
  const names = await listObjects(control, r.live);
  r.log(
    'info',
    `Objects back in ${r.live}: ${names.views.length} view(s), ${names.triggers.length} trigger(s), ${names.procedures.length + names.functions.length} routine(s), ${names.events.length} event(s).`,
  );
  await control.query(`DROP DATABASE IF EXISTS ${q(r.parking)}`);
  await control.query(`DROP DATABASE IF EXISTS ${q(r.prev)}`);
  return { restoredTables };
}

/** Every live trigger, or for a table restore only those ON its tables. */
function dropLiveTriggers(control: DbConnection, live: string, scope: ReadonlySet<string> | null): Promise<number> {
  return scope === null ? dropObjects(control, live, ['trigger']) : dropTriggersOn(control, live, scope);
}
