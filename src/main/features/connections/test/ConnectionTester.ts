import { performance } from 'node:perf_hooks';
import type { Duplex } from 'node:stream';
import mysql from 'mysql2/promise';
import type { ConnectionTestReport, HostKeyCheck } from '../../../../shared/contract/connections';
import type { Profile } from '../../../../shared/contract/profiles';
import { AppError } from '../../../core/AppError';
import type { HostKeyStore } from '../hostKeys/HostKeyStore';
import { type MysqlGreeting, readGreeting } from '../mysql/greeting';
import { countMigrations, type MigrationCount } from '../mysql/migrationCount';
import { destroyQuietly, type MysqlConnection, openMysql } from '../mysql/mysqlConnect';
import { connectChain, type SshChain, StageError } from '../ssh/chain';
import type { SecretLookup } from '../ssh/credentials';
import { forwardOut, openTcp } from '../ssh/sshHop';
import { redactGrants } from './redactGrants';
import { round, StageRecorder, toAppError } from './stageRecorder';
import { planStages, summariseGrant } from './stages';

export interface TesterDeps {
  hostKeys: HostKeyStore;
  secretOf: SecretLookup;
  sshDir: string;
  migrationsDir: string;
  /** Pending count from the migrations capability when it is present (same rule, one source of truth). */
  migrationStatus?: () => Promise<MigrationCount>;
}

/**
 * The staged connection test: each stage of the path (TCP, SSH handshake + host key, SSH auth, forward,
 * MySQL greeting/TLS, MySQL auth, SELECT 1, checks) runs and is timed on its own, so the report says which
 * link is broken and what to do. It opens its own SSH and MySQL connections and closes them all; it never
 * touches the profile's pool or tunnel.
 */
export async function runConnectionTest(
  profile: Profile,
  deps: TesterDeps,
  acceptHostKey?: string,
): Promise<ConnectionTestReport> {
  return new ConnectionTest(profile, deps, acceptHostKey).run();
}

type ReportBody = Omit<ConnectionTestReport, 'ok' | 'totalMs' | 'failure'>;

/** One run of the test, as its phases: path to the server, handshake, login, server probes, database. */
class ConnectionTest {
  private readonly stages: StageRecorder;
  private readonly hostKeys: HostKeyCheck[] = [];
  private readonly report: ReportBody;
  private readonly viaSsh: boolean;
  private chain: SshChain | null = null;
  private transport: Duplex | null = null;
  private conn: MysqlConnection | null = null;

  constructor(
    private readonly profile: Profile,
    private readonly deps: TesterDeps,
    private readonly acceptHostKey: string | undefined,
  ) {
    this.stages = new StageRecorder(planStages(profile));
    this.viaSsh = Boolean(profile.ssh);
    this.report = {
      profileId: profile.id,
      profileName: profile.name,
      startedAt: new Date().toISOString(),
      stages: this.stages.stages,
      hostKeys: this.hostKeys,
      server: null,
      grants: [],
      database: null,
      migrations: null,
    };
  }

  async run(): Promise<ConnectionTestReport> {
    const t0 = performance.now();
    try {
      const link = await this.openTransport();
      const greeting = await this.handshake(link);
      const conn = await this.authenticate(link, greeting);
      await this.probeServer(conn, greeting);
      await this.checkDatabase(conn);
    } catch (err) {
      if (!(err instanceof StageError)) this.stages.failUnstarted(err);
      if (this.report.database && err instanceof StageError && err.code === 'DB_UNKNOWN_DATABASE')
        this.report.database.exists = false;
    } finally {
      await this.close();
    }
    const failedStage = this.stages.finish();
    return {
      ...this.report,
      ok: !failedStage,
      totalMs: round(performance.now() - t0),
      failure: failedStage?.code ? { stage: failedStage.id, code: failedStage.code, message: failedStage.detail ?? '' } : null,
    };
  }

  /** TCP to MySQL, or the SSH chain (jump host, host keys, auth) and a forwarded channel. */
  private async openTransport(): Promise<Duplex> {
    const m = this.profile.mysql;
    const ssh = this.profile.ssh;
    if (!ssh) {
      this.transport = await this.stages.timed(
        'mysql.tcp',
        () => openTcp(m.host, m.port, 'MySQL server'),
        () => `${m.host}:${m.port}`,
      );
      return this.transport;
    }
    try {
      this.chain = await connectChain(
        ssh,
        {
          hostKeys: this.deps.hostKeys,
          secretOf: this.deps.secretOf,
          sshDir: this.deps.sshDir,
          acceptFingerprint: this.acceptHostKey,
          onHostKey: (k) => this.hostKeys.push(k),
        },
        (id, ms, detail) => this.stages.ok(id, ms, detail),
      );
    } catch (err) {
      if (err instanceof StageError) this.stages.failed(err.stage, err);
      throw err;
    }
    const client = this.chain.client;
    this.transport = await this.stages.timed(
      'ssh.forward',
      () => forwardOut(client, `The SSH host ${ssh.host}`, m.host, m.port),
      () => `to ${m.host}:${m.port}`,
    );
    return this.transport;
  }

  /** The server's greeting: version, and whether TLS is offered when the profile asks for it. */
  private handshake(link: Duplex): Promise<MysqlGreeting> {
    const m = this.profile.mysql;
    return this.stages.timed(
      'mysql.handshake',
      async () => {
        const g = await readGreeting(link, { host: m.host, port: m.port, user: m.user, viaSsh: this.viaSsh });
        if (m.tls !== 'off' && !g.tlsOffered) {
          throw new AppError(
            'DB_TLS_FAILED',
            `The profile asks for TLS ("${m.tls}") but ${g.serverVersion} does not offer TLS on this port.`,
          );
        }
        return g;
      },
      (g) => `${g.serverVersion}, TLS ${g.tlsOffered ? 'offered' : 'not offered'}`,
    );
  }

  private async authenticate(link: Duplex, greeting: MysqlGreeting): Promise<MysqlConnection> {
    const m = this.profile.mysql;
    const password = await this.deps.secretOf('mysql.password');
    const reopen = () => reopenTransport(this.chain, this.profile);
    this.conn = await this.stages.timed(
      'mysql.auth',
      () =>
        openMysql({ settings: m, password, stream: link, viaSsh: this.viaSsh, database: null }).catch(async (err: unknown) => {
          throw await explainAuthFailure(err, this.profile, greeting, reopen, password, this.viaSsh);
        }),
      () => `${m.user}${m.tls === 'off' ? '' : ` with TLS (${m.tls})`}${password ? '' : ', no password'}`,
    );
    return this.conn;
  }

  /** SELECT 1, the server's version and cipher, and its grants for this account (secrets redacted). */
  private async probeServer(c: MysqlConnection, greeting: MysqlGreeting): Promise<void> {
    await this.stages.timed(
      'mysql.select1',
      () => c.query('SELECT 1'),
      () => 'answered',
    );
    this.report.server = await this.stages.timed(
      'mysql.version',
      async () => {
        const [rows] = await c.query('SELECT VERSION() AS version, @@version_comment AS comment, CONNECTION_ID() AS id');
        const [ssl] = await c.query("SHOW SESSION STATUS LIKE 'Ssl_cipher'");
        const r = (rows as Array<{ version: string; comment: string | null; id: number }>)[0];
        const cipher = (ssl as Array<{ Value: string }>)[0]?.Value || null;
        return {
          version: `${r?.version ?? greeting.serverVersion}${r?.comment ? ` (${r.comment})` : ''}`,
          tlsOffered: greeting.tlsOffered,
          tlsCipher: cipher,
          connectionId: r?.id ?? null,
        };
      },
      (s) => `${s.version}${s.tlsCipher ? `, TLS ${s.tlsCipher}` : ', not encrypted'}`,
    );
    this.report.grants = await this.stages.timed(
      'mysql.grants',
      async () =>
        redactGrants(((await c.query('SHOW GRANTS'))[0] as Array<Record<string, string>>).map((r) => Object.values(r)[0] ?? '')),
      (g) => g.map(summariseGrant).join('; ').slice(0, 500),
    );
  }

  /** The profile's default database: usable, and its schema_version / pending migrations. */
  private async checkDatabase(c: MysqlConnection): Promise<void> {
    const m = this.profile.mysql;
    if (!m.database) {
      this.stages.skip('mysql.database', 'No default database is set in the profile.');
      this.stages.skip('mysql.migrations', 'Needs a default database.');
      return;
    }
    const db = m.database;
    const target = { host: m.host, port: m.port, user: m.user, viaSsh: this.viaSsh, database: db };
    this.report.database = { name: db, exists: false };
    await this.stages.timed(
      'mysql.database',
      () =>
        c.query(`USE ${mysql.escapeId(db)}`).catch((err) => {
          throw toAppError(err, target);
        }),
      () => `${db} exists and is usable`,
    );
    this.report.database.exists = true;
    this.report.migrations = await this.stages.timed(
      'mysql.migrations',
      () => this.migrationCount(c),
      (mc) =>
        mc.schemaVersionPresent
          ? `schema_version: ${mc.applied} applied; ${mc.pending} of ${mc.files} migration files pending`
          : `No schema_version table (database not initialised); ${mc.pending} migration files pending`,
    );
  }

  private migrationCount(c: MysqlConnection): Promise<MigrationCount> {
    if (!this.deps.migrationStatus) return countMigrations(c, this.deps.migrationsDir);
    // The migrations capability knows more (journal, failed rows); if it cannot answer, count ourselves.
    return this.deps.migrationStatus().catch(() => countMigrations(c, this.deps.migrationsDir));
  }

  private async close(): Promise<void> {
    const conn = this.conn;
    if (conn) await Promise.race([conn.end().catch(() => destroyQuietly(conn)), sleep(1000)]);
    this.transport?.destroy();
    this.chain?.end();
  }
}

/**
 * MariaDB answers a plain connection to a `require_secure_transport` server with the same 1045 as a wrong
 * password. When TLS is off and the server offers it, try the same login once with TLS: if that works,
 * the real cause is "TLS required", which is what the person needs to hear.
 */
async function explainAuthFailure(
  err: unknown,
  profile: Profile,
  greeting: MysqlGreeting,
  reopen: () => Promise<Duplex>,
  password: string | null,
  viaSsh: boolean,
): Promise<AppError> {
  const e = toAppError(err);
  if (e.code !== 'DB_AUTH_FAILED' || profile.mysql.tls !== 'off' || !greeting.tlsOffered) return e;
  let probe: MysqlConnection | null = null;
  try {
    const stream = await reopen();
    probe = await openMysql({ settings: { ...profile.mysql, tls: 'required' }, password, stream, viaSsh, database: null });
    return new AppError(
      'DB_TLS_REQUIRED',
      'The server refused the plain connection but accepts the same login over TLS (require_secure_transport). Set TLS to "required" or "verify".',
    );
  } catch {
    return e;
  } finally {
    if (probe) destroyQuietly(probe);
  }
}

async function reopenTransport(chain: SshChain | null, profile: Profile): Promise<Duplex> {
  const m = profile.mysql;
  if (chain) return forwardOut(chain.client, `The SSH host ${profile.ssh?.host}`, m.host, m.port);
  return openTcp(m.host, m.port, 'MySQL server');
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms).unref());
}
