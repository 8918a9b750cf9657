import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { AppError } from '../../core/AppError';
import { installDbArgs, type ServerTuning } from './mariadbArgs';
import type { MariaDbBinaries } from './mariadbBinaries';
import { MYSQL_LOOPBACK_ROOT_SQL, mysqlInitializeArgs } from './mysqlArgs';
import type { MySqlBinaries } from './mysqlBinaries';

/** Either engine's binaries: MySqlBinaries carries `engine: 'mysql'`. */
export type ServerBinaries = MariaDbBinaries | MySqlBinaries;

export function isMySqlBinaries(binaries: ServerBinaries): binaries is MySqlBinaries {
  return 'engine' in binaries && binaries.engine === 'mysql';
}

const execFileAsync = promisify(execFile);

/** True once the folder holds MariaDB's system tables. */
export function hasSystemTables(dataDir: string): boolean {
  return fs.existsSync(path.join(dataDir, 'mysql'));
}

/**
 * Creates a datadir: a copy of `templateDir` when one is given and initialised, else mariadb-install-db.
 * Built next to the final place and renamed, so a crash mid-way never leaves a half-made datadir; refuses a
 * non-empty folder without system tables rather than guess what it holds.
 */
export async function createDataDir(
  dataDir: string,
  binaries: ServerBinaries,
  tuning: ServerTuning,
  templateDir?: string,
): Promise<void> {
  if (fs.existsSync(dataDir) && fs.readdirSync(dataDir).length > 0) {
    throw new AppError(
      'PRECONDITION_FAILED',
      `The MariaDB data folder ${dataDir} is not empty but has no system tables; move it away and start again.`,
    );
  }
  const staging = `${dataDir}.init`;
  if (templateDir && hasSystemTables(templateDir)) {
    fs.rmSync(staging, { recursive: true, force: true });
    fs.cpSync(templateDir, staging, { recursive: true });
  } else {
    await runInstallDb(binaries, staging, tuning);
  }
  fs.rmSync(dataDir, { recursive: true, force: true });
  fs.renameSync(staging, dataDir);
}

/** Makes (once) an initialised datadir at `dir` for `createDataDir` to copy; parallel callers never see half of one. */
export async function ensureTemplateDataDir(dir: string, binaries: ServerBinaries, tuning: ServerTuning): Promise<string> {
  if (hasSystemTables(dir)) return dir;
  const staging = `${dir}.${process.pid}.tmp`;
  await runInstallDb(binaries, staging, tuning);
  try {
    fs.renameSync(staging, dir);
  } catch {
    // Someone else finished first; theirs is as good as ours.
    fs.rmSync(staging, { recursive: true, force: true });
  }
  return dir;
}

async function runInstallDb(binaries: ServerBinaries, dataDir: string, tuning: ServerTuning): Promise<void> {
  fs.rmSync(dataDir, { recursive: true, force: true });
  if (isMySqlBinaries(binaries)) return runMySqlInitialize(binaries, dataDir, tuning);
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  try {
    await execFileAsync(binaries.installDb, installDbArgs(dataDir, tuning), { timeout: 120_000, maxBuffer: 4 * 1024 * 1024 });
  } catch (err) {
    fs.rmSync(dataDir, { recursive: true, force: true });
    const e = err as { stderr?: string; stdout?: string; message: string };
    const output = `${e.stderr ?? ''}\n${e.stdout ?? ''}`.trim().split('\n').slice(-15).join('\n');
    throw new AppError('INTERNAL', `mariadb-install-db failed: ${e.message.split('\n')[0]}\n${output}`);
  }
}

/**
 * `mysqld --initialize-insecure` (3–10 s): it wants to create the datadir itself, and writes its log and
 * init file next to it so nothing of them ends up in a template that is copied later.
 */
async function runMySqlInitialize(binaries: MySqlBinaries, dataDir: string, tuning: ServerTuning): Promise<void> {
  const errorLog = `${dataDir}.init.log`;
  const initFile = `${dataDir}.init.sql`;
  fs.mkdirSync(path.dirname(dataDir), { recursive: true });
  fs.writeFileSync(initFile, `${MYSQL_LOOPBACK_ROOT_SQL}\n`, { mode: 0o600 });
  try {
    const args = mysqlInitializeArgs(binaries, dataDir, errorLog, initFile, tuning);
    await execFileAsync(binaries.mysqld.command, args, { timeout: 180_000, maxBuffer: 4 * 1024 * 1024 });
  } catch (err) {
    fs.rmSync(dataDir, { recursive: true, force: true });
    let log = '';
    try {
      log = fs.readFileSync(errorLog, 'utf8').trimEnd().split('\n').slice(-15).join('\n');
    } catch {
      // No log written.
    }
    throw new AppError('INTERNAL', `mysqld --initialize-insecure failed: ${(err as Error).message.split('\n')[0]}\n${log}`);
  } finally {
    fs.rmSync(initFile, { force: true });
    fs.rmSync(errorLog, { force: true });
  }
}
