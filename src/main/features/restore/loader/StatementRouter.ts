import type { RowDataPacket } from 'mysql2/promise';
import { AppError } from '../../../core/AppError';
import type { DumpStatement } from '../../../platform/sql/dumpClassifier';
import { type DumpObject, writeObjectStatement } from '../../../platform/sql/dumpObject';
import { quoteIdentBytes } from '../../../platform/sql/tokenCursor';
import type { DumpedObject } from '../objects/CapturedObject';
import { sequenceOfSetval } from '../tableScope';
import { DatabaseScope } from './DatabaseScope';
import type { LoadInput } from './DumpLoader';
import { IndexBuilds } from './IndexBuilds';
import { LoadTally, shown } from './LoadTally';

interface ContextRow extends RowDataPacket {
  m: string;
  cs: string;
  co: string;
  tz: string;
}

type Kind<K extends DumpStatement['kind']> = Extract<DumpStatement, { kind: K }>;

/**
 * Sends each judged statement where it belongs: rows and table DDL to the shadow schema through the
 * scheduler, session statements to every loader session, views / triggers / routines / events recorded
 * (with the session context they were defined under) for creation in the live schema after the swap;
 * what a database restore must not do is refused or skipped with a note.
 */
export class StatementRouter {
  readonly tally = new LoadTally();
  readonly scope: DatabaseScope;
  /** Secondary indexes built after their table's rows (deferredIndexes.ts). */
  readonly indexes: IndexBuilds;
  readonly definers = new Set<string>();
  charset: string | null = null;
  collation: string | null = null;
  /** The table whose rows were read last (progress). */
  current: string | null = null;
  private databaseCollation: string | null = null;
  private readonly objects = new Map<string, Promise<DumpedObject>>();
  private readonly only: ReadonlySet<string> | null;
  /** A table statement was seen (chosen or not): a later USE / CREATE DATABASE would switch databases. */
  private tablesSeen = false;

  constructor(private readonly input: LoadInput) {
    this.only = input.only ?? null;
    this.scope = new DatabaseScope(
      input.sourceDatabase,
      input.classifier,
      input.shadowSchema,
      input.targetDatabase,
      input.otherSchemas,
    );
    this.indexes = new IndexBuilds(input.scheduler, () => input.classifier.lex, input.deferIndexes ?? true);
  }

  /** A table restore runs a table's statements only when the table was chosen. */
  private wanted(name: string): boolean {
    this.tablesSeen = true;
    if (this.only === null || this.only.has(name)) return true;
    this.tally.note('statements of tables not chosen (a table restore)');
    return false;
  }

  route(sql: string, st: DumpStatement, topLevelParens: number): void {
    switch (st.kind) {
      case 'insert':
        this.insert(sql, st, topLevelParens);
        return;
      case 'create-table':
      case 'drop-table':
      case 'alter-table':
      case 'sequence-state':
        this.tableDdl(sql, st);
        return;
      case 'use':
      case 'create-database':
      case 'alter-database':
      case 'drop-object':
        this.database(st);
        return;
      case 'object':
        this.object(st.object);
        return;
      default:
        this.sessionOrRefused(sql, st);
        return;
    }
  }

  /** Rows judged on their bytes (DumpClassifier.classifyPlainInsert): sent as the file's bytes. */
  rows(sql: Buffer, st: Kind<'insert'>, topLevelParens: number): void {
    this.insert(sql, st, topLevelParens);
  }

  private insert(sql: string | Buffer, st: Kind<'insert'>, topLevelParens: number): void {
    let text = sql;
    if (st.qualifier !== null) {
      this.scope.check(st.qualifier, `INSERT INTO ${st.qualifier}.${st.table}`);
      const s = typeof sql === 'string' ? sql : sql.toString('latin1');
      text = s.slice(0, st.nameStart) + quoteIdentBytes(st.table) + s.slice(st.nameEnd);
    }
    if (!this.wanted(st.table)) return;
    const t = this.tally.table(st.table);
    const tuples = topLevelParens - (st.hasColumnList ? 1 : 0);
    this.tally.countRows(t, st.verb !== 'INSERT' || tuples <= 0 ? null : tuples);
    this.current = st.table;
    this.indexes.rows(st.table, text.length);
    this.input.scheduler.insert(st.table, text, (n) => {
      t.affectedRows += n;
      this.tally.rows += n;
    });
  }

  private tableDdl(sql: string, st: Kind<'create-table' | 'drop-table' | 'alter-table' | 'sequence-state'>): void {
    const { scheduler } = this.input;
    switch (st.kind) {
      case 'create-table': {
        const text = this.scope.intoShadow(sql, st.qualifiers, `CREATE TABLE ${st.table}`);
        if (!this.wanted(st.table)) return;
        this.tally.table(st.table);
        this.indexes.nextTable(st.table);
        this.indexes.create(st.table, text);
        return;
      }
      case 'drop-table': {
        const text = this.scope.intoShadow(sql, st.qualifiers, `DROP TABLE ${st.tables.join(', ')}`);
        if (!st.tables.some((n) => this.wanted(n))) return;
        for (const name of st.tables) this.indexes.forget(name);
        if (st.tables.length === 1) this.indexes.nextTable(st.tables[0] as string);
        if (st.tables.length === 1) void scheduler.tableDdl(st.tables[0] as string, text);
        else void scheduler.barrier(text);
        for (const name of st.tables) this.tally.forgetEmpty(name);
        return;
      }
      case 'alter-table':
        if (st.keysOnly) {
          this.scope.intoShadow(sql, st.qualifiers, `ALTER TABLE ${st.table}`); // not run, but its names are checked
          this.tally.note('ALTER TABLE … DISABLE/ENABLE KEYS');
        } else {
          const text = this.scope.intoShadow(sql, st.qualifiers, `ALTER TABLE ${st.table}`);
          if (!this.wanted(st.table)) return;
          // The file's ALTER may name an index: the deferred ones exist before it runs.
          this.indexes.flush(st.table);
          void scheduler.tableDdl(st.table, text);
        }
        return;
      case 'sequence-state': {
        const sequence = sequenceOfSetval(sql);
        if (this.only !== null && (sequence === null || !this.wanted(Buffer.from(sequence, 'latin1').toString('utf8')))) return;
        void scheduler.barrier(sql);
        return;
      }
    }
  }

  private database(st: Kind<'use' | 'create-database' | 'alter-database' | 'drop-object'>): void {
    const afterTables = this.tally.tableCount > 0 || this.tablesSeen;
    switch (st.kind) {
      case 'use':
        this.scope.declare(st.database, `USE ${st.database}`, afterTables);
        return;
      case 'create-database':
        this.scope.declare(st.database, `CREATE DATABASE ${st.database}`, afterTables);
        this.charset = st.charset ?? this.charset;
        this.collation = st.collation ?? this.collation;
        return;
      case 'alter-database':
        if (st.database) this.scope.check(st.database, `ALTER DATABASE ${st.database}`);
        this.databaseCollation = st.collation ?? this.databaseCollation;
        return;
      case 'drop-object':
        if (st.qualifier !== null) this.scope.check(st.qualifier, `DROP ${st.type.toUpperCase()} ${st.qualifier}.…`);
        return;
    }
  }

  private sessionOrRefused(sql: string, st: DumpStatement): void {
    switch (st.kind) {
      case 'session':
        // The classifier's rewrite of the checked assignments, never the file's text.
        this.input.scheduler.session(st.sql);
        return;
      case 'global-set':
        this.tally.skip(`SET ${st.what}`, sql);
        return;
      case 'lock':
        this.tally.note('LOCK/UNLOCK TABLES');
        return;
      case 'transaction':
        this.tally.note('transaction control (each INSERT commits on its own)');
        return;
      case 'empty':
        return;
      case 'account':
        this.tally.skip('account statements (CREATE USER, GRANT …)', sql);
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
  }

  private object(o: DumpObject): void {
    this.scope.checkObject(o);
    if (this.only !== null && !(o.type === 'trigger' && o.table !== null && this.only.has(o.table))) {
      this.tally.note('views, routines, events and triggers of other tables (a table restore leaves them as they are)');
      return;
    }
    const dbCollation = this.databaseCollation;
    if (o.definer) this.definers.add(o.definer);
    const key = `${o.type}:${o.name}`;
    this.objects.delete(key); // the last definition wins (mysqldump's placeholder views come first)
    const fileMode = this.input.classifier.sqlMode;
    const { targetDatabase, shadowSchema } = this.input;
    const captured = this.input.scheduler
      .probe<ContextRow>(
        'SELECT @@SESSION.sql_mode AS m, @@character_set_client AS cs, @@collation_connection AS co, @@time_zone AS tz',
      )
      .then(
        (r): DumpedObject => ({
          type: o.type,
          name: o.name,
          table: o.table,
          sql: writeObjectStatement(o, targetDatabase, true),
          sqlWithoutDefiner: writeObjectStatement(o, targetDatabase, false),
          rehearsal: writeObjectStatement(o, shadowSchema, false),
          context: {
            sqlMode: withoutLoadGuard(String(r[0]?.m ?? ''), fileMode),
            characterSetClient: String(r[0]?.cs ?? ''),
            collationConnection: String(r[0]?.co ?? ''),
            timeZone: String(r[0]?.tz ?? '') || null,
            databaseCollation: dbCollation ?? this.collation,
          },
        }),
      );
    // Awaited after the load; if the load fails first, this rejection must not go unhandled.
    captured.catch(() => undefined);
    this.objects.set(key, captured);
  }

  /** The recorded objects, once the load is drained. */
  recordedObjects(): Promise<DumpedObject[]> {
    return Promise.all(this.objects.values());
  }
}

/** The load session's own guard (NO_DIR_IN_CREATE) is not part of an object's sql_mode unless the file set it. */
function withoutLoadGuard(mode: string, fileMode: string): string {
  if (/(^|,)NO_DIR_IN_CREATE(,|$)/i.test(fileMode)) return mode;
  return mode
    .split(',')
    .filter((m) => m && m.toUpperCase() !== 'NO_DIR_IN_CREATE')
    .join(',');
}
