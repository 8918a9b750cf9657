import { AppError } from '../../../core/AppError';
import type { DumpClassifier, QualifierRef } from '../../../platform/sql/dumpClassifier';
import type { DumpObject } from '../../../platform/sql/dumpObject';
import { quoteIdentBytes, replaceSpans } from '../../../platform/sql/tokenCursor';

/**
 * The one database a file may name: given up front (our manifest) or learnt from its USE / CREATE
 * DATABASE / qualified names. Every qualifier a statement carries is checked here; table DDL is pointed
 * at the shadow schema.
 */
export class DatabaseScope {
  /** Databases the file declared (USE, CREATE DATABASE, our manifest): a qualifier may name only these. */
  private readonly declared: Set<string>;

  constructor(
    public sourceDatabase: string | null,
    private readonly classifier: DumpClassifier,
    private readonly shadowSchema: string,
    private readonly targetDatabase: string,
    /** Every other schema on the server, lower-cased: an object body may not name them. */
    private readonly otherSchemas: ReadonlySet<string>,
  ) {
    this.declared = new Set<string>(sourceDatabase === null ? [] : [sourceDatabase]);
  }

  check(name: string, what: string, declares = false): void {
    if (declares) this.declared.add(name);
    else if (
      this.sourceDatabase === null &&
      !this.declared.has(name) &&
      name !== this.targetDatabase &&
      this.otherSchemas.has(name.toLowerCase())
    )
      // A qualifier is not how a dump names its own database (that is USE / CREATE DATABASE): one naming
      // another schema of this server is an attempt to reach it.
      throw new AppError(
        'RESTORE_STATEMENT_REFUSED',
        `The file names the database "${name}" (${what}), another database on this server, without declaring it as its own: a restore writes only into the database being restored. Nothing was swapped.`,
      );
    if (this.sourceDatabase === null) {
      this.sourceDatabase = name;
      this.classifier.ownDatabase = name;
    } else if (name !== this.sourceDatabase) {
      throw new AppError(
        'RESTORE_PREFLIGHT_FAILED',
        `The file switches to database "${name}" (${what}) after "${this.sourceDatabase}": a restore takes one database per file. Nothing was swapped.`,
      );
    }
  }

  /**
   * USE / CREATE DATABASE: how a dump names its own database, before its tables. After a table statement
   * they would switch the rest of the file to another database (as the mysql client would): refused.
   */
  declare(name: string, what: string, afterTables: boolean): void {
    if (afterTables && this.sourceDatabase === null)
      throw new AppError(
        'RESTORE_STATEMENT_REFUSED',
        `The file switches to the database "${name}" (${what}) after its tables: a restore writes only into the database being restored. Nothing was swapped.`,
      );
    this.check(name, what, true);
  }

  /** Table DDL with the file's database named: every qualifier must be it, and each is pointed at the shadow schema. */
  intoShadow(sql: string, qualifiers: readonly QualifierRef[], what: string): string {
    if (!qualifiers.length) return sql;
    for (const q of qualifiers) this.check(q.name, what);
    return replaceSpans(sql, qualifiers, quoteIdentBytes(this.shadowSchema));
  }

  /** An object's names must be the file's database; its body may not name another schema on the server. */
  checkObject(o: DumpObject): void {
    if (o.qualifier !== null) this.check(o.qualifier, `CREATE ${o.type.toUpperCase()} ${o.qualifier}.${o.name}`);
    if (o.tableQualifier !== null) this.check(o.tableQualifier, `TRIGGER ${o.name} ON ${o.tableQualifier}.${o.table}`);
    const reached = o.foreignQualifiers.filter(
      (n) => n !== this.targetDatabase && n !== this.sourceDatabase && this.otherSchemas.has(n.toLowerCase()),
    );
    if (reached.length)
      throw new AppError(
        'RESTORE_STATEMENT_REFUSED',
        `The ${o.type} ${o.name} names another database (${reached.join(', ')}); a restored object may only use its own database. Nothing was swapped.`,
        { object: { type: o.type, name: o.name }, reached },
      );
  }
}
