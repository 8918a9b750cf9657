import { createHash } from 'node:crypto';
import net from 'node:net';
import mysql from 'mysql2/promise';

export interface RootAccess {
  host: string;
  port: number;
  rootUser: string;
  rootPassword: string;
}

/**
 * Root login during startup. A fresh datadir's root has no password; when the expected password is refused
 * and the empty one works, this sets the expected one (also after a crash between init and ALTER USER).
 */
export async function loginAndSecureRoot(access: RootAccess): Promise<void> {
  const as = (password: string) =>
    mysql.createConnection({ host: access.host, port: access.port, user: access.rootUser, password, connectTimeout: 2_000 });
  try {
    await (await as(access.rootPassword)).end();
    return;
  } catch (err) {
    if (access.rootPassword === '' || (err as { code?: string }).code !== 'ER_ACCESS_DENIED_ERROR') throw err;
  }
  let conn: mysql.Connection;
  try {
    conn = await as('');
  } catch {
    throw Object.assign(new Error(`Access denied for ${access.rootUser}: the root password is not the expected one.`), {
      code: 'ER_ACCESS_DENIED_ERROR',
    });
  }
  try {
    await setRootPassword(conn, access.rootPassword);
  } finally {
    await conn.end();
  }
}

/**
 * Sets root's password on the loopback accounts and drops root@<hostname>, which --skip-name-resolve
 * makes unreachable (and which ALTER USER then refuses to touch).
 */
async function setRootPassword(conn: mysql.Connection, password: string): Promise<void> {
  const [rows] = await conn.query<mysql.RowDataPacket[]>("SELECT User, Host FROM mysql.user WHERE User = 'root'");
  for (const row of rows) {
    const host = String(row.Host);
    if (host === 'localhost' || host === '%' || net.isIP(host) !== 0) {
      await conn.query('ALTER USER ?@? IDENTIFIED BY ?', [row.User, host, password]);
    } else {
      await conn.query('DROP USER IF EXISTS ?@?', [row.User, host]);
    }
  }
}

/** Errors that mean "the server is still starting": try again shortly. */
export function isNotReadyYet(err: unknown): boolean {
  const code = (err as { code?: string }).code ?? '';
  return [
    'ECONNREFUSED',
    'ECONNRESET',
    'ETIMEDOUT',
    'EPIPE',
    'PROTOCOL_CONNECTION_LOST',
    'ER_SERVER_SHUTDOWN',
    'ER_CON_COUNT_ERROR',
  ].includes(code);
}

/**
 * The mysql_native_password hash of a password ('*' + SHA1(SHA1(password)) in upper-case hex), what the
 * server stores. `ALTER USER … IDENTIFIED BY PASSWORD '<hash>'` sets a password without writing it anywhere.
 */
export function nativePasswordHash(password: string): string {
  const inner = createHash('sha1').update(password, 'utf8').digest();
  return `*${createHash('sha1').update(inner).digest('hex').toUpperCase()}`;
}

/** `--init-file` lines that give every loopback root account this password (used when it was lost). */
export function resetRootPasswordSql(password: string): string {
  const hash = nativePasswordHash(password);
  return ['localhost', '127.0.0.1', '::1']
    .map((host) => `ALTER USER IF EXISTS 'root'@'${host}' IDENTIFIED BY PASSWORD '${hash}';`)
    .join('\n');
}

/**
 * The same for Oracle MySQL, which has no `IDENTIFIED BY PASSWORD '<hash>'` since 8.0: the password itself
 * (base64url, so it needs no escaping) in the 0600 init file that is deleted once the server is up — the
 * sandbox keeps it in a 0600 file of its own anyway (sandboxCredentials.ts).
 */
export function resetRootPasswordSqlMySql(password: string): string {
  if (!/^[A-Za-z0-9_-]+$/.test(password)) throw new Error('A sandbox password is base64url text.');
  return ['localhost', '127.0.0.1']
    .map((host) => `ALTER USER IF EXISTS 'root'@'${host}' IDENTIFIED BY '${password}';`)
    .join('\n');
}
