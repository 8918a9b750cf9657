import { type ClassifiedStatement, classifyScript } from '../../platform/sql/classify';
import { SqlSplitError, splitSqlScript } from '../../platform/sql/splitter';
import { sha256 } from './checksum';

export interface PlannedStatement extends ClassifiedStatement {
  /** SHA-256 of the statement text: lets a resume notice that already-committed statements were edited. */
  sha256: string;
  /** First line of the statement, shortened, for logs, progress and the journal. */
  preview: string;
}

export interface MigrationPlan {
  statements: PlannedStatement[];
  warnings: string[];
  /** Set when the text cannot be split (bad DELIMITER) or ends inside a string or comment. */
  error: string | null;
}

export function previewOf(text: string, max = 120): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return oneLine.length > max ? `${oneLine.slice(0, max - 1)}…` : oneLine;
}

/** Split and classify a migration's normalised text. Never throws: problems come back in `error`. */
export function planMigration(text: string): MigrationPlan {
  try {
    const { statements, unterminated } = splitSqlScript(text);
    const classified = classifyScript(statements);
    const planned = classified.statements.map((s) => ({ ...s, sha256: sha256(s.text), preview: previewOf(s.text) }));
    const error = unterminated
      ? `the file ends inside an unterminated ${unterminated.kind === 'comment' ? '/* comment' : `${unterminated.kind} quote`} opened on line ${unterminated.line}`
      : null;
    return { statements: planned, warnings: classified.warnings.map((w) => w.message), error };
  } catch (err) {
    if (err instanceof SqlSplitError) return { statements: [], warnings: [], error: err.message };
    throw err;
  }
}
