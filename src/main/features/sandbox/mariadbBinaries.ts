import path from 'node:path';
import { AppError } from '../../core/AppError';
import { findExecutable } from './processTools';

export interface MariaDbBinaries {
  /** The server (`mariadbd`, or `mysqld` on older installs). */
  mariadbd: string;
  /** Creates the system tables in an empty data folder. */
  installDb: string;
}

// sbin is often missing from a desktop user's PATH; Homebrew and tarball installs live elsewhere.
const EXTRA_DIRS = [
  '/usr/sbin',
  '/usr/local/sbin',
  '/usr/local/bin',
  '/opt/homebrew/sbin',
  '/opt/homebrew/bin',
  '/usr/local/mysql/bin',
];

export const MARIADB_INSTALL_HINT =
  'Install the MariaDB server package (Debian/Ubuntu: `sudo apt-get install mariadb-server`; macOS: `brew install mariadb`), ' +
  'or set SYSNDD_ADMIN_MARIADB_BIN to the folder holding mariadbd and mariadb-install-db.';

/**
 * Locates the MariaDB server binaries without running anything. SYSNDD_ADMIN_MARIADB_BIN (a folder) wins
 * so a tarball install can be used. Windows is not supported: its install tool takes different options.
 */
export function findMariaDbBinaries(): MariaDbBinaries | null {
  if (process.platform === 'win32') return null;
  const override = process.env.SYSNDD_ADMIN_MARIADB_BIN;
  const dirs = override ? [path.resolve(override)] : EXTRA_DIRS;
  // With an override only that folder counts: a stray mariadbd elsewhere in PATH must not be picked instead.
  const find = (names: string[]) => findExecutable(names, dirs, !override);
  const mariadbd = find(['mariadbd', 'mysqld']);
  const installDb = find(['mariadb-install-db', 'mysql_install_db']);
  return mariadbd && installDb ? { mariadbd, installDb } : null;
}

/** The binaries, or an UNSUPPORTED error that says what to install. */
export function requireMariaDbBinaries(): MariaDbBinaries {
  const found = findMariaDbBinaries();
  if (!found) {
    throw new AppError(
      'UNSUPPORTED',
      `MariaDB server binaries (mariadbd, mariadb-install-db) were not found. ${MARIADB_INSTALL_HINT}`,
    );
  }
  return found;
}
