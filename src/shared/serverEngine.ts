/** Which server family a database runs: what a backup came from, what a restore goes into. */
export type ServerEngine = 'mariadb' | 'mysql';

/**
 * The engine a server version string names. MariaDB always says so ("10.11.19-MariaDB-0+deb12u1", also in
 * mariadb-dump's "-- Server version" header); Oracle MySQL's ("8.0.36", "9.7.4-2") does not, and
 * `versionComment` (@@version_comment) settles a MariaDB built with an unusual suffix.
 */
export function serverEngineOf(version: string, versionComment = ''): ServerEngine {
  return /mariadb/i.test(`${version} ${versionComment}`) ? 'mariadb' : 'mysql';
}
