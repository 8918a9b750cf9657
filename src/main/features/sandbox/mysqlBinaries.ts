import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AppError } from '../../core/AppError';
import { findExecutable } from './processTools';

/**
 * Oracle MySQL server and client binaries. Debian 12 ships no MySQL, so the test suite (and a developer who
 * wants a MySQL sandbox) uses a Debian sid root made by `debootstrap` (scripts/pretest.mjs builds it): its
 * binaries run on the host without chroot through that root's own dynamic loader, which is what a
 * `Launcher` captures. A plain install (`mysqld` on PATH, or SYSNDD_ADMIN_MYSQLD_BIN) runs directly.
 */

/** A program and the arguments that go before its own (the loader and its library path, or nothing). */
export interface Launcher {
  command: string;
  args: string[];
}

export interface MySqlBinaries {
  engine: 'mysql';
  mysqld: Launcher;
  /** Options every mysqld call needs (basedir, messages, charsets, plugins of a debootstrapped root). */
  serverBaseArgs: string[];
  /** The `mysql` client and `mysqldump`, when present (tests and benches use them; the product does not). */
  mysql: Launcher | null;
  mysqldump: Launcher | null;
  /** The server binary itself: identifies the version (a template datadir is keyed by it). */
  serverBinary: string;
}

export const MYSQL_INSTALL_HINT =
  'Build the MySQL root with `sudo node scripts/pretest.mjs` (Debian/Ubuntu: debootstrap of Debian sid with mysql-server-core), ' +
  'set SYSNDD_ADMIN_MYSQL_ROOT to such a root, or SYSNDD_ADMIN_MYSQLD_BIN to a mysqld binary (MySQL 8.0 or later).';

/** Where scripts/pretest.mjs builds the debootstrapped root (outside the repository, reused across runs). */
export function defaultMySqlRoot(): string {
  if (process.env.SYSNDD_ADMIN_MYSQL_ROOT) return path.resolve(process.env.SYSNDD_ADMIN_MYSQL_ROOT);
  const system = '/var/cache/sysndd-admin/mysql-root';
  const cache = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  const user = path.join(cache, 'sysndd-admin', 'mysql-root');
  // Root builds the system-wide one; anyone may use it once it exists (it is world-readable).
  if (process.getuid?.() === 0 || isExecutable(path.join(system, 'usr/sbin/mysqld'))) return system;
  return user;
}

const LOADER = 'usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2';

/** The binaries of a debootstrapped root run through its loader, or null when `root` holds none. */
export function mySqlBinariesFromRoot(root: string): MySqlBinaries | null {
  const loader = path.join(root, LOADER);
  const mysqld = path.join(root, 'usr/sbin/mysqld');
  if (!isExecutable(loader) || !isExecutable(mysqld)) return null;
  const libraryPath = [path.join(root, 'usr/lib/x86_64-linux-gnu'), path.join(root, 'lib/x86_64-linux-gnu')].join(':');
  const through = (binary: string): Launcher | null =>
    isExecutable(binary) ? { command: loader, args: ['--library-path', libraryPath, binary] } : null;
  return {
    engine: 'mysql',
    mysqld: { command: loader, args: ['--library-path', libraryPath, mysqld] },
    serverBaseArgs: [
      `--basedir=${path.join(root, 'usr')}`,
      `--lc-messages-dir=${path.join(root, 'usr/share/mysql')}`,
      `--character-sets-dir=${path.join(root, 'usr/share/mysql/charsets')}`,
      `--plugin-dir=${path.join(root, 'usr/lib/mysql/plugin')}`,
    ],
    mysql: through(path.join(root, 'usr/bin/mysql')),
    mysqldump: through(path.join(root, 'usr/bin/mysqldump')),
    serverBinary: mysqld,
  };
}

/**
 * SYSNDD_ADMIN_MYSQLD_BIN (a mysqld binary) wins, then the debootstrapped root, then nothing: a `mysqld`
 * on PATH is usually MariaDB's compatibility link, so it is never picked by guessing.
 */
export function findMySqlBinaries(): MySqlBinaries | null {
  if (process.platform !== 'linux') return null;
  const explicit = process.env.SYSNDD_ADMIN_MYSQLD_BIN;
  if (explicit) {
    const mysqld = path.resolve(explicit);
    if (!isExecutable(mysqld)) return null;
    const dirs = [path.dirname(mysqld), path.join(path.dirname(mysqld), '../bin')];
    const client = (name: string): Launcher | null => {
      const found = findExecutable([name], dirs, false);
      return found ? { command: found, args: [] } : null;
    };
    return {
      engine: 'mysql',
      mysqld: { command: mysqld, args: [] },
      serverBaseArgs: [],
      mysql: client('mysql'),
      mysqldump: client('mysqldump'),
      serverBinary: mysqld,
    };
  }
  return mySqlBinariesFromRoot(defaultMySqlRoot());
}

export function requireMySqlBinaries(): MySqlBinaries {
  const found = findMySqlBinaries();
  if (!found) throw new AppError('UNSUPPORTED', `MySQL server binaries were not found. ${MYSQL_INSTALL_HINT}`);
  return found;
}

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}
