import type { StatementLimit } from '../../../core/statementLimit';
import type { SplitStatement } from '../../../platform/sql/dumpSplitter';
import { memberStatements } from '../../backups/format/memberStatements';
import type { RestoreSource } from '../sources/ForeignDumpSource';
import type { SourceInventory } from '../sources/inventory';
import { filterReadable, isRowStatement, openDumpFile } from '../sources/statementStream';

/** One statement of the file that is not a row statement, as the loader holds it (a byte string). */
export interface DdlStatement {
  sql: string;
  delimiter: string;
}

const ROW_HEAD = /^\s*(INSERT|REPLACE)\b/i;

/**
 * Every statement of the file but its rows, in file order (session statements included: the DDL runs under
 * the file's sql_mode and character set). Our backups keep DDL in their own members (preamble, schema,
 * objects, epilogue), read without inflating a data member; a foreign dump interleaves DDL and rows, so it
 * is read through once, rows dropped as they are split (memory stays one statement).
 */
export async function* ddlStatements(
  source: RestoreSource,
  inventory: SourceInventory,
  limit: StatementLimit,
  signal?: AbortSignal,
): AsyncGenerator<DdlStatement> {
  const manifest = inventory.manifest;
  if (inventory.format === 'sysndd-admin' && manifest) {
    for (const member of manifest.members) {
      if (member.kind === 'table-data') continue;
      for await (const text of memberStatements(inventory.path, member, { limit })) {
        if (ROW_HEAD.test(text.slice(0, 16))) continue;
        yield { sql: Buffer.from(text, 'utf8').toString('latin1'), delimiter: ';' };
      }
    }
    return;
  }
  // A foreign dump: split again, keeping only what is not a row (rows die as they are split).
  const opened = await openDumpFile(source.path);
  const keep = (s: SplitStatement) => !isRowStatement(s.sql);
  for await (const s of filterReadable(opened.stream, keep, { signal, limit })) {
    yield { sql: s.sql.toString('latin1'), delimiter: s.delimiter || ';' };
  }
}
