import type { Connection } from 'mysql2/promise';
import type { ColumnInfo } from './columns';

/** What one database holds, from information_schema (read inside the snapshot transaction). */
export interface Inventory {
  tables: TableEntry[];
  sequences: string[];
  views: ViewEntry[];
  triggers: string[];
  procedures: string[];
  functions: string[];
  events: string[];
  /** Routine types we cannot dump (MariaDB Oracle-mode PACKAGE / PACKAGE BODY). */
  skippedRoutines: string[];
  charset: string;
  collation: string;
}

export interface TableEntry {
  name: string;
  engine: string | null;
  estimatedRows: number;
  dataLength: number;
  columns: ColumnInfo[];
  /** SYSTEM VERSIONED tables: only current rows are dumped. */
  systemVersioned: boolean;
}

export interface ViewEntry {
  name: string;
  definition: string;
}

type Row = Record<string, unknown>;

const str = (v: unknown): string => (v === null || v === undefined ? '' : String(v));

export async function readInventory(conn: Connection, database: string): Promise<Inventory> {
  /** Every information_schema query here takes one parameter: the database read. */
  const query = async (sql: string): Promise<Row[]> => {
    const [result] = await conn.query(sql, [database]);
    return result as Row[];
  };
  const schema = await query(
    'SELECT DEFAULT_CHARACTER_SET_NAME AS cs, DEFAULT_COLLATION_NAME AS co FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?',
  );
  const tableRows = await query(
    `SELECT TABLE_NAME AS name, TABLE_TYPE AS type, ENGINE AS engine, TABLE_ROWS AS est, DATA_LENGTH AS len
       FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? ORDER BY TABLE_NAME`,
  );
  const columnRows = await query(
    `SELECT TABLE_NAME AS t, COLUMN_NAME AS name, DATA_TYPE AS dataType, CHARACTER_SET_NAME AS charset, EXTRA AS extra
       FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? ORDER BY TABLE_NAME, ORDINAL_POSITION`,
  );
  const viewRows = await query(
    'SELECT TABLE_NAME AS name, VIEW_DEFINITION AS def FROM information_schema.VIEWS WHERE TABLE_SCHEMA = ? ORDER BY TABLE_NAME',
  );
  const triggerRows = await query(
    `SELECT TRIGGER_NAME AS name FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = ?
      ORDER BY EVENT_OBJECT_TABLE, ACTION_TIMING, EVENT_MANIPULATION, ACTION_ORDER`,
  );
  const routineRows = await query(
    'SELECT ROUTINE_NAME AS name, ROUTINE_TYPE AS type FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = ? ORDER BY ROUTINE_TYPE, ROUTINE_NAME',
  );
  const eventRows = await query(
    'SELECT EVENT_NAME AS name FROM information_schema.EVENTS WHERE EVENT_SCHEMA = ? ORDER BY EVENT_NAME',
  );

  const columnsByTable = new Map<string, ColumnInfo[]>();
  for (const c of columnRows) {
    const list = columnsByTable.get(str(c.t)) ?? [];
    list.push({
      name: str(c.name),
      dataType: str(c.dataType).toLowerCase(),
      charset: c.charset === null ? null : str(c.charset),
      extra: str(c.extra),
    });
    columnsByTable.set(str(c.t), list);
  }
  const tables: TableEntry[] = [];
  const sequences: string[] = [];
  for (const t of tableRows) {
    const type = str(t.type).toUpperCase();
    const name = str(t.name);
    if (type === 'SEQUENCE') sequences.push(name);
    else if (type === 'BASE TABLE' || type === 'SYSTEM VERSIONED') {
      tables.push({
        name,
        engine: t.engine === null ? null : str(t.engine),
        estimatedRows: Number(t.est ?? 0),
        dataLength: Number(t.len ?? 0),
        columns: columnsByTable.get(name) ?? [],
        systemVersioned: type === 'SYSTEM VERSIONED',
      });
    }
  }
  const routines = routineRows.map((r) => ({ name: str(r.name), type: str(r.type).toUpperCase() }));
  return {
    tables,
    sequences,
    views: orderViews(viewRows.map((v) => ({ name: str(v.name), definition: str(v.def) }))),
    triggers: triggerRows.map((r) => str(r.name)),
    procedures: routines.filter((r) => r.type === 'PROCEDURE').map((r) => r.name),
    functions: routines.filter((r) => r.type === 'FUNCTION').map((r) => r.name),
    skippedRoutines: routines.filter((r) => r.type !== 'PROCEDURE' && r.type !== 'FUNCTION').map((r) => `${r.type} ${r.name}`),
    events: eventRows.map((r) => str(r.name)),
    charset: str(schema[0]?.cs) || 'utf8mb4',
    collation: str(schema[0]?.co) || 'utf8mb4_general_ci',
  };
}

/**
 * Views in dependency order: a view that selects from another view comes after it. information_schema's
 * definition names every object as `db`.`name`, so a reference to view v shows up as `v` in backticks.
 * Cycles are impossible in MySQL; anything left unresolved keeps its alphabetical place.
 */
export function orderViews(views: ViewEntry[]): ViewEntry[] {
  const byName = new Map(views.map((v) => [v.name, v]));
  const deps = new Map<string, string[]>();
  for (const v of views) {
    deps.set(
      v.name,
      views.filter((o) => o.name !== v.name && v.definition.includes(`\`${o.name.replaceAll('`', '``')}\``)).map((o) => o.name),
    );
  }
  const done = new Set<string>();
  const ordered: ViewEntry[] = [];
  const visit = (name: string, stack: Set<string>) => {
    if (done.has(name) || stack.has(name)) return;
    stack.add(name);
    for (const d of deps.get(name) ?? []) visit(d, stack);
    stack.delete(name);
    done.add(name);
    ordered.push(byName.get(name) as ViewEntry);
  };
  for (const v of views) visit(v.name, new Set());
  return ordered;
}

/** What the manifest and the log warn about before any row is read. */
export function inventoryWarnings(inv: Inventory): string[] {
  const out: string[] = [];
  const nonTx = inv.tables.filter((t) => t.engine && !/^(innodb|xtradb|rocksdb|tokudb)$/i.test(t.engine));
  if (nonTx.length) {
    out.push(
      `Tables on non-transactional engines are not covered by the snapshot (rows written during the backup may or may not be included): ${nonTx.map((t) => `${t.name} (${t.engine})`).join(', ')}.`,
    );
  }
  const versioned = inv.tables.filter((t) => t.systemVersioned);
  if (versioned.length)
    out.push(`System-versioned tables: only current rows are included, not history: ${versioned.map((t) => t.name).join(', ')}.`);
  return out;
}
