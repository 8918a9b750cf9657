import fs from 'node:fs';
import net from 'node:net';
import type { Duplex } from 'node:stream';
import mysql from 'mysql2/promise';
import type { MysqlSettings } from '../../../../shared/contract/profiles';
import { AppError } from '../../../core/AppError';
import { mapMysqlConnectError } from '../errors';
import { expandHome } from '../ssh/credentials';

export type MysqlConnection = mysql.Connection;
export type MysqlConnectionOptions = mysql.ConnectionOptions;

/**
 * TLS per profile: `off` plain; `required` encrypt but accept any certificate (protects against sniffing,
 * not against a man in the middle); `verify` encrypt and check the chain against the profile's CA file,
 * plus the host name when the MySQL host is a name (an IP cannot be checked against most certificates).
 */
export function tlsOptions(settings: MysqlSettings): mysql.SslOptions | undefined {
  if (settings.tls === 'off') return undefined;
  if (settings.tls === 'required') return { rejectUnauthorized: false };
  if (!settings.caFile)
    throw new AppError('DB_TLS_FAILED', 'TLS mode "verify" needs a CA file: set the CA certificate in the profile.');
  const caPath = expandHome(settings.caFile);
  let ca: Buffer;
  try {
    ca = fs.readFileSync(caPath);
  } catch (err) {
    throw new AppError('DB_TLS_FAILED', `Cannot read the CA file ${caPath}: ${(err as Error).message}`);
  }
  return { ca, rejectUnauthorized: true, verifyIdentity: net.isIP(settings.host) === 0 };
}

export interface OpenMysqlOptions {
  settings: MysqlSettings;
  password: string | null;
  /** An open transport: a forwarded SSH channel or our own TCP socket; null = mysql2 connects itself. */
  stream: Duplex | null;
  /** For error wording: a lost connection over SSH is a dropped tunnel. */
  viaSsh: boolean;
  /** Overrides the profile's default database; null = no database. */
  database?: string | null;
  /** Extra mysql2 options for special callers (dump workers: rowsAsArray, dateStrings …). */
  extra?: Partial<MysqlConnectionOptions>;
  connectTimeoutMs?: number;
}

/** One mysql2/promise connection with the profile's TLS and credentials; failures mapped to stable codes. */
export async function openMysql(o: OpenMysqlOptions): Promise<MysqlConnection> {
  const database = o.database === undefined ? o.settings.database : (o.database ?? undefined);
  const options: MysqlConnectionOptions = {
    host: o.settings.host,
    port: o.settings.port,
    user: o.settings.user,
    password: o.password ?? undefined,
    database: database || undefined,
    ssl: tlsOptions(o.settings),
    connectTimeout: o.connectTimeoutMs ?? 15_000,
    ...o.extra,
  };
  if (o.stream) options.stream = o.stream;
  try {
    const conn = await mysql.createConnection(options);
    // Fatal errors arrive as events; without a listener they would crash the process.
    conn.on('error', () => {});
    return conn;
  } catch (err) {
    o.stream?.destroy();
    throw mapMysqlConnectError(err, {
      host: o.settings.host,
      port: o.settings.port,
      user: o.settings.user,
      database: database || undefined,
      viaSsh: o.viaSsh,
    });
  }
}

/** The core connection's socket (to notice its closing) and whether it is closed: see driverInternals.ts. */
export { coreStreamOf as coreStream, isCoreClosed as isClosed } from './driverInternals';

/** Destroy without the QUIT round trip: for connections whose transport may already be gone. */
export function destroyQuietly(conn: MysqlConnection): void {
  try {
    conn.destroy();
  } catch {
    // Already destroyed.
  }
}
