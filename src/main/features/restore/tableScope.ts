import type { RowDataPacket } from 'mysql2/promise';
import type { PreflightCheck } from '../../../shared/contract/restore';
import { AppError } from '../../core/AppError';
import { type DbConnection, q, rows } from './connect';
import type { CapturedObject } from './objects/CapturedObject';
import { listObjects } from './objects/liveObjects';

/**
 * A table restore (`options.tables`): which tables move, which foreign keys a partial swap would break, and
 * the triggers that belong to the moved tables. Views, routines and events are never touched by a table
 * restore; triggers ON the chosen tables are replaced by the file's (docs/restore.md, "Table restore").
 */

type Row = RowDataPacket & Record<string, unknown>;

/** One foreign key between two tables of the same schema: `table` references `referenced`. */
export interface ForeignKeyEdge {
  table: string;
  referenced: string;
  constraint: string;
}

/** A foreign key the chosen set would break, in words a person can act on. */
export interface BrokenLink extends ForeignKeyEdge {
  /** `dependant`: an unchosen table references a chosen one; `parent`: a chosen table references an unchosen one. */
  kind: 'dependant' | 'parent';
}

/** A table restore's set as a lookup, or null for a whole-database restore. */
export function scopeOf(tables: readonly string[] | null | undefined): ReadonlySet<string> | null {
  return tables?.length ? new Set(tables) : null;
}

/** Foreign keys inside `db` (references to other schemas are left out: a restore never moves those). */
export async function foreignKeys(conn: DbConnection, db: string): Promise<ForeignKeyEdge[]> {
  const r = await rows<Row>(
    conn,
    `SELECT TABLE_NAME AS t, REFERENCED_TABLE_NAME AS r, CONSTRAINT_NAME AS c FROM information_schema.REFERENTIAL_CONSTRAINTS
      WHERE CONSTRAINT_SCHEMA = ? AND UNIQUE_CONSTRAINT_SCHEMA = ? ORDER BY TABLE_NAME, CONSTRAINT_NAME`,
    [db, db],
  );
  return r.map((x) => ({ table: String(x.t), referenced: String(x.r), constraint: String(x.c) }));
}

/** Foreign keys that cross the border of the chosen set (self-references and links inside it are fine). */
export function brokenLinks(chosen: ReadonlySet<string>, edges: readonly ForeignKeyEdge[]): BrokenLink[] {
  const out: BrokenLink[] = [];
  for (const e of edges) {
    const from = chosen.has(e.table);
    const to = chosen.has(e.referenced);
    if (from && !to) out.push({ ...e, kind: 'parent' });
    else if (!from && to) out.push({ ...e, kind: 'dependant' });
  }
  return out;
}

/** The chosen tables plus everything linked to them by foreign keys, both ways, transitively; sorted. */
export function foreignKeyClosure(chosen: ReadonlySet<string>, edges: readonly ForeignKeyEdge[]): string[] {
  const set = new Set(chosen);
  let grew = true;
  while (grew) {
    grew = false;
    for (const e of edges) {
      const a = set.has(e.table);
      const b = set.has(e.referenced);
      if (a !== b) {
        set.add(a ? e.referenced : e.table);
        grew = true;
      }
    }
  }
  return [...set].sort();
}

/**
 * The preflight's `tables` check for a table restore: every chosen table must be in the file (when the file
 * was read), and the set must be closed under the live database's foreign keys; otherwise it fails, names
 * each broken link, and `suggestedTables` is the closed set to choose instead.
 */
export function tableScopeCheck(input: {
  chosen: readonly string[];
  fileTables: readonly string[] | null;
  liveEdges: readonly ForeignKeyEdge[];
}): { checks: PreflightCheck[]; suggestedTables: string[] } {
  const chosen = new Set(input.chosen);
  const checks: PreflightCheck[] = [];
  if (input.fileTables) {
    const inFile = new Set(input.fileTables);
    const unknown = input.chosen.filter((t) => !inFile.has(t));
    if (unknown.length) checks.push({ id: 'tables', status: 'fail', message: `The file has no table ${unknown.join(', ')}.` });
  }
  const broken = brokenLinks(chosen, input.liveEdges);
  if (!broken.length) {
    checks.push({
      id: 'tables',
      status: 'ok',
      message: `Table restore of ${input.chosen.length} table(s) (${input.chosen.join(', ')}): only these are swapped; every other table, view, routine and event stays as it is; triggers on these tables are replaced by the file's.`,
    });
    return { checks, suggestedTables: [] };
  }
  const suggestedTables = foreignKeyClosure(chosen, input.liveEdges);
  const words = broken.map((b) =>
    b.kind === 'dependant'
      ? `${b.table} references ${b.referenced} (${b.constraint})`
      : `${b.table} references ${b.referenced} (${b.constraint}), which is not chosen`,
  );
  checks.push({
    id: 'tables',
    status: 'fail',
    message: `Restoring only ${input.chosen.join(', ')} would break foreign keys: ${words.join('; ')}. Include the linked tables (suggested: ${suggestedTables.join(', ')}) or restore the whole database.`,
  });
  return { checks, suggestedTables };
}

/**
 * After the load, before anything live changes: a chosen table of the file whose foreign key points at a
 * table that was not loaded would, once swapped, reference the dropped shadow schema. Returns those links.
 */
export async function shadowLinksOutside(conn: DbConnection, shadow: string): Promise<ForeignKeyEdge[]> {
  const present = new Set(
    (
      await rows<Row>(
        conn,
        "SELECT TABLE_NAME AS n FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_TYPE = 'BASE TABLE'",
        [shadow],
      )
    ).map((r) => String(r.n)),
  );
  return (await foreignKeys(conn, shadow)).filter((e) => !present.has(e.referenced));
}

/** Only the triggers ON the chosen tables (a table restore leaves every other object alone). */
export function triggersOn<T extends CapturedObject>(objects: readonly T[], scope: ReadonlySet<string>): T[] {
  return objects.filter((o) => o.type === 'trigger' && o.table !== null && scope.has(o.table));
}

/** Drop the live triggers ON the given tables (they cannot move with a table to another schema). */
export async function dropTriggersOn(conn: DbConnection, db: string, tables: ReadonlySet<string>): Promise<number> {
  const names = await listObjects(conn, db);
  let n = 0;
  for (const t of names.triggers) {
    if (!tables.has(t.table)) continue;
    await conn.query(`DROP TRIGGER IF EXISTS ${q(db)}.${q(t.name)}`);
    n++;
  }
  return n;
}

/** `SELECT SETVAL(name, …)` of a dump: the sequence it sets, or null when it cannot be read. */
export function sequenceOfSetval(sql: string): string | null {
  const m = /SETVAL\s*\(\s*(?:`((?:[^`]|``)+)`|([A-Za-z0-9_$]+))\s*,/i.exec(sql);
  if (!m) return null;
  return m[1] !== undefined ? m[1].replace(/``/g, '`') : (m[2] ?? null);
}

/** Refuse (before anything live changes) a table restore whose loaded tables reference tables not loaded. */
export async function refuseLinksOutside(conn: DbConnection, shadow: string): Promise<void> {
  const outside = await shadowLinksOutside(conn, shadow);
  if (!outside.length) return;
  const words = outside.map((e) => `${e.table} references ${e.referenced} (${e.constraint})`);
  throw new AppError(
    'RESTORE_PREFLIGHT_FAILED',
    `In the file, ${words.join('; ')}: swapped in alone, these foreign keys would point at a dropped schema. Include ${[...new Set(outside.map((e) => e.referenced))].join(', ')} in the table restore. Nothing was swapped.`,
    { links: outside },
  );
}
