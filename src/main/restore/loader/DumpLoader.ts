import type { RowDataPacket } from 'mysql2/promise';
import { AppError } from '../../core/AppError';
import type { CapturedObject } from '../objects/CapturedObject';
import type { RestoreSource } from '../sources/ForeignDumpSource';
import type { SourceTable } from '../sources/inventory';
import { classifyDumpStatement, type DumpStatement, quoteIdentBytes, rewriteDatabaseQualifier } from '../sql/dumpStatements';
import type { LoadScheduler } from './LoadScheduler';

export interface LoadProgress {
  position: number;
  total: number;
  rows: number;
  bytes: number;
  table: string | null;
  tablesStarted: number;
}

export interface LoadInput {
  source: RestoreSource;
  scheduler: LoadScheduler;
  /** The database the file is about (its statements may name it); null when it names none. */
  sourceDatabase: string | null;
  shadowSchema: string;
  serverVersion: number;
  signal: AbortSignal;
  onProgress(p: LoadProgress): void;
  log(level: 'info' | 'warn', message: string): void;
  /** Called once when half of the input was read (crash-test hook, see faults.ts). */
  onHalfway?: () => Promise<void>;
}

export interface LoadedTable {
  name: string;
  /** Rows the file holds (VALUES tuples); null when the file cannot tell (INSERT ... SELECT, REPLACE, IGNORE). */
  fileRows: number | null;
  affectedRows: number;
}

export interface LoadResult {
  tables: LoadedTable[];
  objects: CapturedObject[];
  /** Things a person should know (server-wide or account statements left out). */
  warnings: string[];
  /** Routine dump furniture that does not apply to a shadow-schema load (LOCK TABLES, DISABLE KEYS …). */
  notes: string[];
  /** The one database the file named (given, or learnt from its USE / CREATE DATABASE / qualified names). */
  sourceDatabase: string | null;
  charset: string | null;
  collation: string | null;
  definers: string[];
  statements: number;
  bytes: number;
  sawDumpCompleted: boolean;
}

interface ContextRow extends RowDataPacket {
  m: string;
  cs: string;
  co: string;
  tz: string;
}

/**
 * Replays a source into the shadow schema through the scheduler: rows and table DDL run there, session
 * statements follow the file, views / triggers / routines / events are only recorded (with the session
 * context they were defined under) for creation in the live schema after the swap, and what a database
 * restore must not do (USE another database, GTID_PURGED, SQL_LOG_BIN, account statements, LOCK TABLES)
 * is refused or skipped with a note.
 */
export async function loadIntoShadow(input: LoadInput): Promise<LoadResult> {
  const { scheduler, source } = input;
  const tables = new Map<string, LoadedTable>();
  const uncountable = new Set<string>();
  const objects = new Map<string, Promise<CapturedObject>>();
  const skipped = new Map<string, number>();
  const noted = new Map<string, number>();
  let databaseCollation: string | null = null;
  let rows = 0;
  let bytes = 0;
  let statements = 0;
  let current: string | null = null;
  let halfwayDone = !input.onHalfway;
  const total = () => Math.max(1, source.totalBytes());

  const table = (name: string): LoadedTable => {
    let t = tables.get(name);
    if (!t) {
      t = { name, fileRows: 0, affectedRows: 0 };
      tables.set(name, t);
    }
    return t;
  };
  const skip = (what: string) => skipped.set(what, (skipped.get(what) ?? 0) + 1);
  const note = (what: string) => noted.set(what, (noted.get(what) ?? 0) + 1);
  let sourceDatabase = input.sourceDatabase;
  let charset: string | null = null;
  let collation: string | null = null;
  const definers = new Set<string>();
  const checkDatabase = (name: string, what: string) => {
    if (sourceDatabase === null) sourceDatabase = name;
    else if (name !== sourceDatabase) {
      // A check the preflight makes when it read the file first; found here for a quick-checked dump: a refusal.
      throw new AppError(
        'RESTORE_PREFLIGHT_FAILED',
        `The file switches to database "${name}" (${what}) after "${sourceDatabase}": a restore takes one database per file. Nothing was swapped.`,
      );
    }
  };

  /**
   * DDL naming the file's database explicitly, pointed at the shadow schema. Checked after the rewrite:
   * a qualifier the rewrite could not reach (unquoted, or spelled oddly) would otherwise run against the
   * live database, so such a statement is refused instead.
   */
  const intoShadow = (sql: string, qualifiers: readonly string[], what: string): string => {
    let text = sql;
    for (const q of qualifiers) {
      checkDatabase(q, what);
      text = rewriteDatabaseQualifier(text, q, input.shadowSchema).sql;
    }
    const again = classifyDumpStatement(text.length > 4096 ? text.slice(0, 4096) : text, input.serverVersion);
    const left =
      again.kind === 'create-table' || again.kind === 'alter-table'
        ? [again.qualifier]
        : again.kind === 'drop-table'
          ? again.qualifiers
          : [];
    if (left.some((q) => q !== null && q !== input.shadowSchema))
      throw new AppError(
        'RESTORE_PREFLIGHT_FAILED',
        `"${what}" names the database in a form this restore cannot point at the shadow schema; quote it with backticks or leave the database name out. Nothing was swapped.`,
      );
    return text;
  };

  const route = (sql: string, st: DumpStatement, topLevelParens: number): void => {
    switch (st.kind) {
      case 'insert': {
        let text = sql;
        if (st.qualifier !== null) {
          checkDatabase(st.qualifier, `INSERT INTO ${st.qualifier}.${st.table}`);
          text = sql.slice(0, st.nameStart) + quoteIdentBytes(st.table) + sql.slice(st.nameEnd);
        }
        const t = table(st.table);
        const tuples = topLevelParens - (st.hasColumnList ? 1 : 0);
        if (st.verb !== 'INSERT' || tuples <= 0) uncountable.add(st.table);
        else t.fileRows = (t.fileRows ?? 0) + tuples;
        if (current !== st.table) current = st.table;
        scheduler.insert(st.table, text, (n) => {
          t.affectedRows += n;
          rows += n;
        });
        return;
      }
      case 'create-table': {
        const text = st.qualifier === null ? sql : intoShadow(sql, [st.qualifier], `CREATE TABLE ${st.qualifier}.${st.table}`);
        table(st.table);
        void scheduler.tableDdl(st.table, text);
        return;
      }
      case 'drop-table': {
        const text = st.qualifiers.length ? intoShadow(sql, st.qualifiers, `DROP TABLE ${st.tables.join(', ')}`) : sql;
        if (st.tables.length === 1) void scheduler.tableDdl(st.tables[0] as string, text);
        else void scheduler.barrier(text);
        for (const name of st.tables) if ((tables.get(name)?.fileRows ?? 0) === 0) tables.delete(name);
        return;
      }
      case 'alter-table':
        if (st.keysOnly) note('ALTER TABLE … DISABLE/ENABLE KEYS');
        else
          void scheduler.tableDdl(
            st.table,
            st.qualifier === null ? sql : intoShadow(sql, [st.qualifier], `ALTER TABLE ${st.qualifier}.${st.table}`),
          );
        return;
      case 'sequence-state':
        void scheduler.barrier(sql);
        return;
      case 'session':
        scheduler.session(sql);
        return;
      case 'global-set':
        skip(`SET ${st.what}`);
        return;
      case 'lock':
        note('LOCK/UNLOCK TABLES');
        return;
      case 'transaction':
        note('transaction control (each INSERT commits on its own)');
        return;
      case 'use':
        checkDatabase(st.database, `USE ${st.database}`);
        return;
      case 'create-database':
        checkDatabase(st.database, `CREATE DATABASE ${st.database}`);
        charset = st.charset ?? charset;
        collation = st.collation ?? collation;
        return;
      case 'alter-database':
        if (st.database) checkDatabase(st.database, `ALTER DATABASE ${st.database}`);
        databaseCollation = st.collation ?? databaseCollation;
        return;
      case 'object': {
        const dbCollation = databaseCollation;
        if (st.definer) definers.add(st.definer);
        const key = `${st.type}:${st.name}`;
        objects.delete(key); // the last definition wins (mysqldump's placeholder views come first)
        const captured = scheduler
          .probe<ContextRow>(
            'SELECT @@SESSION.sql_mode AS m, @@character_set_client AS cs, @@collation_connection AS co, @@time_zone AS tz',
          )
          .then((r) => ({
            type: st.type,
            name: st.name,
            table: st.table,
            sql,
            context: {
              sqlMode: String(r[0]?.m ?? ''),
              characterSetClient: String(r[0]?.cs ?? ''),
              collationConnection: String(r[0]?.co ?? ''),
              timeZone: String(r[0]?.tz ?? '') || null,
              databaseCollation: dbCollation ?? collation,
            },
          }));
        // Awaited after the load; if the load fails first, this rejection must not go unhandled.
        captured.catch(() => undefined);
        objects.set(key, captured);
        return;
      }
      case 'drop-object':
        return;
      case 'account':
        skip('account statements (CREATE USER, GRANT …)');
        return;
      case 'other':
        // Whatever a dump does not need (DELETE, UPDATE, DROP DATABASE, CALL, SET STATEMENT … FOR, …) could
        // reach beyond the shadow schema: refused before it runs, like a second database.
        throw new AppError(
          'RESTORE_PREFLIGHT_FAILED',
          `The file contains a statement a database restore does not run: "${Buffer.from(st.head.slice(0, 120), 'latin1').toString('utf8')}". Nothing was swapped.`,
        );
    }
  };

  const it = source.statements(input.signal);
  let end: { tail: unknown; sawDumpCompleted: boolean };
  for (;;) {
    const r = await it.next();
    if (r.done) {
      end = r.value;
      break;
    }
    if (input.signal.aborted) throw new AppError('CANCELLED', 'Cancelled by request.');
    for (const s of r.value.statements) {
      const sql = s.sql.toString('latin1');
      const st = classifyDumpStatement(sql.length > 4096 ? sql.slice(0, 4096) : sql, input.serverVersion);
      statements++;
      bytes += s.sql.length;
      route(sql, st, s.topLevelParens);
    }
    await scheduler.capacity();
    input.onProgress({ position: r.value.position, total: total(), rows, bytes, table: current, tablesStarted: tables.size });
    if (!halfwayDone && r.value.position >= total() / 2) {
      halfwayDone = true;
      await input.onHalfway?.();
    }
  }
  if (end.tail)
    throw new AppError('BACKUP_INCOMPLETE', 'The file ends inside a statement: it was cut short. Nothing was swapped.');
  await scheduler.drain();
  input.onProgress({ position: total(), total: total(), rows, bytes, table: null, tablesStarted: tables.size });

  const warnings = [...skipped].map(([what, n]) => `Skipped ${n} × ${what}.`);
  const notes = [...noted].map(([what, n]) => `Skipped ${n} × ${what} (not needed in a private shadow schema).`);
  return {
    tables: [...tables.values()].map((t) => (uncountable.has(t.name) ? { ...t, fileRows: null } : t)),
    objects: await Promise.all(objects.values()),
    warnings,
    notes,
    sourceDatabase,
    charset,
    collation,
    definers: [...definers],
    statements,
    bytes,
    sawDumpCompleted: end.sawDumpCompleted,
  };
}

/** The tables a source's inventory announces, for progress totals. */
export function announcedRows(tables: readonly SourceTable[]): number | null {
  let n = 0;
  for (const t of tables) {
    if (t.rows === null) return null;
    n += t.rows;
  }
  return n;
}
