import type { Connection } from 'mysql2/promise';

/** The server's id of a session (mysql2 keeps it on the core connection of a promise wrapper). */
export function threadIdOf(conn: Connection): number {
  return Number(
    (conn as unknown as { threadId?: number; connection?: { threadId?: number } }).connection?.threadId ?? conn.threadId,
  );
}

/**
 * Ends sessions on the server, not only on our side. Closing a socket is not enough: a session waiting
 * for a metadata lock or inside a long statement keeps running (and keeps its locks) until it next
 * writes to the client, which can be hours. `KILL` from another session stops it now. Errors are
 * ignored: the session may already be gone, and the caller is cleaning up after a failure anyway.
 */
export async function killSessions(control: Connection, threadIds: readonly number[]): Promise<void> {
  for (const id of threadIds) {
    if (Number.isInteger(id) && id > 0) await control.query(`KILL ${id}`).catch(() => undefined);
  }
}
