import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { AppError } from '../core/AppError';
import { installDbArgs, type ServerTuning } from './mariadbArgs';
import type { MariaDbBinaries } from './mariadbBinaries';

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
  binaries: MariaDbBinaries,
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
export async function ensureTemplateDataDir(dir: string, binaries: MariaDbBinaries, tuning: ServerTuning): Promise<string> {
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

async function runInstallDb(binaries: MariaDbBinaries, dataDir: string, tuning: ServerTuning): Promise<void> {
  fs.rmSync(dataDir, { recursive: true, force: true });
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
