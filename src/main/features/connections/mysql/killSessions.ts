import type { Connection } from 'mysql2/promise';

/** The server's id of a session: read from mysql2's internals in driverInternals.ts. */
export { threadIdOf } from './driverInternals';

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
