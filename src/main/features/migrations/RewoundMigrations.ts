import type { RowDataPacket } from 'mysql2/promise';
import type { AppDatabase } from '../../platform/store/AppDatabase';

const SCHEMA = [
  `CREATE TABLE migration_rewinds (profile_id TEXT NOT NULL, database_name TEXT NOT NULL, filename TEXT NOT NULL,
     restore_id TEXT NOT NULL, at TEXT NOT NULL, PRIMARY KEY (profile_id, database_name, filename));`,
];

export interface RewoundFile {
  filename: string;
  restoreId: string;
  at: string;
  /** In words, for the restore result, the Migrations page and the confirmation. */
  reason: string;
}

interface Queryable {
  query(sql: string): Promise<unknown>;
}

/** `schema_version`'s applied files of a database; none when SysNDD's table does not exist (yet). */
export async function appliedMigrations(conn: Queryable, database: string): Promise<string[]> {
  try {
    const [rows] = (await conn.query(
      `SELECT filename FROM \`${database.replace(/`/g, '``')}\`.schema_version WHERE success = 1`,
    )) as [RowDataPacket[]];
    return rows.map((r) => String(r.filename));
  } catch (err) {
    if ((err as { code?: string }).code === 'ER_NO_SUCH_TABLE' || (err as { code?: string }).code === 'ER_BAD_DB_ERROR')
      return [];
    throw err;
  }
}

/**
 * Files a restore took out of `schema_version`: the backup predates them, so the database no longer
 * records them and they show as pending — "Run pending" would run them a second time. Kept in the app's
 * own store (the target's journal was rewound with the data) until the file is applied again.
 */
export class RewoundMigrations {
  constructor(private readonly store: AppDatabase) {
    store.ensureSchema('migration_rewinds', SCHEMA);
  }

  /** Record what a restore rewound (applied before, not after); returns those files. */
  record(profileId: string, database: string, restoreId: string, before: string[], after: string[]): RewoundFile[] {
    const still = new Set(after);
    const at = new Date().toISOString();
    const rewound = before.filter((f) => !still.has(f)).sort();
    const put = this.store.db.prepare(
      `INSERT INTO migration_rewinds (profile_id, database_name, filename, restore_id, at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT(profile_id, database_name, filename) DO UPDATE SET restore_id = excluded.restore_id, at = excluded.at`,
    );
    this.store.db.transaction(() => {
      for (const f of rewound) put.run(profileId, database, f, restoreId, at);
    })();
    return rewound.map((filename) => ({ filename, restoreId, at, reason: reasonOf(restoreId, at) }));
  }

  /** The rewound files among `pending`; entries of files applied again are forgotten. */
  pending(profileId: string, database: string, pending: readonly string[]): RewoundFile[] {
    const rows = this.store.db
      .prepare(
        'SELECT filename, restore_id, at FROM migration_rewinds WHERE profile_id = ? AND database_name = ? ORDER BY filename',
      )
      .all(profileId, database) as Array<{ filename: string; restore_id: string; at: string }>;
    const open = new Set(pending);
    const forget = this.store.db.prepare(
      'DELETE FROM migration_rewinds WHERE profile_id = ? AND database_name = ? AND filename = ?',
    );
    const out: RewoundFile[] = [];
    for (const r of rows) {
      if (open.has(r.filename))
        out.push({ filename: r.filename, restoreId: r.restore_id, at: r.at, reason: reasonOf(r.restore_id, r.at) });
      else forget.run(profileId, database, r.filename);
    }
    return out;
  }
}

function reasonOf(restoreId: string, at: string): string {
  return `applied before restore ${restoreId} (${at}); the restored backup predates it, so schema_version no longer records it and it would run again`;
}
