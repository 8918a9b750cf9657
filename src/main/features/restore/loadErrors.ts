import type { ErrorCode } from '../../../shared/errors';
import { AppError } from '../../core/AppError';

/**
 * Server errors of a restore's load that a person can act on get their own code instead of the generic
 * RESTORE_FAILED: a storage engine this server does not have (or that a restore refuses), and a full disk
 * on the server. The table is keyed by the server's error number (stable across MariaDB and MySQL
 * versions, unlike the message text).
 */
interface Known {
  code: ErrorCode;
  /** What to do about it; the server's own words are kept in front of it. */
  advice: string;
}

const ENGINE_ADVICE = 'Change the table to ENGINE=InnoDB in the dump (or install the engine on this server), then restore again.';
const SERVER_DISK_ADVICE = "Free space on the database server's disk (or raise the table's size limit), then restore again.";

export const LOAD_ERRNO: ReadonlyMap<number, Known> = new Map<number, Known>([
  // ER_UNKNOWN_STORAGE_ENGINE: `ENGINE=X` for an engine this server lacks (with NO_ENGINE_SUBSTITUTION).
  [1286, { code: 'RESTORE_UNSUPPORTED_ENGINE', advice: ENGINE_ADVICE }],
  // ER_FEATURE_DISABLED: e.g. partitioning or an engine compiled out of this build.
  [1289, { code: 'RESTORE_UNSUPPORTED_ENGINE', advice: ENGINE_ADVICE }],
  // ER_ILLEGAL_HA_CREATE_OPTION: a table option the chosen engine does not support.
  [1478, { code: 'RESTORE_UNSUPPORTED_ENGINE', advice: ENGINE_ADVICE }],
  // ER_WRONG_MRG_TABLE: a MERGE table over tables that are missing or not MyISAM.
  [1168, { code: 'RESTORE_UNSUPPORTED_ENGINE', advice: `MERGE tables are not restored. ${ENGINE_ADVICE}` }],
  // ER_RECORD_FILE_FULL ("The table … is full") and ER_DISK_FULL: the server's disk or tablespace.
  [1114, { code: 'DISK_FULL', advice: SERVER_DISK_ADVICE }],
  [1021, { code: 'DISK_FULL', advice: SERVER_DISK_ADVICE }],
]);

/**
 * The specific failure for a load error, or null when the generic one applies. `statementHead` is the
 * start of the failing statement, as the generic message shows it.
 */
export function mapLoadError(
  err: { errno?: number; sqlMessage?: string; message?: string; code?: string },
  statementHead: string,
): AppError | null {
  const known = err.errno === undefined ? undefined : LOAD_ERRNO.get(err.errno);
  if (!known) return null;
  const words = err.sqlMessage ?? err.message ?? '';
  return new AppError(
    known.code,
    `Loading into the shadow schema failed: ${words} (error ${err.errno}), while running "${statementHead}…". Nothing was swapped. ${known.advice}`,
    { errno: err.errno, code: err.code ?? null },
  );
}

/**
 * Engines a restore refuses even when the server has them: a MERGE table names its underlying tables by
 * path (after the swap it would point into the dropped shadow schema, or into another database), and
 * FEDERATED / CONNECT / SPIDER tables reach other servers or files. Checked on what the server actually
 * created in the shadow schema, not on the file's text.
 */
const REFUSED_ENGINES = new Set(['MRG_MYISAM', 'MERGE', 'FEDERATED', 'FEDERATEDX', 'CONNECT', 'SPIDER']);

export function refuseUnsupportedEngines(tables: ReadonlyArray<{ name: string; engine: string | null }>): void {
  const bad = tables.filter((t) => t.engine !== null && REFUSED_ENGINES.has(t.engine.toUpperCase()));
  if (!bad.length) return;
  throw new AppError(
    'RESTORE_UNSUPPORTED_ENGINE',
    `The file creates ${bad.map((t) => `${t.name} (ENGINE=${t.engine})`).join(', ')}: MERGE, FEDERATED, CONNECT and SPIDER tables are not restored (they point at tables or servers outside the restored database). Nothing was swapped. ${ENGINE_ADVICE}`,
    { tables: bad.map((t) => ({ name: t.name, engine: t.engine })) },
  );
}
