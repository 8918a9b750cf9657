import type { RowDataPacket } from 'mysql2/promise';
import { AppError } from '../../core/AppError';
import type { DumpClassifier, DumpStatement, QualifierRef } from '../../sql/dumpClassifier';
import { type DumpObject, writeObjectStatement } from '../../sql/dumpObject';
import { quoteIdentBytes, replaceSpans } from '../../sql/tokenCursor';
import type { DumpedObject } from '../objects/CapturedObject';
import type { RestoreSource } from '../sources/ForeignDumpSource';
import type { SourceTable } from '../sources/inventory';
import { sequenceOfSetval } from '../tableScope';
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
  /** The database the file declares as its own before any statement (our manifest); null for a dump, which
   * declares it with USE / CREATE DATABASE while it is read. */
  sourceDatabase: string | null;
  shadowSchema: string;
  /** The live database the objects are written for (created there after the swap). */
  targetDatabase: string;
  /** Every other schema on the server, lower-cased (system ones included): an object body may not name them. */
  otherSchemas: ReadonlySet<string>;
  /** Judges every statement (one per file: it follows the file's session state). */
  classifier: DumpClassifier;
  signal: AbortSignal;
  onProgress(p: LoadProgress): void;
  log(level: 'info' | 'warn', message: string): void;
  /** Called once when half of the input was read (crash-test hook, see faults.ts). */
  onHalfway?: () => Promise<void>;
  /** A table restore: only these tables' DDL and rows run, and only triggers ON them are kept; every other
   * statement is still judged (a refused one still refuses the file) but not run. Null: everything. */
  only?: ReadonlySet<string> | null;
}

export interface LoadedTable {
  name: string;
  /** Rows the file holds (VALUES tuples); null when the file cannot tell (INSERT ... SELECT, REPLACE, IGNORE). */
  fileRows: number | null;
  affectedRows: number;
}

export interface LoadResult {
  tables: LoadedTable[];
  objects: DumpedObject[];
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
  const objects = new Map<string, Promise<DumpedObject>>();
  const { classifier } = input;
  const skipped = new Map<string, number>();
  const noted = new Map<string, number>();
  let databaseCollation: string | null = null;
  let rows = 0;
  let bytes = 0;
  let statements = 0;
  let current: string | null = null;
  let halfwayDone = !input.onHalfway;
  const total = () => Math.max(1, source.totalBytes());
  const only = input.only ?? null;
  /** A table restore runs a table's statements only when the table was chosen. */
  let tablesSeen = false;
  const wanted = (name: string): boolean => {
    tablesSeen = true;
    if (only === null || only.has(name)) return true;
    note('statements of tables not chosen (a table restore)');
    return false;
  };

  const table = (name: string): LoadedTable => {
    let t = tables.get(name);
    if (!t) {
      t = { name, fileRows: 0, affectedRows: 0 };
      tables.set(name, t);
    }
    return t;
  };
  const skip = (what: string, sql?: string) => {
    skipped.set(what, (skipped.get(what) ?? 0) + 1);
    const seen = examples.get(what) ?? [];
    if (sql !== undefined && seen.length < 3) seen.push(shown(sql));
    examples.set(what, seen);
  };
  const examples = new Map<string, string[]>();
  const note = (what: string) => noted.set(what, (noted.get(what) ?? 0) + 1);
  let sourceDatabase = input.sourceDatabase;
  let charset: string | null = null;
  let collation: string | null = null;
  const definers = new Set<string>();
  /** Databases the file declared (USE, CREATE DATABASE, our manifest): a qualifier may name only these. */
  const declared = new Set<string>(sourceDatabase === null ? [] : [sourceDatabase]);
  const checkDatabase = (name: string, what: string, declares = false) => {
    if (declares) declared.add(name);
    else if (
      sourceDatabase === null &&
      !declared.has(name) &&
      name !== input.targetDatabase &&
      input.otherSchemas.has(name.toLowerCase())
    )
      // A qualifier is not how a dump names its own database (that is USE / CREATE DATABASE): one naming
      // another schema of this server is an attempt to reach it.
      throw new AppError(
        'RESTORE_STATEMENT_REFUSED',
        `The file names the database "${name}" (${what}), another database on this server, without declaring it as its own: a restore writes only into the database being restored. Nothing was swapped.`,
      );
    if (sourceDatabase === null) {
      sourceDatabase = name;
      classifier.ownDatabase = name;
    } else if (name !== sourceDatabase) {
      throw new AppError(
        'RESTORE_PREFLIGHT_FAILED',
        `The file switches to database "${name}" (${what}) after "${sourceDatabase}": a restore takes one database per file. Nothing was swapped.`,
      );
    }
  };

  /**
   * USE / CREATE DATABASE: how a dump names its own database, before its tables. After a table statement
   * they would switch the rest of the file to another database (as the mysql client would): refused.
   */
  const declareDatabase = (name: string, what: string) => {
    if ((tables.size > 0 || tablesSeen) && sourceDatabase === null)
      throw new AppError(
        'RESTORE_STATEMENT_REFUSED',
        `The file switches to the database "${name}" (${what}) after its tables: a restore writes only into the database being restored. Nothing was swapped.`,
      );
    checkDatabase(name, what, true);
  };

  /** Table DDL with the file's database named: every qualifier must be it, and each is pointed at the shadow schema. */
  const intoShadow = (sql: string, qualifiers: readonly QualifierRef[], what: string): string => {
    if (!qualifiers.length) return sql;
    for (const q of qualifiers) checkDatabase(q.name, what);
    return replaceSpans(sql, qualifiers, quoteIdentBytes(input.shadowSchema));
  };

  const route = (sql: string, st: DumpStatement, topLevelParens: number): void => {
    switch (st.kind) {
      case 'insert': {
        let text = sql;
        if (st.qualifier !== null) {
          checkDatabase(st.qualifier, `INSERT INTO ${st.qualifier}.${st.table}`);
          text = sql.slice(0, st.nameStart) + quoteIdentBytes(st.table) + sql.slice(st.nameEnd);
        }
        if (!wanted(st.table)) return;
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
        const text = intoShadow(sql, st.qualifiers, `CREATE TABLE ${st.table}`);
        if (!wanted(st.table)) return;
        table(st.table);
        void scheduler.tableDdl(st.table, text);
        return;
      }
      case 'drop-table': {
        const text = intoShadow(sql, st.qualifiers, `DROP TABLE ${st.tables.join(', ')}`);
        if (!st.tables.some(wanted)) return;
        if (st.tables.length === 1) void scheduler.tableDdl(st.tables[0] as string, text);
        else void scheduler.barrier(text);
        for (const name of st.tables) if ((tables.get(name)?.fileRows ?? 0) === 0) tables.delete(name);
        return;
      }
      case 'alter-table':
        if (st.keysOnly) {
          intoShadow(sql, st.qualifiers, `ALTER TABLE ${st.table}`); // not run, but its names are checked
          note('ALTER TABLE … DISABLE/ENABLE KEYS');
        } else {
          const text = intoShadow(sql, st.qualifiers, `ALTER TABLE ${st.table}`);
          if (wanted(st.table)) void scheduler.tableDdl(st.table, text);
        }
        return;
      case 'sequence-state': {
        const sequence = sequenceOfSetval(sql);
        if (only !== null && (sequence === null || !wanted(Buffer.from(sequence, 'latin1').toString('utf8')))) return;
        void scheduler.barrier(sql);
        return;
      }
      case 'session':
        // The classifier's rewrite of the checked assignments, never the file's text.
        scheduler.session(st.sql);
        return;
      case 'global-set':
        skip(`SET ${st.what}`, sql);
        return;
      case 'lock':
        note('LOCK/UNLOCK TABLES');
        return;
      case 'transaction':
        note('transaction control (each INSERT commits on its own)');
        return;
      case 'empty':
        return;
      case 'use':
        declareDatabase(st.database, `USE ${st.database}`);
        return;
      case 'create-database':
        declareDatabase(st.database, `CREATE DATABASE ${st.database}`);
        charset = st.charset ?? charset;
        collation = st.collation ?? collation;
        return;
      case 'alter-database':
        if (st.database) checkDatabase(st.database, `ALTER DATABASE ${st.database}`);
        databaseCollation = st.collation ?? databaseCollation;
        return;
      case 'object': {
        const o = st.object;
        checkObjectScope(o);
        if (only !== null && !(o.type === 'trigger' && o.table !== null && only.has(o.table))) {
          note('views, routines, events and triggers of other tables (a table restore leaves them as they are)');
          return;
        }
        const dbCollation = databaseCollation;
        if (o.definer) definers.add(o.definer);
        const key = `${o.type}:${o.name}`;
        objects.delete(key); // the last definition wins (mysqldump's placeholder views come first)
        const fileMode = classifier.sqlMode;
        const captured = scheduler
          .probe<ContextRow>(
            'SELECT @@SESSION.sql_mode AS m, @@character_set_client AS cs, @@collation_connection AS co, @@time_zone AS tz',
          )
          .then(
            (r): DumpedObject => ({
              type: o.type,
              name: o.name,
              table: o.table,
              sql: writeObjectStatement(o, input.targetDatabase, true),
              sqlWithoutDefiner: writeObjectStatement(o, input.targetDatabase, false),
              rehearsal: writeObjectStatement(o, input.shadowSchema, false),
              context: {
                sqlMode: withoutLoadGuard(String(r[0]?.m ?? ''), fileMode),
                characterSetClient: String(r[0]?.cs ?? ''),
                collationConnection: String(r[0]?.co ?? ''),
                timeZone: String(r[0]?.tz ?? '') || null,
                databaseCollation: dbCollation ?? collation,
              },
            }),
          );
        // Awaited after the load; if the load fails first, this rejection must not go unhandled.
        captured.catch(() => undefined);
        objects.set(key, captured);
        return;
      }
      case 'drop-object':
        if (st.qualifier !== null) checkDatabase(st.qualifier, `DROP ${st.type.toUpperCase()} ${st.qualifier}.…`);
        return;
      case 'account':
        skip('account statements (CREATE USER, GRANT …)', sql);
        return;
      case 'other':
        // Whatever a dump does not need (DELETE, UPDATE, DROP DATABASE, CALL, SET GLOBAL …) could reach
        // beyond the shadow schema: refused before it runs, named with the reason.
        throw new AppError(
          st.code ?? 'RESTORE_STATEMENT_REFUSED',
          `The file contains a statement a database restore does not run (${st.reason}): "${shown(st.head)}". Nothing was swapped.`,
          { statement: shown(st.head), reason: st.reason },
        );
    }
  };

  /** An object's names must be the file's database; its body may not name another schema on the server. */
  const checkObjectScope = (o: DumpObject): void => {
    if (o.qualifier !== null) checkDatabase(o.qualifier, `CREATE ${o.type.toUpperCase()} ${o.qualifier}.${o.name}`);
    if (o.tableQualifier !== null) checkDatabase(o.tableQualifier, `TRIGGER ${o.name} ON ${o.tableQualifier}.${o.table}`);
    const reached = o.foreignQualifiers.filter(
      (n) => n !== input.targetDatabase && n !== sourceDatabase && input.otherSchemas.has(n.toLowerCase()),
    );
    if (reached.length)
      throw new AppError(
        'RESTORE_STATEMENT_REFUSED',
        `The ${o.type} ${o.name} names another database (${reached.join(', ')}); a restored object may only use its own database. Nothing was swapped.`,
        { object: { type: o.type, name: o.name }, reached },
      );
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
      const st = classifier.classify(sql, s.delimiter || ';');
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

  // Named, so a person sees what was left out (GRANT … TO 'x', SET GTID_PURGED …), not only how many.
  const warnings = [...skipped].map(([what, n]) => {
    const seen = examples.get(what) ?? [];
    return `Skipped ${n} × ${what}${seen.length ? `: ${seen.map((x) => `"${x}"`).join(', ')}${n > seen.length ? ', …' : ''}` : ''}.`;
  });
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

/** The load session's own guard (NO_DIR_IN_CREATE) is not part of an object's sql_mode unless the file set it. */
function withoutLoadGuard(mode: string, fileMode: string): string {
  if (/(^|,)NO_DIR_IN_CREATE(,|$)/i.test(fileMode)) return mode;
  return mode
    .split(',')
    .filter((m) => m && m.toUpperCase() !== 'NO_DIR_IN_CREATE')
    .join(',');
}

/** A statement head as a person reads it (byte string → UTF-8, one line, bounded). */
function shown(head: string): string {
  return Buffer.from(head.slice(0, 120), 'latin1').toString('utf8').replace(/\s+/g, ' ');
}
