import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';

export type Sqlite = Database.Database;

/**
 * The app's own SQLite database (profiles, known hosts, jobs, backup catalog, audit log). Each capability
 * owns its tables and registers its schema as an ordered list of steps under its own module name, so
 * modules evolve independently: `store_schema` remembers how many steps of each module have run.
 */
export class AppDatabase {
  readonly db: Sqlite;

  constructor(readonly file: string) {
    if (file !== ':memory:') fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    this.db = new Database(file);
    if (file !== ':memory:') fs.chmodSync(file, 0o600);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('foreign_keys = ON');
    this.db.pragma('busy_timeout = 5000');
    this.db.exec(
      'CREATE TABLE IF NOT EXISTS store_schema (module TEXT PRIMARY KEY, version INTEGER NOT NULL, updated_at TEXT NOT NULL)',
    );
  }

  /** Apply the steps of `module` that have not run yet, each in its own transaction. */
  ensureSchema(module: string, steps: readonly string[]): void {
    const row = this.db.prepare('SELECT version FROM store_schema WHERE module = ?').get(module) as
      | { version: number }
      | undefined;
    const current = row?.version ?? 0;
    if (current > steps.length) {
      throw new Error(
        `The app database was written by a newer SysNDD Admin (${module} schema v${current}, this build knows v${steps.length}).`,
      );
    }
    for (let i = current; i < steps.length; i++) {
      const step = steps[i] as string;
      this.db.transaction(() => {
        this.db.exec(step);
        this.db
          .prepare(
            'INSERT INTO store_schema (module, version, updated_at) VALUES (?, ?, ?) ON CONFLICT(module) DO UPDATE SET version = excluded.version, updated_at = excluded.updated_at',
          )
          .run(module, i + 1, new Date().toISOString());
      })();
    }
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
