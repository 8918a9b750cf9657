import { createHash } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';

/**
 * Command lines for mariadb-install-db and mariadbd. `--no-defaults` comes first and everything is explicit,
 * so no /etc/mysql/my.cnf of the machine can change how a private server behaves.
 */
export interface ServerTuning {
  /** InnoDB buffer pool; small keeps start and stop fast. */
  bufferPoolSize: string;
  /** false trades crash-durability for speed (fixtures throw their data away). */
  durable: boolean;
}

export interface ServerPaths {
  dataDir: string;
  socketPath: string;
  pidFile: string;
  errorLog: string;
  /** The server's own temp folder: on-disk temporary tables of one server never meet another's in /tmp. */
  tmpDir: string;
}

// sun_path is 108 bytes on Linux and 104 on macOS; keep a margin.
const SOCKET_PATH_LIMIT = 100;

/** mariadbd refuses to run as root unless told to; as anyone else it must not try to switch user. */
export function userArgs(): string[] {
  return process.getuid?.() === 0 ? ['--user=root'] : [];
}

/** InnoDB options of both servers; they size the redo log with different options (`redoLog`). */
export function innodbArgs(tuning: ServerTuning, redoLog = '--innodb-log-file-size=32M'): string[] {
  return [
    `--innodb-buffer-pool-size=${tuning.bufferPoolSize}`,
    redoLog,
    // Dumping and reloading the buffer pool only slows start and stop of a small private server.
    '--innodb-buffer-pool-dump-at-shutdown=OFF',
    '--innodb-buffer-pool-load-at-startup=OFF',
    ...(tuning.durable ? [] : ['--innodb-flush-log-at-trx-commit=2', '--innodb-doublewrite=OFF', '--sync-binlog=0']),
  ];
}

export function installDbArgs(dataDir: string, tuning: ServerTuning): string[] {
  return [
    '--no-defaults',
    `--datadir=${dataDir}`,
    ...userArgs(),
    // root@localhost/127.0.0.1/::1 with an empty password, set right after the first start.
    '--auth-root-authentication-method=normal',
    '--skip-test-db',
    ...innodbArgs(tuning),
  ];
}

export function serverArgs(paths: ServerPaths, port: number, binlog: boolean, tuning: ServerTuning, extra: string[]): string[] {
  return [
    '--no-defaults',
    `--datadir=${paths.dataDir}`,
    `--socket=${paths.socketPath}`,
    `--port=${port}`,
    '--bind-address=127.0.0.1',
    ...userArgs(),
    `--pid-file=${paths.pidFile}`,
    `--log-error=${paths.errorLog}`,
    `--tmpdir=${paths.tmpDir}`,
    '--skip-name-resolve',
    // Without a config file the server default would be latin1; SysNDD's data is utf8mb4.
    '--character-set-server=utf8mb4',
    '--collation-server=utf8mb4_general_ci',
    '--max-allowed-packet=64M',
    // Loopback only: never block 127.0.0.1 after bad handshakes (connection tests aim SSH at MySQL ports).
    '--max-connect-errors=1000000000',
    // Events can be created and dumped; they just never fire in a private server.
    '--event-scheduler=OFF',
    ...(binlog
      ? ['--log-bin=mariadb-bin', '--server-id=1', '--binlog-format=ROW', '--log-bin-trust-function-creators=1']
      : ['--skip-log-bin']),
    ...innodbArgs(tuning),
    ...extra,
  ];
}

/** Inside baseDir when short enough for sun_path, else a short name in the temp folder. */
export function socketPathFor(baseDir: string): string {
  const inside = path.join(baseDir, 'mariadbd.sock');
  if (Buffer.byteLength(inside) < SOCKET_PATH_LIMIT) return inside;
  const hash = createHash('sha256').update(baseDir).digest('hex').slice(0, 12);
  return path.join(os.tmpdir(), `sysndd-mdb-${hash}.sock`);
}
