import type { Connection as CoreConnection, Query } from 'mysql2';
import type { Connection as PromiseConnection } from 'mysql2/promise';
import { AppError } from '../../../core/AppError';

/**
 * Every place we reach past mysql2's public API, in one file, so a mysql2 upgrade is checked here (and by
 * tests/integration/connections/driverInternals.test.ts against a real server) instead of in four
 * capabilities. What we rely on (mysql2 3.x):
 * - a promise connection wraps the callback ("core") connection as `.connection`;
 * - the core connection keeps its socket as `.stream`, and `_closing` / `_fatalError` once ended or lost;
 * - the server's session id is `threadId` on the core connection (the wrapper's own copy may be unset);
 * - a query reads each row packet through `query._rowParser.next(packet)`, assigned after the column
 *   definitions arrived.
 */

/** A row packet as mysql2 hands it to a row parser: the row's bytes are `buffer[offset, end)`. */
export interface RowPacket {
  buffer: Buffer;
  offset: number;
  end: number;
}

/** Our replacement for mysql2's per-query row parser: gets every row packet; the return value is ignored. */
export interface RawRowParser {
  next(packet: RowPacket): undefined;
}

interface CoreInternals {
  stream?: NodeJS.EventEmitter & { destroyed?: boolean };
  _closing?: boolean;
  _fatalError?: unknown;
  threadId?: number;
}

function internalsOf(conn: PromiseConnection): CoreInternals | undefined {
  return (conn as unknown as { connection?: CoreInternals }).connection;
}

/** The callback connection under a promise connection (streaming queries need its event API). */
export function coreConnectionOf(conn: PromiseConnection): CoreConnection {
  const core = (conn as unknown as { connection?: CoreConnection }).connection;
  if (!core || typeof core.query !== 'function') throw new AppError('INTERNAL', 'mysql2 connection without its core connection.');
  return core;
}

/** The core connection's socket (to notice it closing), or null when there is none. */
export function coreStreamOf(conn: PromiseConnection): NodeJS.EventEmitter | null {
  return internalsOf(conn)?.stream ?? null;
}

/** True once the connection was ended, destroyed or lost. */
export function isCoreClosed(conn: PromiseConnection): boolean {
  const core = internalsOf(conn);
  if (!core) return true;
  return Boolean(core._closing || core._fatalError || core.stream?.destroyed);
}

/** The server's id of the session (CONNECTION_ID()), for KILL and for naming a lock holder. */
export function threadIdOf(conn: PromiseConnection): number {
  return Number(internalsOf(conn)?.threadId ?? conn.threadId);
}

/**
 * Take a query's row packets ourselves: mysql2 assigns `_rowParser` when the column definitions arrive;
 * the accessor keeps ours in place, so no JS value is built per field. If a future mysql2 ignores it,
 * rows arrive through the query's 'result' events instead (the caller handles both).
 */
export function installRowParser(query: Query, parser: RawRowParser): void {
  Object.defineProperty(query, '_rowParser', { get: () => parser, set: () => undefined, configurable: true });
}
