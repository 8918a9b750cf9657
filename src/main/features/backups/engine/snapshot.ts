import type { Connection } from 'mysql2/promise';

export type Consistency = 'single-snapshot' | 'global-lock' | 'binlog-verified';

export interface SnapshotResult {
  /** The connections that share one snapshot (workers whose snapshot could not be proven equal are dropped). */
  connections: Connection[];
  consistency: Consistency;
  binlog: { file: string; position: number } | null;
  gtid: string | null;
  notes: string[];
}

type Row = Record<string, unknown>;

async function first(conn: Connection, sql: string): Promise<Row | null> {
  const [result] = await conn.query(sql);
  return (result as Row[])[0] ?? null;
}

/** MariaDB reports the binlog position matching a consistent snapshot in session status (no lock needed). */
async function snapshotPosition(conn: Connection): Promise<{ file: string; position: number } | null> {
  try {
    const [result] = await conn.query("SHOW SESSION STATUS LIKE 'binlog_snapshot_%'");
    const status = new Map((result as Row[]).map((r) => [String(r.Variable_name).toLowerCase(), String(r.Value)]));
    const file = status.get('binlog_snapshot_file');
    const position = Number(status.get('binlog_snapshot_position'));
    if (file && Number.isFinite(position)) return { file, position };
  } catch {
    // MySQL has no such status; fall through.
  }
  return null;
}

async function masterStatus(conn: Connection): Promise<{ file: string; position: number } | null> {
  for (const sql of ['SHOW BINARY LOG STATUS', 'SHOW MASTER STATUS']) {
    try {
      const row = await first(conn, sql);
      if (row?.File) return { file: String(row.File), position: Number(row.Position) };
      return null;
    } catch {
      // Older/newer syntax or no privilege: try the other, else unknown.
    }
  }
  return null;
}

async function gtidPosition(conn: Connection): Promise<string | null> {
  for (const sql of ['SELECT @@GLOBAL.gtid_current_pos AS g', 'SELECT @@GLOBAL.gtid_executed AS g']) {
    try {
      const row = await first(conn, sql);
      const g = row?.g;
      if (g !== null && g !== undefined) return String(g) || null;
    } catch {
      // Variable of the other vendor.
    }
  }
  return null;
}

const START = 'START TRANSACTION WITH CONSISTENT SNAPSHOT';

/**
 * One snapshot shared by every worker connection ("taken together").
 * - one connection: a single consistent snapshot; MariaDB gives the matching binlog position without any lock;
 * - several: a brief FLUSH TABLES WITH READ LOCK (if the account has RELOAD and it is granted within
 *   `lockWaitSeconds`) while every worker starts its snapshot, released at once (global-lock);
 *   without it, the workers start together and their binlog snapshot positions are compared (binlog-verified);
 *   when that cannot be proven, only the first connection is kept (single-snapshot), never a mixed dump.
 */
export async function startSharedSnapshot(conns: Connection[], lockWaitSeconds = 10): Promise<SnapshotResult> {
  const [lead] = conns;
  if (!lead) throw new Error('no connection');
  const notes: string[] = [];
  if (conns.length === 1) {
    await lead.query(START);
    const binlog = (await snapshotPosition(lead)) ?? (await masterStatus(lead));
    return { connections: conns, consistency: 'single-snapshot', binlog, gtid: await gtidPosition(lead), notes };
  }
  let locked = false;
  try {
    await lead.query(`SET SESSION lock_wait_timeout = ${Math.max(1, Math.floor(lockWaitSeconds))}`);
    await lead.query('FLUSH TABLES WITH READ LOCK');
    locked = true;
  } catch (err) {
    notes.push(`No global read lock (${(err as Error).message.slice(0, 120)}); comparing snapshot positions instead.`);
  }
  if (locked) {
    try {
      await Promise.all(conns.map((c) => c.query(START)));
      const binlog = (await snapshotPosition(lead)) ?? (await masterStatus(lead));
      const gtid = await gtidPosition(lead);
      return { connections: conns, consistency: 'global-lock', binlog, gtid, notes };
    } finally {
      await lead.query('UNLOCK TABLES');
    }
  }
  await Promise.all(conns.map((c) => c.query(START)));
  const positions = await Promise.all(conns.map(snapshotPosition));
  const [p0] = positions;
  if (p0 && p0.position > 0 && positions.every((p) => p && p.file === p0.file && p.position === p0.position)) {
    return { connections: conns, consistency: 'binlog-verified', binlog: p0, gtid: await gtidPosition(lead), notes };
  }
  notes.push('The workers could not be proven to share one snapshot (no binary log to compare); dumping with one connection.');
  for (const c of conns.slice(1)) await c.query('ROLLBACK').catch(() => undefined);
  return {
    connections: [lead],
    consistency: 'single-snapshot',
    binlog: p0 ?? (await masterStatus(lead)),
    gtid: await gtidPosition(lead),
    notes,
  };
}
