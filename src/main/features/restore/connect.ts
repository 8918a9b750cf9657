import type { Connection, RowDataPacket } from 'mysql2/promise';
import { AppError } from '../../core/AppError';
import type { ConnectionManager } from '../connections/ConnectionManager';
import { assertLoadAccount, type LoadAccount } from './confinement/loadAccount';

/**
 * Connections a restore uses, all through `app.connections.openDedicated` (SSH tunnels, TLS, error codes):
 * - the control connection: utf8mb4, holds the session locks (migration + restore) for the whole run, runs
 *   the swap; big numbers as strings (CHECKSUM TABLE values exceed 2^53);
 * - loader connections: "byte transparent" — the client encodes statements as latin1 (one byte per char)
 *   while the server reads them in the dump's own character set (`SET NAMES` from the file). Statements are
 *   kept as latin1 strings of the file's bytes, so every byte reaches the server unchanged, binary string
 *   literals included, with no UTF-8 decode/encode round trip.
 */

export type DbConnection = Connection;

export async function openControl(
  app: { readonly connections: ConnectionManager },
  profileId: string,
  database: string | null,
): Promise<DbConnection> {
  const conn = await app.connections.openDedicated(profileId, {
    database,
    extra: { supportBigNumbers: true, bigNumberStrings: true, dateStrings: true, charset: 'UTF8MB4_GENERAL_CI' },
  });
  await conn.query('SET SESSION wait_timeout = 28800, net_read_timeout = 3600, net_write_timeout = 3600');
  return conn;
}

/** The latin1 form of a UTF-8 text: what a byte-transparent connection must be given. */
export function bytesOf(text: string): string {
  return Buffer.from(text, 'utf8').toString('latin1');
}

const PROBE = bytesOf('é€😀');

/**
 * A loader connection with the bulk-load fast path (unique and foreign key checks off), checked to pass
 * bytes through unchanged: if the driver re-encoded text, binary data would be silently corrupted.
 */
export async function openByteTransparent(
  app: { readonly connections: ConnectionManager },
  profileId: string,
  database: string | null,
  account?: LoadAccount,
): Promise<DbConnection> {
  const conn = await app.connections.openDedicated(profileId, {
    database,
    // -SESSION_TRACK: otherwise the server reports the dump's `SET NAMES` back and mysql2 switches its own
    // encoding to match, re-encoding our byte strings as UTF-8 (the probe below would catch it).
    // queryFormat: statements are sent as they are; mysql2's default formatter scans every byte for `?`
    // placeholders (about a second per 100 MB of dump), and loader statements never carry parameters.
    extra: {
      charset: 'LATIN1_SWEDISH_CI',
      flags: ['-SESSION_TRACK'],
      queryFormat: (sql: string) => sql,
      supportBigNumbers: true,
      bigNumberStrings: true,
      dateStrings: true,
      // The temporary load account (confinement/loadAccount.ts) instead of the profile's.
      ...(account ? { user: account.user, password: account.password } : {}),
    },
  });
  try {
    if (account) await assertLoadAccount(conn, account);
    await conn.query('SET NAMES utf8mb4');
    // DATA/INDEX DIRECTORY in a file is ignored (the classifier refuses it too; this is the server's word).
    const [mode] = await conn.query<RowDataPacket[]>('SELECT @@SESSION.sql_mode AS m');
    const current = String(mode[0]?.m ?? '');
    await conn.query(`SET SESSION sql_mode = '${current ? `${current},` : ''}NO_DIR_IN_CREATE'`);
    await conn.query(
      'SET SESSION foreign_key_checks = 0, unique_checks = 0, wait_timeout = 28800, net_read_timeout = 3600, net_write_timeout = 3600',
    );
    const [rows] = await conn.query<RowDataPacket[]>(`SELECT HEX('${PROBE}') AS h`);
    if (rows[0]?.h !== 'C3A9E282ACF09F9880') {
      throw new AppError(
        'INTERNAL',
        `The loader connection does not pass bytes through unchanged (got ${String(rows[0]?.h)}); refusing to load.`,
      );
    }
    return conn;
  } catch (err) {
    conn.destroy();
    throw err;
  }
}

/** End a connection, falling back to destroy when the server or tunnel is gone. */
export async function closeQuietly(conn: DbConnection | null | undefined): Promise<void> {
  if (!conn) return;
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      conn.end(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error('timeout')), 2000);
      }),
    ]);
  } catch {
    try {
      conn.destroy();
    } catch {
      // Already gone.
    }
  } finally {
    clearTimeout(timer);
  }
}

export { quoteIdent as q } from '../../platform/sql/quote';

export async function rows<T extends RowDataPacket>(conn: DbConnection, sql: string, values?: unknown[]): Promise<T[]> {
  const [r] = await conn.query<T[]>(sql, values);
  return r;
}
