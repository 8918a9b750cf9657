import path from 'node:path';
import type { SandboxEngine } from '../../../shared/contract/sandbox';
import { findMariaDbBinaries, MARIADB_INSTALL_HINT } from './mariadbBinaries';
import type { ServerBinaries } from './mariadbDataDir';
import { findMySqlBinaries, MYSQL_INSTALL_HINT } from './mysqlBinaries';

/**
 * What differs between a MariaDB and a MySQL sandbox. Each engine has its own folder (a datadir of one
 * cannot be opened by the other), its own profile and its own password; both may run at once.
 */
export interface SandboxEngineLayout {
  engine: SandboxEngine;
  /** "MariaDB" / "MySQL", for messages. */
  label: string;
  /** Under the app home: `sandbox` (the folder earlier versions used for MariaDB) or `sandbox-mysql`. */
  dirName: string;
  profileName: string;
  /** The sandbox database's collation: what production of that engine uses. */
  collation: string;
  installHint: string;
  findBinaries(): ServerBinaries | null;
}

export const SANDBOX_ENGINES: readonly SandboxEngine[] = ['mariadb', 'mysql'];

const LAYOUTS: Record<SandboxEngine, SandboxEngineLayout> = {
  mariadb: {
    engine: 'mariadb',
    label: 'MariaDB',
    dirName: 'sandbox',
    profileName: 'Local sandbox',
    collation: 'utf8mb4_general_ci',
    installHint: MARIADB_INSTALL_HINT,
    findBinaries: findMariaDbBinaries,
  },
  mysql: {
    engine: 'mysql',
    label: 'MySQL',
    dirName: 'sandbox-mysql',
    profileName: 'Local MySQL sandbox',
    // SysNDD production (MySQL 8) and its migrations use the 0900 collations.
    collation: 'utf8mb4_0900_ai_ci',
    installHint: MYSQL_INSTALL_HINT,
    findBinaries: findMySqlBinaries,
  },
};

export function sandboxLayout(engine: SandboxEngine): SandboxEngineLayout {
  return LAYOUTS[engine];
}

export function sandboxDir(home: string, engine: SandboxEngine): string {
  return path.join(home, LAYOUTS[engine].dirName);
}

/** Why an engine cannot run here (what to install or set), or null when its binaries were found. */
export function unavailableReason(engine: SandboxEngine): string | null {
  const layout = LAYOUTS[engine];
  return layout.findBinaries() ? null : `${layout.label} server binaries were not found. ${layout.installHint}`;
}
