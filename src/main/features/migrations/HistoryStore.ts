import type { Connection, ResultSetHeader, RowDataPacket } from 'mysql2/promise';
import { CHECKSUM_ALGORITHM, compressText, decompressText } from './checksum';
import type { PlannedStatement } from './plan';

/** Exactly SysNDD's statement (api/functions/migration-state-repository.R), so both runners agree on the table. */
export const SCHEMA_VERSION_DDL = `
    CREATE TABLE IF NOT EXISTS schema_version (
      filename VARCHAR(255) PRIMARY KEY,
      applied_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
      success BOOLEAN DEFAULT TRUE
    )
  `;

/**
 * Our own knowledge, next to SysNDD's table and never inside it: one journal row per attempt or repair
 * action (append-only), one row per executed statement written before and after it runs.
 */
export const JOURNAL_DDL = `CREATE TABLE IF NOT EXISTS schema_version_journal (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  run_id CHAR(36) NOT NULL,
  filename VARCHAR(255) NOT NULL,
  action VARCHAR(20) NOT NULL,
  state VARCHAR(20) NOT NULL,
  checksum CHAR(64) NULL,
  checksum_algorithm VARCHAR(40) NOT NULL,
  content_gz MEDIUMBLOB NULL,
  statement_total INT NOT NULL DEFAULT 0,
  first_statement INT NOT NULL DEFAULT 1,
  execution_ms INT NULL,
  applied_by VARCHAR(300) NOT NULL,
  client_host VARCHAR(255) NOT NULL,
  tool VARCHAR(100) NOT NULL,
  connection_id BIGINT UNSIGNED NULL,
  lock_connection_id BIGINT UNSIGNED NULL,
  started_at DATETIME(3) NOT NULL,
  finished_at DATETIME(3) NULL,
  error_code VARCHAR(64) NULL,
  error_message TEXT NULL,
  note TEXT NULL,
  KEY idx_schema_version_journal_file (filename, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`;

export const STATEMENTS_DDL = `CREATE TABLE IF NOT EXISTS schema_version_statements (
  journal_id BIGINT UNSIGNED NOT NULL,
  statement_index INT NOT NULL,
  statement_total INT NOT NULL,
  filename VARCHAR(255) NOT NULL,
  state VARCHAR(20) NOT NULL,
  behaviour VARCHAR(20) NOT NULL,
  statement_sha256 CHAR(64) NOT NULL,
  start_line INT NOT NULL,
  preview VARCHAR(300) NOT NULL,
  started_at DATETIME(3) NOT NULL,
  finished_at DATETIME(3) NULL,
  duration_ms INT NULL,
  affected_rows BIGINT NULL,
  error_code VARCHAR(64) NULL,
  error_message TEXT NULL,
  PRIMARY KEY (journal_id, statement_index)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`;

export type JournalAction = 'apply' | 'resume' | 'baseline' | 'adopt' | 'mark-applied' | 'accept-checksum';
export type JournalState = 'running' | 'succeeded' | 'failed' | 'cancelled';
export type StatementState = 'started' | 'executed' | 'committed' | 'failed' | 'rolled-back' | 'unknown';

export interface SchemaVersionRow {
  filename: string;
  appliedAt: string | null;
  /** `success = TRUE`, the test SysNDD uses. */
  applied: boolean;
}

export interface JournalRow {
  id: number;
  runId: string;
  filename: string;
  action: JournalAction;
  state: JournalState;
  checksum: string | null;
  checksumAlgorithm: string;
  statementTotal: number;
  firstStatement: number;
  executionMs: number | null;
  appliedBy: string;
  clientHost: string;
  tool: string;
  connectionId: number | null;
  lockConnectionId: number | null;
  startedAt: string;
  finishedAt: string | null;
  errorCode: string | null;
  errorMessage: string | null;
  note: string | null;
}

export interface StatementRow {
  journalId: number;
  index: number;
  total: number;
  filename: string;
  state: StatementState;
  behaviour: string;
  sha256: string;
  startLine: number;
  preview: string;
  startedAt: string;
  finishedAt: string | null;
  durationMs: number | null;
  affectedRows: number | null;
  errorCode: string | null;
  errorMessage: string | null;
}

export interface Actor {
  runId: string;
  appliedBy: string;
  clientHost: string;
  tool: string;
}

const iso = (col: string) => `DATE_FORMAT(${col}, '%Y-%m-%dT%H:%i:%s.%fZ')`;
const fixIso = (v: unknown): string | null => (typeof v === 'string' ? v.replace(/\.(\d{3})\d{3}Z$/, '.$1Z') : null);
const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

/**
 * Reads and writes SysNDD's `schema_version` and our journal tables on one connection (the bookkeeping
 * connection, which also holds the migration lock). That connection runs in UTC and autocommit, separate
 * from the connection that executes migration statements, so a migration's own transactions never
 * swallow a journal write.
 */
export class HistoryStore {
  constructor(private readonly conn: Connection) {}

  static async prepareSession(conn: Connection): Promise<void> {
    await conn.query("SET time_zone = '+00:00'");
  }

  async tableExists(name: string): Promise<boolean> {
    const [rows] = await this.conn.query<RowDataPacket[]>(
      'SELECT COUNT(*) AS n FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?',
      [name],
    );
    return Number(rows[0]?.n ?? 0) > 0;
  }

  async ensureSchemaVersion(): Promise<void> {
    await this.conn.query(SCHEMA_VERSION_DDL);
  }

  async ensureJournal(): Promise<void> {
    await this.conn.query(JOURNAL_DDL);
    await this.conn.query(STATEMENTS_DDL);
  }

  async readSchemaVersion(): Promise<SchemaVersionRow[]> {
    if (!(await this.tableExists('schema_version'))) return [];
    const [rows] = await this.conn.query<RowDataPacket[]>(
      `SELECT filename, ${iso('applied_at')} AS applied_at, (success = TRUE) AS applied FROM schema_version ORDER BY filename`,
    );
    return rows.map((r) => ({ filename: String(r.filename), appliedAt: fixIso(r.applied_at), applied: Number(r.applied) === 1 }));
  }

  async readJournal(filename?: string, limit?: number): Promise<JournalRow[]> {
    if (!(await this.tableExists('schema_version_journal'))) return [];
    const where = filename ? 'WHERE filename = ?' : '';
    const order = limit ? `ORDER BY id DESC LIMIT ${Math.max(1, Math.floor(limit))}` : 'ORDER BY id';
    const [rows] = await this.conn.query<RowDataPacket[]>(
      `SELECT id, run_id, filename, action, state, checksum, checksum_algorithm, statement_total, first_statement, execution_ms,
         applied_by, client_host, tool, connection_id, lock_connection_id, ${iso('started_at')} AS started_at,
         ${iso('finished_at')} AS finished_at, error_code, error_message, note
       FROM schema_version_journal ${where} ${order}`,
      filename ? [filename] : [],
    );
    return rows.map((r) => ({
      id: Number(r.id),
      runId: String(r.run_id),
      filename: String(r.filename),
      action: r.action as JournalAction,
      state: r.state as JournalState,
      checksum: r.checksum === null ? null : String(r.checksum),
      checksumAlgorithm: String(r.checksum_algorithm),
      statementTotal: Number(r.statement_total),
      firstStatement: Number(r.first_statement),
      executionMs: num(r.execution_ms),
      appliedBy: String(r.applied_by),
      clientHost: String(r.client_host),
      tool: String(r.tool),
      connectionId: num(r.connection_id),
      lockConnectionId: num(r.lock_connection_id),
      startedAt: fixIso(r.started_at) ?? '',
      finishedAt: fixIso(r.finished_at),
      errorCode: r.error_code === null ? null : String(r.error_code),
      errorMessage: r.error_message === null ? null : String(r.error_message),
      note: r.note === null ? null : String(r.note),
    }));
  }

  async readStatements(journalIds: number[]): Promise<StatementRow[]> {
    if (journalIds.length === 0 || !(await this.tableExists('schema_version_statements'))) return [];
    const [rows] = await this.conn.query<RowDataPacket[]>(
      `SELECT journal_id, statement_index, statement_total, filename, state, behaviour, statement_sha256, start_line, preview,
         ${iso('started_at')} AS started_at, ${iso('finished_at')} AS finished_at, duration_ms, affected_rows, error_code, error_message
       FROM schema_version_statements WHERE journal_id IN (?) ORDER BY journal_id, statement_index`,
      [journalIds],
    );
    return rows.map((r) => ({
      journalId: Number(r.journal_id),
      index: Number(r.statement_index),
      total: Number(r.statement_total),
      filename: String(r.filename),
      state: r.state as StatementState,
      behaviour: String(r.behaviour),
      sha256: String(r.statement_sha256),
      startLine: Number(r.start_line),
      preview: String(r.preview),
      startedAt: fixIso(r.started_at) ?? '',
      finishedAt: fixIso(r.finished_at),
      durationMs: num(r.duration_ms),
      affectedRows: num(r.affected_rows),
      errorCode: r.error_code === null ? null : String(r.error_code),
      errorMessage: r.error_message === null ? null : String(r.error_message),
    }));
  }

  async readContent(journalId: number): Promise<string | null> {
    const [rows] = await this.conn.query<RowDataPacket[]>('SELECT content_gz FROM schema_version_journal WHERE id = ?', [
      journalId,
    ]);
    return decompressText((rows[0]?.content_gz as Buffer | null) ?? null);
  }

  /** A journal row for an attempt or a repair action; `state` 'running' for attempts, 'succeeded' for repairs. */
  async insertJournal(entry: {
    actor: Actor;
    filename: string;
    action: JournalAction;
    state: JournalState;
    text: string | null;
    checksum: string | null;
    statementTotal: number;
    firstStatement?: number;
    connectionId?: number | null;
    lockConnectionId?: number | null;
    note?: string | null;
  }): Promise<number> {
    const finished = entry.state === 'running' ? 'NULL' : 'NOW(3)';
    const [res] = await this.conn.query<ResultSetHeader>(
      `INSERT INTO schema_version_journal (run_id, filename, action, state, checksum, checksum_algorithm, content_gz, statement_total,
         first_statement, applied_by, client_host, tool, connection_id, lock_connection_id, started_at, finished_at, note)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NOW(3), ${finished}, ?)`,
      [
        entry.actor.runId,
        entry.filename,
        entry.action,
        entry.state,
        entry.checksum,
        CHECKSUM_ALGORITHM,
        entry.text === null ? null : compressText(entry.text),
        entry.statementTotal,
        entry.firstStatement ?? 1,
        entry.actor.appliedBy,
        entry.actor.clientHost,
        entry.actor.tool,
        entry.connectionId ?? null,
        entry.lockConnectionId ?? null,
        entry.note ?? null,
      ],
    );
    return res.insertId;
  }

  async finishJournal(
    id: number,
    state: JournalState,
    info: { executionMs?: number; errorCode?: string; errorMessage?: string } = {},
  ): Promise<void> {
    await this.conn.query(
      'UPDATE schema_version_journal SET state = ?, finished_at = NOW(3), execution_ms = ?, error_code = ?, error_message = ? WHERE id = ?',
      [state, info.executionMs ?? null, info.errorCode ?? null, info.errorMessage ?? null, id],
    );
  }

  async statementStarted(journalId: number, filename: string, total: number, st: PlannedStatement): Promise<void> {
    await this.conn.query(
      `INSERT INTO schema_version_statements (journal_id, statement_index, statement_total, filename, state, behaviour, statement_sha256,
         start_line, preview, started_at) VALUES (?, ?, ?, ?, 'started', ?, ?, ?, ?, NOW(3))`,
      [journalId, st.index, total, filename, st.class.behaviour, st.sha256, st.startLine, st.preview.slice(0, 300)],
    );
  }

  async statementFinished(
    journalId: number,
    index: number,
    state: StatementState,
    info: { durationMs?: number; affectedRows?: number | null; errorCode?: string; errorMessage?: string } = {},
  ): Promise<void> {
    await this.conn.query(
      `UPDATE schema_version_statements SET state = ?, finished_at = NOW(3), duration_ms = ?, affected_rows = ?, error_code = ?, error_message = ?
       WHERE journal_id = ? AND statement_index = ?`,
      [
        state,
        info.durationMs ?? null,
        info.affectedRows ?? null,
        info.errorCode ?? null,
        info.errorMessage ?? null,
        journalId,
        index,
      ],
    );
  }

  /** Statements run inside an explicit transaction become committed (or rolled back) when it ends. */
  async settleExecuted(journalId: number, to: 'committed' | 'rolled-back'): Promise<void> {
    await this.conn.query("UPDATE schema_version_statements SET state = ? WHERE journal_id = ? AND state = 'executed'", [
      to,
      journalId,
    ]);
  }

  /**
   * A repair action (baseline, adopt, mark-applied, accept-checksum): its journal row and, when the file
   * becomes applied by it, SysNDD's `schema_version` row, in one transaction.
   */
  async recordRepair(entry: Parameters<HistoryStore['insertJournal']>[0], alsoMarkApplied: boolean): Promise<number> {
    await this.conn.beginTransaction();
    try {
      const id = await this.insertJournal({ ...entry, state: 'succeeded' });
      if (alsoMarkApplied) {
        await this.conn.query(
          'INSERT INTO schema_version (filename, success) VALUES (?, TRUE) ON DUPLICATE KEY UPDATE success = TRUE, applied_at = CURRENT_TIMESTAMP',
          [entry.filename],
        );
      }
      await this.conn.commit();
      return id;
    } catch (err) {
      await this.conn.rollback().catch(() => undefined);
      throw err;
    }
  }

  /**
   * Record a file as applied the way SysNDD does (`INSERT INTO schema_version (filename, success) VALUES
   * (?, TRUE)`), and close its journal row, in one transaction so the two never disagree.
   */
  async recordApplied(filename: string, journalId: number | null): Promise<void> {
    await this.conn.beginTransaction();
    try {
      await this.conn.query(
        'INSERT INTO schema_version (filename, success) VALUES (?, TRUE) ON DUPLICATE KEY UPDATE success = TRUE, applied_at = CURRENT_TIMESTAMP',
        [filename],
      );
      if (journalId !== null) {
        await this.conn.query(
          "UPDATE schema_version_journal SET state = 'succeeded', finished_at = NOW(3), execution_ms = TIMESTAMPDIFF(MICROSECOND, started_at, NOW(3)) DIV 1000 WHERE id = ?",
          [journalId],
        );
      }
      await this.conn.commit();
    } catch (err) {
      await this.conn.rollback().catch(() => undefined);
      throw err;
    }
  }
}
