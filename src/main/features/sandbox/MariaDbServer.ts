import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import mysql from 'mysql2/promise';
import { AppError } from '../../core/AppError';
import { type ServerPaths, type ServerTuning, serverArgs, socketPathFor } from './mariadbArgs';
import { requireMariaDbBinaries } from './mariadbBinaries';
import { createDataDir, ensureTemplateDataDir, hasSystemTables, isMySqlBinaries, type ServerBinaries } from './mariadbDataDir';
import { isNotReadyYet, loginAndSecureRoot } from './mariadbRoot';
import { mysqlServerArgs } from './mysqlArgs';
import { requireMySqlBinaries } from './mysqlBinaries';
import { freeLoopbackPort, isPortFree, isProcessAlive, processCommandLine, readPidFile, terminate } from './processTools';

export interface MariaDbServerOptions {
  /** Holds `data/` (the datadir), the pid file, the error log and `server.json`. Created when missing. */
  baseDir: string;
  /** Root's password: set on first start, expected on later starts. */
  rootPassword: string;
  /** A fixed loopback port (the sandbox keeps one); default: a free port picked by the OS. */
  port?: number;
  /** Record a binary log (the backup engine notes the binlog position when there is one). Default off. */
  binlog?: boolean;
  /** InnoDB buffer pool. Default 64M. */
  bufferPoolSize?: string;
  /** false trades crash-durability for speed (fixtures throw their data away). Default true. */
  durable?: boolean;
  /** Keep running after this process exits (the CLI's `sandbox start`). Default false: killed on exit. */
  detached?: boolean;
  /**
   * SQL run by the server itself at this start (`--init-file`, one statement per line), e.g. to reset a
   * lost root password. Written to a 0600 file that is deleted once the server is up.
   */
  initSql?: string;
  /** An initialised, never-started datadir to copy instead of running mariadb-install-db (faster). */
  templateDataDir?: string;
  startTimeoutMs?: number;
  /** Which server to run when `binaries` is not given. Default 'mariadb'. */
  engine?: 'mariadb' | 'mysql';
  /** MariaDbBinaries, or MySqlBinaries (Oracle MySQL 8.0.30+, same folder layout and lifecycle). */
  binaries?: ServerBinaries;
  extraArgs?: string[];
}

/** How to reach a running server. Loopback TCP only; the socket is for local tools. */
export interface MariaDbServerInfo {
  host: string;
  port: number;
  socketPath: string;
  rootUser: string;
  rootPassword: string;
  pid: number;
  baseDir: string;
  dataDir: string;
  binlog: boolean;
}

/** What `server.json` records so a later process can find, reap or adopt the server. */
interface ServerState {
  port: number;
  socketPath: string;
  binlog: boolean;
  pid: number;
  /** Set for servers that must not outlive their owner; stale ones are reaped by `reapStale`. */
  ownerPid: number | null;
  startedAt: string;
}

const childrenToKillOnExit = new Set<ChildProcess>();
let exitHookInstalled = false;

/**
 * A private `mariadbd` on a loopback port with its own data folder. One implementation serves the test
 * fixtures (a throw-away server per test run) and the product's local sandbox (a persistent server in the
 * app-data folder). A start takes ~0.1–0.3 s after a one-time initialisation of ~1 s.
 */
export class MariaDbServer {
  readonly baseDir: string;
  readonly paths: ServerPaths;
  readonly stateFile: string;
  private child: ChildProcess | null = null;
  private current: MariaDbServerInfo | null = null;

  constructor(private readonly options: MariaDbServerOptions) {
    this.baseDir = path.resolve(options.baseDir);
    this.paths = {
      dataDir: path.join(this.baseDir, 'data'),
      socketPath: socketPathFor(this.baseDir),
      pidFile: path.join(this.baseDir, 'mariadbd.pid'),
      errorLog: path.join(this.baseDir, 'error.log'),
      tmpDir: path.join(this.baseDir, 'tmp'),
    };
    this.stateFile = path.join(this.baseDir, 'server.json');
  }

  get dataDir(): string {
    return this.paths.dataDir;
  }

  get errorLog(): string {
    return this.paths.errorLog;
  }

  /** Set while this object has a started or adopted server. */
  get info(): MariaDbServerInfo | null {
    return this.current;
  }

  /** True once the data folder holds system tables. */
  isInitialized(): boolean {
    return hasSystemTables(this.paths.dataDir);
  }

  /** The pid of this folder's server when one is running (also one started by another process). */
  runningPid(): number | null {
    const pid = readPidFile(this.paths.pidFile) ?? this.readState()?.pid ?? null;
    if (pid === null || !isProcessAlive(pid)) return null;
    const cmdline = processCommandLine(pid);
    // Without /proc we trust the pid file; with it, a recycled pid running something else is not ours.
    if (cmdline && !cmdline.includes(`--datadir=${this.paths.dataDir}`)) return null;
    return pid;
  }

  /** The port recorded by the last start (also by another process). */
  recordedPort(): number | null {
    return this.readState()?.port ?? null;
  }

  /** Starts the server (initialising the data folder the first time) or adopts one already running. */
  async start(): Promise<MariaDbServerInfo> {
    const binaries = this.resolveBinaries();
    fs.mkdirSync(this.baseDir, { recursive: true, mode: 0o700 });
    const running = this.runningPid();
    if (running !== null) return this.adopt(running);
    if (!this.isInitialized()) await createDataDir(this.paths.dataDir, binaries, this.tuning(), this.options.templateDataDir);
    for (let attempt = 1; ; attempt++) {
      const port = this.options.port ?? (await freeLoopbackPort());
      if (this.options.port !== undefined && !(await isPortFree(port))) {
        throw new AppError('CONFLICT', `Loopback port ${port} is already in use by another program.`, { port });
      }
      try {
        return await this.launch(binaries, port);
      } catch (err) {
        // Another process took the OS-picked port between our check and mariadbd's bind: pick again.
        const portRace = err instanceof AppError && (err.details as { portInUse?: boolean } | undefined)?.portInUse;
        if (!portRace || this.options.port !== undefined || attempt >= 3) throw err;
      }
    }
  }

  /** SIGTERM (a clean InnoDB shutdown), then SIGKILL after `graceMs`. Safe to call when not running. */
  async stop(graceMs = 10_000): Promise<void> {
    const child = this.child;
    const pid = child?.pid ?? this.runningPid();
    if (pid !== undefined && pid !== null) await terminate(pid, graceMs);
    if (child) childrenToKillOnExit.delete(child);
    this.child = null;
    this.current = null;
    for (const file of [this.paths.pidFile, this.paths.socketPath]) fs.rmSync(file, { force: true });
  }

  /** A root connection over loopback TCP (mysql2/promise). The caller ends it. */
  async connectRoot(options: { database?: string; multipleStatements?: boolean } = {}): Promise<mysql.Connection> {
    const info = this.requireInfo();
    return mysql.createConnection({
      host: info.host,
      port: info.port,
      user: info.rootUser,
      password: info.rootPassword,
      database: options.database,
      multipleStatements: options.multipleStatements ?? false,
      connectTimeout: 5_000,
    });
  }

  /** Creates (or resets the password of) a user and grants it privileges. Host `%` = any loopback client. */
  async createUser(
    user: string,
    password: string,
    options: { host?: string; grants?: string[]; withGrantOption?: boolean } = {},
  ): Promise<void> {
    const host = options.host ?? '%';
    const grants = options.grants ?? ['ALL PRIVILEGES ON *.*'];
    const conn = await this.connectRoot();
    try {
      await conn.query('CREATE USER IF NOT EXISTS ?@? IDENTIFIED BY ?', [user, host, password]);
      await conn.query('ALTER USER ?@? IDENTIFIED BY ?', [user, host, password]);
      for (const grant of grants) {
        await conn.query(`GRANT ${grant} TO ?@?${options.withGrantOption ? ' WITH GRANT OPTION' : ''}`, [user, host]);
      }
    } finally {
      await conn.end();
    }
  }

  /**
   * Stops and deletes servers under `parentDir` whose owning process has died (a test run killed with
   * SIGKILL cannot clean up after itself). Detached servers (no owner) are left alone.
   */
  static async reapStale(parentDir: string): Promise<string[]> {
    const reaped: string[] = [];
    let entries: string[] = [];
    try {
      entries = fs.readdirSync(parentDir);
    } catch {
      return reaped;
    }
    for (const entry of entries) {
      const server = new MariaDbServer({ baseDir: path.join(parentDir, entry), rootPassword: '' });
      const state = server.readState();
      if (!state || state.ownerPid === null || isProcessAlive(state.ownerPid)) continue;
      await server.stop(2_000);
      fs.rmSync(server.baseDir, { recursive: true, force: true });
      reaped.push(server.baseDir);
    }
    return reaped;
  }

  /** Makes (once) an initialised datadir at `dir` to copy for new servers (`templateDataDir`). */
  static async ensureTemplate(dir: string, binaries: ServerBinaries = requireMariaDbBinaries()): Promise<string> {
    return ensureTemplateDataDir(dir, binaries, { bufferPoolSize: '64M', durable: false });
  }

  private async launch(binaries: ServerBinaries, port: number): Promise<MariaDbServerInfo> {
    fs.rmSync(this.paths.pidFile, { force: true });
    fs.mkdirSync(this.paths.tmpDir, { recursive: true, mode: 0o700 });
    fs.rmSync(this.paths.socketPath, { force: true });
    const logStart = fs.existsSync(this.paths.errorLog) ? fs.statSync(this.paths.errorLog).size : 0;
    const binlog = Boolean(this.options.binlog);
    const initFile = path.join(this.baseDir, 'init.sql');
    const extra = [...(this.options.extraArgs ?? [])];
    if (this.options.initSql) {
      fs.writeFileSync(initFile, `${this.options.initSql.trim()}\n`, { mode: 0o600 });
      extra.push(`--init-file=${initFile}`);
    }
    const mysqlEngine = isMySqlBinaries(binaries);
    // A debootstrapped MySQL runs through its root's loader: the command is the loader, mysqld an argument.
    const command = mysqlEngine ? binaries.mysqld.command : binaries.mariadbd;
    const args = mysqlEngine
      ? mysqlServerArgs(binaries, this.paths, port, binlog, this.tuning(), extra)
      : serverArgs(this.paths, port, binlog, this.tuning(), extra);
    const detached = this.options.detached ?? false;
    const child = spawn(command, args, { detached, stdio: 'ignore' });
    const exited = new Promise<number | string>((resolve) => {
      child.once('exit', (code, signal) => resolve(signal ?? code ?? -1));
      child.once('error', (err) => resolve(err.message));
    });
    if (detached) child.unref();
    else trackForExitKill(child);
    this.child = child;
    const pid = child.pid ?? -1;
    const ownerPid = detached ? null : process.pid;
    this.writeState({ port, socketPath: this.paths.socketPath, binlog, pid, ownerPid, startedAt: new Date().toISOString() });
    const info = this.makeInfo(port, pid);
    try {
      await this.waitReady(info, exited, logStart, mysqlEngine ? 'mysqld' : 'mariadbd');
    } catch (err) {
      await this.stop(2_000);
      throw err;
    } finally {
      fs.rmSync(initFile, { force: true });
    }
    this.current = info;
    return info;
  }

  /** Polls a root login (which also sets a fresh server's password) until it works, the process dies, or time runs out. */
  private async waitReady(
    info: MariaDbServerInfo,
    exited: Promise<number | string>,
    logStart: number,
    serverName = 'mariadbd',
  ): Promise<void> {
    const deadline = Date.now() + (this.options.startTimeoutMs ?? 30_000);
    let ended: number | string | null = null;
    void exited.then((v) => {
      ended = v;
    });
    let lastError = '';
    while (Date.now() < deadline) {
      if (ended !== null) {
        const log = this.logSince(logStart);
        throw new AppError(
          'INTERNAL',
          `${serverName} exited during startup (${ended}). Last lines of ${this.paths.errorLog}:\n${log}`,
          {
            portInUse: /Address already in use|Bind on TCP\/IP port/i.test(log),
          },
        );
      }
      try {
        await loginAndSecureRoot(info);
        return;
      } catch (err) {
        if (!isNotReadyYet(err)) {
          const message = (err as Error).message;
          throw new AppError(
            'DB_AUTH_FAILED',
            `Cannot log in as root to the ${serverName} server in ${this.baseDir}: ${message}`,
          );
        }
        lastError = (err as Error).message;
      }
      await sleep(50);
    }
    const log = this.logSince(logStart);
    throw new AppError(
      'TIMEOUT',
      `${serverName} did not accept connections in time (${lastError}). Last lines of ${this.paths.errorLog}:\n${log}`,
    );
  }

  private async adopt(pid: number): Promise<MariaDbServerInfo> {
    const state = this.readState();
    if (!state) {
      throw new AppError(
        'PRECONDITION_FAILED',
        `A MariaDB server (pid ${pid}) runs on ${this.dataDir} without its server.json; stop it first.`,
      );
    }
    const info = this.makeInfo(state.port, pid);
    await this.waitReady(info, new Promise<never>(() => {}), 0);
    this.current = info;
    return info;
  }

  private resolveBinaries(): ServerBinaries {
    if (this.options.binaries) return this.options.binaries;
    return this.options.engine === 'mysql' ? requireMySqlBinaries() : requireMariaDbBinaries();
  }

  private makeInfo(port: number, pid: number): MariaDbServerInfo {
    return {
      host: '127.0.0.1',
      port,
      socketPath: this.paths.socketPath,
      rootUser: 'root',
      rootPassword: this.options.rootPassword,
      pid,
      baseDir: this.baseDir,
      dataDir: this.paths.dataDir,
      binlog: Boolean(this.options.binlog),
    };
  }

  private requireInfo(): MariaDbServerInfo {
    if (!this.current) throw new AppError('PRECONDITION_FAILED', 'The MariaDB server is not running.');
    return this.current;
  }

  private tuning(): ServerTuning {
    return { bufferPoolSize: this.options.bufferPoolSize ?? '64M', durable: this.options.durable ?? true };
  }

  /** The error log's lines written since `offset` (earlier starts of a persistent server share the file). */
  private logSince(offset: number): string {
    try {
      const bytes = fs.readFileSync(this.paths.errorLog);
      const text = bytes.subarray(offset <= bytes.length ? offset : 0).toString('utf8');
      return text.trimEnd().split('\n').slice(-20).join('\n');
    } catch {
      return '(no error log was written)';
    }
  }

  private readState(): ServerState | null {
    try {
      return JSON.parse(fs.readFileSync(this.stateFile, 'utf8')) as ServerState;
    } catch {
      return null;
    }
  }

  private writeState(state: ServerState): void {
    fs.writeFileSync(this.stateFile, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
  }
}

/** Non-detached servers must not outlive this process, even when it ends without calling stop(). */
function trackForExitKill(child: ChildProcess): void {
  childrenToKillOnExit.add(child);
  child.once('exit', () => childrenToKillOnExit.delete(child));
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const c of childrenToKillOnExit) {
      try {
        c.kill('SIGKILL');
      } catch {
        // Already gone.
      }
    }
  });
}
