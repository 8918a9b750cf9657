import type mysql from 'mysql2/promise';
import { SAMPLE_TABLES, type SampleTable } from './sampleDataset';

export interface SampleLoadReport {
  tables: number;
  rows: number;
  /** Tables whose existing definition needs values the sample does not have. */
  skipped: Array<{ table: string; reason: string }>;
}

type Log = (level: 'info' | 'warn', message: string) => void;

interface ColumnInfo extends mysql.RowDataPacket {
  name: string;
  nullable: string;
  hasDefault: number;
  extra: string;
}

/**
 * Loads the sample rows into `database`, fitting them to whatever schema is there: a table created by the
 * bundled migrations gets the sample's columns that it has; a missing table gets its fallback definition.
 * INSERT IGNORE keeps it repeatable (rows with the same keys are left as they are).
 */
export async function loadSampleData(
  conn: mysql.Connection,
  database: string,
  log: Log,
  onTable: (done: number, total: number, table: string) => void = () => {},
): Promise<SampleLoadReport> {
  const report: SampleLoadReport = { tables: 0, rows: 0, skipped: [] };
  await conn.query(`USE \`${database}\``);
  let done = 0;
  const created: string[] = [];
  for (const table of SAMPLE_TABLES) {
    onTable(done, SAMPLE_TABLES.length, table.name);
    const inserted = await loadTable(conn, database, table, created);
    if (typeof inserted === 'string') {
      report.skipped.push({ table: table.name, reason: inserted });
      log('warn', `Sample data for ${table.name} skipped: ${inserted}`);
    } else {
      report.tables++;
      report.rows += inserted;
    }
    done++;
  }
  onTable(done, SAMPLE_TABLES.length, '');
  if (created.length > 0) {
    log('info', `No migration had created ${created.join(', ')}; the sandbox made minimal versions of them.`);
  }
  return report;
}

/** Rows inserted, or why the table was skipped. */
async function loadTable(
  conn: mysql.Connection,
  database: string,
  table: SampleTable,
  created: string[],
): Promise<number | string> {
  let columns = await tableColumns(conn, database, table.name);
  if (columns.length === 0) {
    await conn.query(table.fallbackDdl);
    created.push(table.name);
    columns = await tableColumns(conn, database, table.name);
  }
  const present = new Set(columns.map((c) => c.name));
  const usable = table.columns.filter((c) => present.has(c));
  const given = new Set(usable);
  const missingRequired = columns.filter(
    (c) => c.nullable === 'NO' && !c.hasDefault && !c.extra.includes('auto_increment') && !given.has(c.name),
  );
  if (missingRequired.length > 0) return `needs values for ${missingRequired.map((c) => c.name).join(', ')}`;
  if (usable.length === 0) return 'none of the sample columns exist in it';
  const indexes = usable.map((c) => table.columns.indexOf(c));
  const rows = table.rows.map((row) => indexes.map((i) => row[i] ?? null));
  const columnList = usable.map((c) => `\`${c}\``).join(', ');
  // Parents come first in SAMPLE_TABLES, but a schema may order its foreign keys differently.
  await conn.query('SET FOREIGN_KEY_CHECKS = 0');
  try {
    const [result] = await conn.query<mysql.ResultSetHeader>(`INSERT IGNORE INTO \`${table.name}\` (${columnList}) VALUES ?`, [
      rows,
    ]);
    return result.affectedRows;
  } finally {
    await conn.query('SET FOREIGN_KEY_CHECKS = 1');
  }
}

async function tableColumns(conn: mysql.Connection, database: string, table: string): Promise<ColumnInfo[]> {
  const [rows] = await conn.query<ColumnInfo[]>(
    `SELECT COLUMN_NAME AS name, IS_NULLABLE AS nullable, (COLUMN_DEFAULT IS NOT NULL) AS hasDefault, EXTRA AS extra
       FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION`,
    [database, table],
  );
  return rows;
}
