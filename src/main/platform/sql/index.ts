/**
 * MySQL/MariaDB SQL text utilities shared by migrations and restore (see docs/migrations.md, "Statement
 * splitter"). Import from here, not from the individual files.
 *
 *   splitSqlStatements(text)            → SqlStatement[]            whole text
 *   splitSqlScript(text)                → { statements, unterminated }
 *   new SqlStatementSplitter().push(chunk) / .end()                  incremental, any chunking
 *   splitSqlStream(asyncIterable)       → AsyncGenerator<SqlStatement>  streams, gunzip output, files
 *   classifyStatement(text) / classifyScript(statements)            transactional vs implicit commit
 */
export {
  type ClassifiedStatement,
  type CommitBehaviour,
  classifyScript,
  classifyStatement,
  type ScriptWarning,
  type StatementClass,
  type StatementKind,
} from './classify';
export {
  type SplitOptions,
  SqlSplitError,
  type SqlStatement,
  SqlStatementSplitter,
  splitSqlScript,
  splitSqlStatements,
  splitSqlStream,
  type Unterminated,
} from './splitter';
