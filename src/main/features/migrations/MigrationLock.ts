import type { Connection, RowDataPacket } from 'mysql2/promise';
import type { MigrationLockHolder as LockHolder } from '../../../shared/contract/migrations';
import { AppError } from '../../core/AppError';
import { processRows } from './processList';

/** SysNDD's lock name: holding it excludes SysNDD API replicas and other consoles alike. */
export const LOCK_NAME = 'sysndd_migration';

/** Who holds the migration lock right now (one round trip when free, two when held). */
export async function readLockHolder(conn: Connection): Promise<LockHolder | null> {
  const [rows] = await conn.query<RowDataPacket[]>('SELECT IS_USED_LOCK(?) AS holder', [LOCK_NAME]);
  const id = rows[0]?.holder;
  if (id === null || id === undefined) return null;
  const connectionId = Number(id);
  const p = (await processRows(conn, [connectionId])).get(connectionId);
  return {
    connectionId,
    user: p?.user ?? null,
    host: p?.host ?? null,
    db: p?.db ?? null,
    command: p?.command ?? null,
    timeSeconds: p?.timeSeconds ?? null,
    state: p?.state ?? null,
    info: p?.info ?? null,
  };
}

export async function clusterWarning(conn: Connection): Promise<string | null> {
  try {
    const [rows] = await conn.query<RowDataPacket[]>('SELECT @@GLOBAL.wsrep_on AS on_');
    const v = String(rows[0]?.on_ ?? '0').toUpperCase();
    if (v === '1' || v === 'ON') {
      return 'This server is a Galera (wsrep) node: GET_LOCK is node-local, so runners connected to different nodes do not exclude each other. Run migrations against one node only.';
    }
  } catch {
    // MySQL without wsrep has no such variable: not a cluster.
  }
  return null;
}

export function describeHolder(h: LockHolder): string {
  const who = h.user ? `${h.user}@${h.host ?? '?'}` : 'a session this account cannot see (needs PROCESS privilege)';
  const extra = [
    h.command ? `${h.command}` : null,
    h.timeSeconds !== null ? `${h.timeSeconds} s in state` : null,
    h.info ? `running: ${h.info}` : null,
  ]
    .filter(Boolean)
    .join(', ');
  return `connection ${h.connectionId} (${who}${extra ? `; ${extra}` : ''})`;
}

export interface AcquireOptions {
  timeoutSeconds: number;
  signal?: AbortSignal;
  /** Called after each unsuccessful wait slice with the current holder and how long we have waited. */
  onWait?: (holder: LockHolder | null, waitedMs: number) => void;
}

/**
 * Take GET_LOCK('sysndd_migration') on `conn` (a dedicated connection: the lock lives and dies with its
 * session). Waits in one-second slices so the wait can report the holder and be cancelled;
 * cancelling destroys the connection, which also abandons the server-side wait.
 */
export async function acquireMigrationLock(conn: Connection, opts: AcquireOptions): Promise<{ waitedMs: number }> {
  const started = Date.now();
  const deadline = started + Math.max(0, opts.timeoutSeconds) * 1000;
  const onAbort = () => conn.destroy();
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    for (;;) {
      if (opts.signal?.aborted) throw new AppError('CANCELLED', 'Cancelled while waiting for the migration lock.');
      // Whole seconds: MySQL 8 truncates a fractional GET_LOCK timeout (0.4 → 0: no wait), MariaDB does
      // not. So every slice is 1 s, a last partial one rounded up (it still waits on MySQL; the deadline
      // may pass by < 1 s), or 0 (one try) for a zero timeout.
      const slice = deadline - Date.now() > 0 ? 1 : 0;
      let got: unknown;
      try {
        const [rows] = await conn.query<RowDataPacket[]>('SELECT GET_LOCK(?, ?) AS got', [LOCK_NAME, slice]);
        got = rows[0]?.got;
      } catch (err) {
        if (opts.signal?.aborted) throw new AppError('CANCELLED', 'Cancelled while waiting for the migration lock.');
        throw new AppError('DB_QUERY_FAILED', `GET_LOCK('${LOCK_NAME}') failed: ${(err as Error).message}`);
      }
      if (got === null || got === undefined) {
        throw new AppError('DB_QUERY_FAILED', `GET_LOCK('${LOCK_NAME}') returned NULL (server error); not migrating.`);
      }
      if (Number(got) === 1) return { waitedMs: Date.now() - started };
      const holder = await readLockHolder(conn).catch(() => null);
      const waitedMs = Date.now() - started;
      opts.onWait?.(holder, waitedMs);
      if (Date.now() >= deadline) {
        const who = holder ? describeHolder(holder) : 'another session (it released the lock just now; try again)';
        throw new AppError(
          'MIGRATION_LOCK_BUSY',
          `The migration lock '${LOCK_NAME}' is held by ${who}; gave up after ${Math.round(waitedMs / 100) / 10} s. Another runner (a SysNDD API replica or a console) is migrating a database on this server (the lock is server-wide); wait and retry, or raise --lock-timeout.`,
          { holder, waitedMs },
        );
      }
    }
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
  }
}

export async function releaseMigrationLock(conn: Connection): Promise<void> {
  await conn.query('SELECT RELEASE_LOCK(?)', [LOCK_NAME]);
}
