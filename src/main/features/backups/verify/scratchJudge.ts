import type { Connection, RowDataPacket } from 'mysql2/promise';
import type { BackupManifest } from '../../../../shared/contract/backups';
import { AppError } from '../../../core/AppError';
import { DumpClassifier, type QualifierRef } from '../../../platform/sql/dumpClassifier';
import { writeObjectStatement } from '../../../platform/sql/dumpObject';
import { numericServerVersion } from '../../../platform/sql/lexer';
import { replaceSpans } from '../../../platform/sql/tokenCursor';
import { otherSchemas } from '../../restore/confinement/loadAccount';
import { quoteIdent } from '../engine/columns';

/** An event the test restore leaves out (it has no DISABLE form we can give it). */
export const SKIPPED_EVENT = '\u0000skipped-event';

/** Events must never fire in the scratch schema (they could write elsewhere): ENABLE becomes DISABLE. */
export function disableEvent(sql: string): string | null {
  if (!/^\s*CREATE\b[^;]*?\bEVENT\b/i.test(sql)) return sql;
  const re = /(\bON\s+COMPLETION\s+(?:NOT\s+)?PRESERVE\s+)ENABLE\b/i;
  if (re.test(sql)) return sql.replace(re, '$1DISABLE');
  return /(\bON\s+COMPLETION\s+(?:NOT\s+)?PRESERVE\s+)DISABLE\b/i.test(sql) ? sql : null;
}

type Row = RowDataPacket & Record<string, unknown>;

/**
 * What a test restore runs for each statement of a backup, judged by the same SQL toolkit as a restore:
 * the statement pointed at the scratch schema, our own rewrite (SET, objects without DEFINER, events
 * disabled), null for furniture a scratch load skips, or a refusal naming why.
 */
export async function scratchJudge(
  admin: Connection,
  m: BackupManifest,
  schema: string,
): Promise<(statement: string) => string | null> {
  const [facts] = await admin.query<Row[]>('SELECT VERSION() AS v, @@GLOBAL.sql_mode AS m');
  const others = await otherSchemas(admin, schema);
  const own = m.source.database;
  const classifier = new DumpClassifier({
    serverVersion: numericServerVersion(String(facts[0]?.v ?? '')),
    initialSqlMode: String(facts[0]?.m ?? ''),
    ownDatabase: own,
  });
  const refuse = (why: string, statement: string): never => {
    throw new AppError(
      'RESTORE_STATEMENT_REFUSED',
      `The backup holds a statement a test restore does not run (${why}): "${statement.slice(0, 80)}".`,
    );
  };
  const ownOnly = (refs: readonly QualifierRef[], statement: string): string => {
    for (const r of refs) if (r.name !== own) refuse(`it names the database ${r.name}`, statement);
    return refs.length ? replaceSpans(statement, refs, quoteIdent(schema)) : statement;
  };
  return (statement: string): string | null => {
    const st = classifier.classify(statement);
    switch (st.kind) {
      case 'insert':
        if (st.qualifier === null) return statement;
        if (st.qualifier !== own) refuse(`it writes into ${st.qualifier}`, statement);
        return statement.slice(0, st.nameStart) + quoteIdent(st.table) + statement.slice(st.nameEnd);
      case 'create-table':
      case 'drop-table':
      case 'alter-table':
        return st.kind === 'alter-table' && st.keysOnly ? null : ownOnly(st.qualifiers, statement);
      case 'session':
        return st.sql;
      case 'sequence-state':
        return statement;
      case 'object': {
        const o = st.object;
        if ((o.qualifier !== null && o.qualifier !== own) || (o.tableQualifier !== null && o.tableQualifier !== own))
          refuse(`the ${o.type} ${o.name} belongs to another database`, statement);
        const reached = o.foreignQualifiers.filter((n) => n !== own && others.has(n.toLowerCase()));
        if (reached.length) refuse(`the ${o.type} ${o.name} names ${reached.join(', ')}`, statement);
        return disableEvent(writeObjectStatement(o, schema, false)) ?? SKIPPED_EVENT;
      }
      case 'use':
      case 'create-database':
      case 'alter-database':
        throw new AppError(
          'BACKUP_CORRUPT',
          `The backup contains a statement this format never writes: ${statement.slice(0, 60)}`,
        );
      case 'other':
        return refuse(st.reason, statement);
      case 'account':
      case 'global-set':
        // Our writer never writes account or server-wide statements: a file that has them was edited.
        return refuse('this format never writes account or server-wide statements', statement);
      default:
        return null; // LOCK TABLES, transactions, GTID, account statements, DROP of objects: not part of a scratch load
    }
  };
}
