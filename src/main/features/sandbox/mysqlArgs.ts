import type { ServerPaths, ServerTuning } from './mariadbArgs';
import { innodbArgs as mariadbInnodbArgs, userArgs } from './mariadbArgs';
import type { MySqlBinaries } from './mysqlBinaries';

/**
 * Command lines for Oracle MySQL (8.0.30 and later). Same shape as mariadbArgs: `--no-defaults` first (else
 * mysqld reads the host's /etc/mysql/my.cnf, which on a MariaDB machine holds MariaDB-only options).
 */

// innodb_log_file_size is deprecated since 8.0.30; the smallest redo keeps the template datadir small.
const innodbArgs = (tuning: ServerTuning) => mariadbInnodbArgs(tuning, '--innodb-redo-log-capacity=8M');

/**
 * `mysqld --initialize-insecure`: root@localhost without a password. `initFile` must create a root account
 * reachable over loopback TCP (root@localhost only matches the socket under --skip-name-resolve).
 */
export function mysqlInitializeArgs(
  binaries: MySqlBinaries,
  dataDir: string,
  errorLog: string,
  initFile: string,
  tuning: ServerTuning,
): string[] {
  return [
    ...binaries.mysqld.args,
    '--no-defaults',
    ...binaries.serverBaseArgs,
    `--datadir=${dataDir}`,
    ...userArgs(),
    '--initialize-insecure',
    `--init-file=${initFile}`,
    `--log-error=${errorLog}`,
    ...innodbArgs(tuning),
  ];
}

/** Statements run once by --initialize: root@127.0.0.1 like root@localhost (password set on first start). */
export const MYSQL_LOOPBACK_ROOT_SQL = [
  "CREATE USER 'root'@'127.0.0.1' IDENTIFIED BY '';",
  "GRANT ALL PRIVILEGES ON *.* TO 'root'@'127.0.0.1' WITH GRANT OPTION;",
  "GRANT PROXY ON ''@'' TO 'root'@'127.0.0.1' WITH GRANT OPTION;",
].join('\n');

export function mysqlServerArgs(
  binaries: MySqlBinaries,
  paths: ServerPaths,
  port: number,
  binlog: boolean,
  tuning: ServerTuning,
  extra: string[],
): string[] {
  return [
    ...binaries.mysqld.args,
    '--no-defaults',
    ...binaries.serverBaseArgs,
    `--datadir=${paths.dataDir}`,
    `--socket=${paths.socketPath}`,
    `--port=${port}`,
    '--bind-address=127.0.0.1',
    // The X protocol would listen on 33060 of every interface: one private server at a time otherwise.
    '--mysqlx=OFF',
    ...userArgs(),
    `--pid-file=${paths.pidFile}`,
    `--log-error=${paths.errorLog}`,
    `--tmpdir=${paths.tmpDir}`,
    // The compiled-in /var/lib/mysql-files does not exist here; LOAD DATA / SELECT INTO OUTFILE stay in tmp.
    `--secure-file-priv=${paths.tmpDir}`,
    '--skip-name-resolve',
    // MySQL 8's own defaults (what SysNDD production runs), spelled out so nothing depends on a build.
    '--character-set-server=utf8mb4',
    '--collation-server=utf8mb4_0900_ai_ci',
    '--max-allowed-packet=64M',
    '--max-connect-errors=1000000000',
    '--event-scheduler=OFF',
    // ~200 MB less memory and a faster start; the product never reads performance_schema.
    '--performance-schema=OFF',
    ...(binlog ? ['--log-bin=mysql-bin', '--server-id=1', '--log-bin-trust-function-creators=1'] : ['--skip-log-bin']),
    ...innodbArgs(tuning),
    ...extra,
  ];
}
