import fs from 'node:fs';
import type { MysqlConnection } from './mysqlConnect';

export interface MigrationCount {
  schemaVersionPresent: boolean;
  applied: number;
  files: number;
  pending: number;
  folder: string;
}

/** Migration files of a folder, in apply order (lexicographic, like SysNDD's runner). */
export function migrationFiles(folder: string): string[] {
  try {
    return fs
      .readdirSync(folder)
      .filter((f) => f.toLowerCase().endsWith('.sql'))
      .sort();
  } catch {
    return [];
  }
}

/**
 * SysNDD's rule for "pending": a file in the migrations folder without a `schema_version` row where
 * `success = TRUE`. Read-only; the migrations capability owns applying them. A missing table means a
 * database nobody has initialised: every file is pending.
 */
export async function countMigrations(conn: MysqlConnection, folder: string): Promise<MigrationCount> {
  const files = migrationFiles(folder);
  let applied: Set<string>;
  try {
    const [rows] = await conn.query('SELECT filename FROM schema_version WHERE success = TRUE');
    applied = new Set((rows as Array<{ filename: string }>).map((r) => r.filename));
  } catch (err) {
    if ((err as { errno?: number }).errno === 1146) {
      return { schemaVersionPresent: false, applied: 0, files: files.length, pending: files.length, folder };
    }
    throw err;
  }
  return {
    schemaVersionPresent: true,
    applied: applied.size,
    files: files.length,
    pending: files.filter((f) => !applied.has(f)).length,
    folder,
  };
}
