import { createHash, randomBytes } from 'node:crypto';
import type { RowDataPacket } from 'mysql2/promise';
import { AppError } from '../../../core/AppError';
import type { DbConnection } from '../connect';

/**
 * The temporary account a restore loads the file with. Its only grants are on the shadow schema, so the
 * server itself refuses anything in the file that reaches further (another schema, mysql.*, SET GLOBAL,
 * FILE, accounts) — whatever the statement classifier missed. Named after the run, so the next start's
 * leftover cleanup can tell a crashed run's account from a running one; dropped when the load and the
 * object rehearsal are done.
 */
export const LOAD_ACCOUNT_PREFIX = 'sysndd_rst_';

export interface LoadAccount {
  user: string;
  host: string;
  password: string;
}

export function loadAccountName(runId: string): string {
  return `${LOAD_ACCOUNT_PREFIX}${createHash('sha256').update(runId).digest('hex').slice(0, 12)}`;
}

/** A database name as a GRANT pattern: `_` and `%` are wildcards there, so they are escaped. */
export function grantPattern(database: string): string {
  return `\`${database.replace(/`/g, '``').replace(/([_%\\])/g, '\\$1')}\``;
}

type Row = RowDataPacket & Record<string, unknown>;

/**
 * Create the account, granted everything on the shadow schema and nothing else. The host is the one the
 * server sees this client as (USER()), so the account matches exactly this client's connections.
 */
export async function createLoadAccount(control: DbConnection, runId: string, shadow: string): Promise<LoadAccount> {
  const [who] = await control.query<Row[]>('SELECT USER() AS u');
  const seen = String(who[0]?.u ?? '');
  const host = seen.includes('@') ? seen.slice(seen.lastIndexOf('@') + 1) : '%';
  const account: LoadAccount = { user: loadAccountName(runId), host, password: randomBytes(18).toString('base64url') };
  try {
    await control.query('CREATE USER ?@? IDENTIFIED BY ?', [account.user, account.host, account.password]);
    await control.query(`GRANT ALL PRIVILEGES ON ${grantPattern(shadow)}.* TO ?@?`, [account.user, account.host]);
  } catch (err) {
    await dropLoadAccount(control, account).catch(() => undefined);
    const e = err as { sqlMessage?: string; message?: string };
    throw new AppError(
      'RESTORE_CONFINEMENT_UNAVAILABLE',
      `Could not create the temporary load account (${e.sqlMessage ?? e.message}). ${WAYS_OUT} Nothing was changed.`,
    );
  }
  return account;
}

export const WAYS_OUT =
  'Grant the restoring account CREATE USER and GRANT OPTION (GRANT CREATE USER ON *.* TO … WITH GRANT OPTION), or accept parser-only confinement (CLI --parser-only-confinement; in the wizard "Without a temporary load account"), which is audited.';

export async function dropLoadAccount(conn: DbConnection, account: Pick<LoadAccount, 'user' | 'host'>): Promise<void> {
  await conn.query('DROP USER IF EXISTS ?@?', [account.user, account.host]);
}

/** Every load account on the server except `keep` (accounts of runs still in progress); null when mysql.user is not readable. */
export async function dropLeftoverLoadAccounts(conn: DbConnection, keep: ReadonlySet<string>): Promise<string[] | null> {
  let found: Row[];
  try {
    [found] = await conn.query<Row[]>('SELECT User AS u, Host AS h FROM mysql.user WHERE User LIKE ?', [
      `${LOAD_ACCOUNT_PREFIX.replace(/_/g, '\\_')}%`,
    ]);
  } catch {
    return null;
  }
  const dropped: string[] = [];
  for (const r of found) {
    const user = String(r.u);
    if (keep.has(user)) continue;
    await dropLoadAccount(conn, { user, host: String(r.h) });
    dropped.push(`${user}@${String(r.h)}`);
  }
  return dropped;
}

/** The account a connection really authenticated as must be the load account (not an anonymous or wider match). */
export async function assertLoadAccount(conn: DbConnection, account: LoadAccount): Promise<void> {
  const [r] = await conn.query<Row[]>('SELECT CURRENT_USER() AS u');
  const current = String(r[0]?.u ?? '');
  if (current !== `${account.user}@${account.host}`)
    throw new AppError(
      'RESTORE_CONFINEMENT_UNAVAILABLE',
      `The load connection authenticated as ${current}, not as the temporary account ${account.user}@${account.host}; refusing to load.`,
    );
}

/**
 * Every schema on the server but `db`, lower-cased, system schemas included (they exist on every server):
 * what an object body of a restored file, or of a test-restored backup, may not name.
 */
export async function otherSchemas(conn: DbConnection, db: string): Promise<Set<string>> {
  const [r] = await conn.query<Row[]>('SELECT SCHEMA_NAME AS n FROM information_schema.SCHEMATA');
  const set = new Set(['mysql', 'information_schema', 'performance_schema', 'sys']);
  for (const x of r) set.add(String(x.n).toLowerCase());
  set.delete(db.toLowerCase());
  return set;
}
