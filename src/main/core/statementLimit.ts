import type { Connection } from 'mysql2/promise';
import { AppError } from './AppError';

/**
 * The longest SQL statement a reader of dumps and backups accumulates before it gives up (restore, the
 * restore preflight, a backup's test restore). Statements are buffered whole before they are sent, so
 * without a bound one unterminated string in a 4 MB `.sql.gz` grows to gigabytes in memory.
 */
export interface StatementLimit {
  /** A statement longer than this many bytes is refused; exactly this many is accepted. */
  maxBytes: number;
  /** Where the number comes from, for the message the user sees. */
  source: string;
}

/**
 * Cap on any statement whatever the server allows (its max_allowed_packet may be 1 GiB). A statement is
 * held about five times while it is sent (split pieces, the joined Buffer, the loader's string, the driver's
 * packet), on top of the ~170 MB the process needs: measured through the CLI, a 32 MiB statement peaked at
 * 292 MB resident, too close to the 300 MB bound. 16 MiB (MariaDB's default max_allowed_packet) leaves room.
 * Dumps write INSERTs of ~1 MiB (mysqldump's net_buffer_length, our writer's 1 MiB target); only a single
 * row larger than this cannot be restored by this tool.
 */
export const STATEMENT_CEILING_BYTES = 16 << 20;

/** The limit for a target whose `@@max_allowed_packet` is `maxAllowedPacket` (null: not known). */
export function statementLimitFor(maxAllowedPacket: number | null): StatementLimit {
  const packet = maxAllowedPacket !== null && Number.isFinite(maxAllowedPacket) && maxAllowedPacket > 0 ? maxAllowedPacket : null;
  if (packet !== null && packet <= STATEMENT_CEILING_BYTES)
    return { maxBytes: packet, source: `the target server's max_allowed_packet (${packet} bytes)` };
  return {
    maxBytes: STATEMENT_CEILING_BYTES,
    source:
      packet === null
        ? `this tool's statement ceiling (${STATEMENT_CEILING_BYTES} bytes)`
        : `this tool's statement ceiling (${STATEMENT_CEILING_BYTES} bytes; the server's max_allowed_packet is ${packet})`,
  };
}

/** Used where no server is known yet: the ceiling alone still bounds memory. */
export const DEFAULT_STATEMENT_LIMIT: StatementLimit = statementLimitFor(null);

/** The refusal, raised the moment the statement being read passes the limit (`where`: e.g. "at byte 123"). */
export function statementTooLarge(limit: StatementLimit, where: string): AppError {
  return new AppError(
    'STATEMENT_TOO_LARGE',
    `The statement starting ${where} is longer than ${limit.maxBytes} bytes, ${limit.source}; reading stopped there. The server would refuse it, and buffering it would take unbounded memory.`,
    { maxBytes: limit.maxBytes },
  );
}

/** The limit for the server `conn` is connected to (its `@@max_allowed_packet`, capped by the ceiling). */
export async function readStatementLimit(conn: Connection): Promise<StatementLimit> {
  const [rows] = await conn.query({ sql: 'SELECT @@max_allowed_packet', rowsAsArray: true });
  const value = Number((rows as unknown[][])[0]?.[0]);
  return statementLimitFor(Number.isFinite(value) ? value : null);
}
