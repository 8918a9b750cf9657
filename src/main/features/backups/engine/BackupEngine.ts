import type { Connection } from 'mysql2/promise';
import type { BackupManifest, BackupTableInfo } from '../../../../shared/contract/backups';
import { serverEngineOf } from '../../../../shared/serverEngine';
import { AppError } from '../../../core/AppError';
import { TOOL_NAME } from '../../../platform/version';
import type { WorkerPool } from '../../../platform/workers/WorkerPool';
import { coreConnectionOf } from '../../connections/mysql/driverInternals';
import { killSessions, threadIdOf } from '../../connections/mysql/killSessions';
import type { AgeRecipients } from '../age/ageHeader';
import { BackupFileWriter } from '../format/BackupFileWriter';
import type { Sealer } from '../format/seal';
import { planTable, quoteIdent } from './columns';
import { createdUnderStrictMode, normalizeTableDdl, objectsText, schemaText, sequenceDdl, tableDdl } from './ddl';
import { createEncoderPool, encoderThreadCount } from './encoderWorker';
import { type Inventory, inventoryWarnings, readInventory, type TableEntry } from './inventory';
import { DUMP_SESSION_SQL, epilogueText, preambleText } from './sessionSql';
import { startSharedSnapshot } from './snapshot';
import { streamTable } from './streamTable';

export interface BackupProgress {
  stage: string;
  rowsDone: number;
  /** information_schema estimates for tables not dumped yet, actual counts for the others. */
  rowsTotal: number;
  bytesWritten: number;
  tablesDone: number;
  tablesTotal: number;
}

export interface RunBackupInput {
  /** Opens a dedicated mysql2/promise connection to the source database (one per worker). */
  openConnection: () => Promise<Connection>;
  database: string;
  profileName: string;
  host: string;
  finalPath: string;
  toolVersion: string;
  compressionLevel: number;
  checksums: boolean;
  workers: number;
  signal: AbortSignal;
  onProgress: (p: BackupProgress) => void;
  log: (level: 'debug' | 'info' | 'warn', message: string) => void;
  /** Raw SQL bytes per gzip member (default 4 MiB) and per INSERT statement (default 1 MiB). */
  /** Signs the manifest (format/seal.ts); without one the backup is written unsealed. */
  sealer?: Sealer | null;
  /** Write an age-encrypted file (format/BackupFileWriter.ts); null or absent: plain. */
  encrypt?: AgeRecipients | null;
  blockLimit?: number;
  statementLimit?: number;
  /**
   * Worker threads that encode rows into INSERT text (issue 16); 0 encodes on this thread. Default: the
   * environment's SYSNDD_ADMIN_BACKUP_ENCODER_THREADS (for A/B benches), else one per connection, at most 2.
   */
  encoderThreads?: number;
  /** Sees the encoder pool once it exists (tests: crash a worker, check that cancel stops them). */
  onEncoderPool?: (pool: WorkerPool) => void;
}

export interface RunBackupResult {
  path: string;
  manifest: BackupManifest;
}

const MAX_IN_FLIGHT = 3;

async function scalar(conn: Connection, sql: string): Promise<unknown> {
  const [rows] = await conn.query({ sql, rowsAsArray: true });
  return (rows as unknown[][])[0]?.[0] ?? null;
}

/**
 * One backup, end to end: snapshot on every worker connection, inventory and DDL inside it, table data
 * streamed as gzip members (largest tables first across workers), objects, DDL re-check, manifest, rename.
 * Any failure or cancellation removes the partial file and closes every connection.
 */
export async function runBackup(input: RunBackupInput): Promise<RunBackupResult> {
  const started = Date.now();
  const createdAt = new Date(started).toISOString();
  const opened: Connection[] = [];
  let writer: BackupFileWriter | null = null;
  let encoderPool: WorkerPool | null = null;
  let destroyed = false;
  const killAll = () => {
    destroyed = true;
    for (const c of opened) c.destroy();
    void encoderPool?.close();
  };
  input.signal.addEventListener('abort', killAll, { once: true });
  try {
    const open = async () => {
      const c = await input.openConnection();
      opened.push(c);
      for (const sql of DUMP_SESSION_SQL) await c.query(sql);
      return c;
    };
    const wanted = Math.max(1, input.workers);
    const conns = [await open()];
    for (let i = 1; i < wanted; i++) conns.push(await open());
    throwIfCancelled(input.signal);
    const lead = conns[0] as Connection;
    const snapshot = await startSharedSnapshot(conns);
    for (const note of snapshot.notes) input.log('warn', note);
    input.log('info', `Snapshot taken (${snapshot.consistency}, ${snapshot.connections.length} connection(s)).`);

    const serverVersion = String(await scalar(lead, 'SELECT VERSION()'));
    const engine = serverEngineOf(serverVersion, String(await scalar(lead, 'SELECT @@version_comment')));
    const castDouble = supportsCastAsDouble(serverVersion);
    const sqlMode = String(await scalar(lead, 'SELECT @@GLOBAL.sql_mode'));
    const maxPacket = Number(await scalar(lead, 'SELECT @@max_allowed_packet'));
    const inv = await readInventory(lead, input.database);
    const schemaVersionHead = await readSchemaVersionHead(lead, inv);
    const warnings = inventoryWarnings(inv);

    const ddl = new Map<string, string>();
    for (const t of inv.tables) ddl.set(t.name, await tableDdl(lead, t.name));
    const strictCreate = new Set<string>();
    for (const [name, text] of ddl)
      if (engine === 'mysql' && (await createdUnderStrictMode(lead, name, text))) strictCreate.add(name);
    const seqDdl = [];
    for (const s of inv.sequences) seqDdl.push({ name: s, ddl: await sequenceDdl(lead, s) });
    const objects = await objectsText(lead, inv);
    warnings.push(...objects.warnings);
    for (const w of warnings) input.log('warn', w);

    writer = await BackupFileWriter.open(input.finalPath, { encrypt: input.encrypt });
    const w = writer;
    const level = input.compressionLevel;
    const preamble = preambleText({
      host: input.host,
      database: input.database,
      serverVersion,
      createdAt,
      toolVersion: input.toolVersion,
      profileName: input.profileName,
    });
    await w.appendMember({ kind: 'preamble' }, Buffer.from(preamble, 'utf8'), level);
    const schema = schemaText(
      inv.tables.map((t) => ({ name: t.name, ddl: ddl.get(t.name) as string, strictCreate: strictCreate.has(t.name) })),
      seqDdl,
    );
    await w.appendMember({ kind: 'schema' }, Buffer.from(schema, 'utf8'), level);

    const threads = encoderThreadCount(input.encoderThreads, snapshot.connections.length);
    if (threads > 0) {
      encoderPool = createEncoderPool(threads);
      input.onEncoderPool?.(encoderPool);
    }
    const tableInfo = await dumpData({
      ...input,
      inv,
      writer: w,
      workers: snapshot.connections,
      maxPacket,
      castDouble,
      lead,
      encoderPool,
    });
    // The rows are all encoded: free the threads before the tail of the backup.
    await encoderPool?.close();
    for (const s of inv.sequences) {
      const next = await scalar(lead, `SELECT next_not_cached_value FROM ${quoteIdent(s)}`);
      const text = `DO SETVAL(${quoteIdent(s)}, ${String(next)}, 0);\n`;
      await w.appendMember({ kind: 'table-data', table: s, chunk: 0, rows: 1 }, Buffer.from(text, 'utf8'), level);
      tableInfo.push({ name: s, rows: 1, rawBytes: text.length, engine: null, checksum: null, type: 'sequence' });
    }
    await w.appendMember({ kind: 'objects' }, Buffer.from(objects.text, 'utf8'), level);
    await w.appendMember({ kind: 'epilogue' }, Buffer.from(epilogueText(), 'utf8'), level);

    // DDL that ran during the dump (the documented hole in --single-transaction) makes this backup unusable.
    for (const t of inv.tables) {
      const now = await tableDdl(lead, t.name).catch(() => '(dropped)');
      if (normalizeTableDdl(now) !== normalizeTableDdl(ddl.get(t.name) as string)) {
        throw new AppError(
          'CONFLICT',
          `Table ${t.name} was altered, renamed or dropped during the backup; run the backup again.`,
        );
      }
    }
    for (const c of snapshot.connections) await c.query('COMMIT');
    throwIfCancelled(input.signal);
    const manifest = await w.finish(
      {
        format: 'sysndd-admin-backup',
        version: 1,
        createdAt,
        tool: { name: TOOL_NAME, version: input.toolVersion },
        source: {
          profileName: input.profileName,
          host: input.host,
          database: input.database,
          serverVersion,
          engine,
          binlog: snapshot.binlog,
          gtid: snapshot.gtid,
          charset: inv.charset,
          collation: inv.collation,
          sqlMode,
          consistency: snapshot.consistency,
        },
        schemaVersionHead,
        tables: tableInfo,
        counts: { tables: inv.tables.length, sequences: inv.sequences.length, ...objects.counts },
        warnings,
        durationMs: Date.now() - started,
      },
      input.sealer,
    );
    return { path: input.finalPath, manifest };
  } catch (err) {
    // Stop every worker at once (a failed table must not let the others stream on), then drop the file.
    const sessions = opened.map(threadIdOf);
    killAll();
    await killOnServer(input, sessions);
    await writer?.abort();
    if (input.signal.aborted) throw new AppError('CANCELLED', 'Backup cancelled; the partial file was removed.');
    throw asAppError(err);
  } finally {
    input.signal.removeEventListener('abort', killAll);
    await encoderPool?.close();
    if (!destroyed) await Promise.all(opened.map(closeGracefully));
  }
}

const KILL_CONNECT_MS = 3_000;

/**
 * A destroyed socket does not stop a session that waits for a metadata lock (a table locked by someone
 * else) or runs a long SELECT: it would linger, holding its snapshot, until it next writes to us.
 */
async function killOnServer(input: RunBackupInput, sessions: number[]): Promise<void> {
  if (sessions.length === 0) return;
  // Bounded: when the server or the tunnel is what failed, cleanup must not hold the job's result back.
  const opening = input.openConnection();
  const control = await Promise.race([
    opening.catch(() => null),
    new Promise<null>((resolve) => setTimeout(resolve, KILL_CONNECT_MS, null).unref()),
  ]);
  if (!control) {
    void opening.then((c) => c.destroy()).catch(() => undefined);
    return;
  }
  try {
    await killSessions(control, sessions);
  } finally {
    await control.end().catch(() => control.destroy());
  }
}

/** Server errors get stable codes; a table changed under the snapshot (ER_TABLE_DEF_CHANGED) is the DDL race. */
function asAppError(err: unknown): unknown {
  if (err instanceof AppError) return err;
  const e = err as { errno?: number; sqlMessage?: string; message?: string };
  if (e.errno === 1412)
    return new AppError('CONFLICT', `A table was altered during the backup (${e.sqlMessage}); run the backup again.`);
  if (e.errno !== undefined && e.sqlMessage)
    return new AppError('DB_QUERY_FAILED', `The server refused a backup query: ${e.sqlMessage}`);
  if (e.message && /closed|ECONNRESET|EPIPE|PROTOCOL_CONNECTION_LOST/i.test(e.message)) {
    return new AppError(
      'TUNNEL_DROPPED',
      `The connection to the server was lost during the backup (${e.message}); the partial file was removed.`,
    );
  }
  return err;
}

/** QUIT politely, but never wait long for it: a backup's end must not hang on a dying connection. */
async function closeGracefully(c: Connection): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, 2000);
  });
  await Promise.race([c.end().catch(() => undefined), timeout]);
  clearTimeout(timer);
  c.destroy();
}

/** CAST(x AS DOUBLE) exists in MariaDB 10.4+ and MySQL 8.0.17+; older servers get `x + 0e0`. */
export function supportsCastAsDouble(version: string): boolean {
  const m = /^(\d+)\.(\d+)\.(\d+)/.exec(version);
  if (!m) return false;
  const [maj, min, patch] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (/mariadb/i.test(version)) return maj > 10 || (maj === 10 && min >= 4);
  return maj > 8 || (maj === 8 && (min > 0 || patch >= 17));
}

function throwIfCancelled(signal: AbortSignal): void {
  if (signal.aborted) throw new AppError('CANCELLED', 'Backup cancelled.');
}

async function readSchemaVersionHead(conn: Connection, inv: Inventory): Promise<string | null> {
  if (!inv.tables.some((t) => t.name === 'schema_version')) return null;
  try {
    const v = await scalar(conn, 'SELECT filename FROM `schema_version` WHERE success = TRUE ORDER BY filename DESC LIMIT 1');
    return v === null ? null : String(v);
  } catch {
    return null;
  }
}

interface DumpDataInput extends Omit<RunBackupInput, 'workers'> {
  inv: Inventory;
  writer: BackupFileWriter;
  workers: Connection[];
  lead: Connection;
  maxPacket: number;
  castDouble: boolean;
  encoderPool: WorkerPool | null;
}

/** Tables, largest first, handed to whichever worker is free; progress and checksums per table. */
async function dumpData(d: DumpDataInput): Promise<BackupTableInfo[]> {
  const queue = [...d.inv.tables].sort((a, b) => b.dataLength - a.dataLength);
  const statementLimit = Math.min(d.statementLimit ?? 1 << 20, Math.max(16 << 10, d.maxPacket - (64 << 10)));
  const blockLimit = d.blockLimit ?? 4 << 20;
  const info = new Map<string, BackupTableInfo>();
  const live = new Map<string, number>();
  let rowsOfDone = 0;
  let tablesDone = 0;
  let lastReport = 0;
  const estimate = (t: TableEntry) => Math.max(0, t.estimatedRows);
  const report = (stage: string, force = false) => {
    const now = Date.now();
    if (!force && now - lastReport < 200) return;
    lastReport = now;
    let rowsTotal = rowsOfDone;
    let rowsDone = rowsOfDone;
    for (const t of d.inv.tables) {
      if (info.has(t.name)) continue;
      const r = live.get(t.name);
      rowsTotal += r === undefined ? estimate(t) : Math.max(estimate(t), r + 1);
      rowsDone += r ?? 0;
    }
    d.onProgress({
      stage,
      rowsDone,
      rowsTotal,
      bytesWritten: d.writer.bytesWritten,
      tablesDone,
      tablesTotal: d.inv.tables.length,
    });
  };
  report('dumping tables', true);
  const worker = async (conn: Connection) => {
    for (let t = queue.shift(); t; t = queue.shift()) {
      throwIfCancelled(d.signal);
      const table = t;
      const started = Date.now();
      live.set(table.name, 0);
      const plan = planTable(table.name, table.columns, d.castDouble);
      const result = await streamTable({
        conn: coreConnectionOf(conn),
        plan,
        statementLimit,
        blockLimit,
        maxInFlight: MAX_IN_FLIGHT,
        signal: d.signal,
        encoderPool: d.encoderPool,
        sink: (block, rows, chunk) =>
          d.writer.appendMember({ kind: 'table-data', table: table.name, chunk, rows }, block, d.compressionLevel),
        onRows: (rows) => {
          live.set(table.name, rows);
          report(`table ${table.name}`);
        },
      });
      let checksum: string | null = null;
      if (d.checksums) {
        const [rows] = await conn.query({
          sql: `CHECKSUM TABLE ${quoteIdent(table.name)}`,
          rowsAsArray: true,
          supportBigNumbers: true,
          bigNumberStrings: true,
        });
        const value = (rows as unknown[][])[0]?.[1];
        checksum = value === null || value === undefined ? null : String(value);
      }
      live.delete(table.name);
      info.set(table.name, {
        name: table.name,
        rows: result.rows,
        rawBytes: result.rawBytes,
        engine: table.engine,
        checksum,
        type: 'table',
      });
      rowsOfDone += result.rows;
      tablesDone++;
      d.log('info', `table ${table.name}: ${result.rows} rows, ${result.rawBytes} bytes of SQL in ${Date.now() - started} ms`);
      report(`table ${table.name} done`, true);
    }
  };
  await Promise.all(d.workers.map((c) => worker(c)));
  // Manifest order = definition order, not dump order.
  return d.inv.tables.map((t) => info.get(t.name) as BackupTableInfo);
}
