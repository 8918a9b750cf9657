import { performance } from 'node:perf_hooks';
import type { Duplex } from 'node:stream';
import mysql from 'mysql2/promise';
import type { ConnectionTestReport, HostKeyCheck, StageId, TestStage } from '../../../shared/contract/connections';
import type { Profile } from '../../../shared/contract/profiles';
import { AppError } from '../../core/AppError';
import type { HostKeyStore } from '../hostKeys/HostKeyStore';
import { type MysqlGreeting, readGreeting } from '../mysql/greeting';
import { countMigrations, type MigrationCount } from '../mysql/migrationCount';
import { destroyQuietly, type MysqlConnection, openMysql } from '../mysql/mysqlConnect';
import { connectChain, type SshChain, StageError } from '../ssh/chain';
import type { SecretLookup } from '../ssh/credentials';
import { forwardOut, openTcp } from '../ssh/sshHop';
import { redactGrants } from './redactGrants';
import { causeFor, planStages, summariseGrant } from './stages';

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
  const startedAt = new Date().toISOString();
  const t0 = performance.now();
  const stages = planStages(profile);
  const hostKeys: HostKeyCheck[] = [];
  const byId = (id: StageId) => stages.find((s) => s.id === id) as TestStage;
  const ok = (id: StageId, ms: number, detail: string | null) =>
    Object.assign(byId(id), { status: 'ok', latencyMs: round(ms), detail });
  const failed = (id: StageId, err: AppError, ms: number | null = null) =>
    Object.assign(byId(id), {
      status: 'failed',
      latencyMs: ms === null ? null : round(ms),
      detail: err.message,
      code: err.code,
      cause: causeFor(err.code),
    });
  const skip = (id: StageId, why: string) => Object.assign(byId(id), { status: 'skipped', detail: why });
  /** Run one stage, timing it; on failure mark it and rethrow as a StageError. */
  const timed = async <T>(id: StageId, run: () => Promise<T>, detail: (v: T) => string | null): Promise<T> => {
    const s = performance.now();
    try {
      const v = await run();
      ok(id, performance.now() - s, detail(v));
      return v;
    } catch (err) {
      const e = toAppError(err);
      failed(id, e, performance.now() - s);
      throw new StageError(id, e);
    }
  };

  let chain: SshChain | null = null;
  let transport: Duplex | null = null;
  let conn: MysqlConnection | null = null;
  const report: Omit<ConnectionTestReport, 'ok' | 'totalMs' | 'failure'> = {
    profileId: profile.id,
    profileName: profile.name,
    startedAt,
    stages,
    hostKeys,
    server: null,
    grants: [],
    database: null,
    migrations: null,
  };
  try {
    const m = profile.mysql;
    const viaSsh = Boolean(profile.ssh);
    if (profile.ssh) {
      try {
        chain = await connectChain(
          profile.ssh,
          {
            hostKeys: deps.hostKeys,
            secretOf: deps.secretOf,
            sshDir: deps.sshDir,
            acceptFingerprint: acceptHostKey,
            onHostKey: (k) => hostKeys.push(k),
          },
          (id, ms, detail) => ok(id, ms, detail),
        );
      } catch (err) {
        if (err instanceof StageError) failed(err.stage, err);
        throw err;
      }
      const client = chain.client;
      transport = await timed(
        'ssh.forward',
        () => forwardOut(client, `The SSH host ${profile.ssh?.host}`, m.host, m.port),
        () => `to ${m.host}:${m.port}`,
      );
    } else {
      transport = await timed(
        'mysql.tcp',
        () => openTcp(m.host, m.port, 'MySQL server'),
        () => `${m.host}:${m.port}`,
      );
    }
    const link = transport;
    const target = { host: m.host, port: m.port, user: m.user, viaSsh };
    const greeting = await timed(
      'mysql.handshake',
      async () => {
        const g = await readGreeting(link, target);
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
    const password = await deps.secretOf('mysql.password');
    conn = await timed(
      'mysql.auth',
      () =>
        openMysql({ settings: m, password, stream: link, viaSsh, database: null }).catch(async (err: unknown) => {
          throw await explainAuthFailure(err, profile, greeting, () => reopenTransport(chain, profile), password, viaSsh);
        }),
      () => `${m.user}${m.tls === 'off' ? '' : ` with TLS (${m.tls})`}${password ? '' : ', no password'}`,
    );
    const c = conn;
    await timed(
      'mysql.select1',
      () => c.query('SELECT 1'),
      () => 'answered',
    );
    const server = await timed(
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
    report.server = server;
    report.grants = await timed(
      'mysql.grants',
      async () =>
        redactGrants(((await c.query('SHOW GRANTS'))[0] as Array<Record<string, string>>).map((r) => Object.values(r)[0] ?? '')),
      (g) => g.map(summariseGrant).join('; ').slice(0, 500),
    );
    if (!m.database) {
      skip('mysql.database', 'No default database is set in the profile.');
      skip('mysql.migrations', 'Needs a default database.');
    } else {
      const db = m.database;
      report.database = { name: db, exists: false };
      await timed(
        'mysql.database',
        () =>
          c.query(`USE ${mysql.escapeId(db)}`).catch((err) => {
            throw toAppError(err, { ...target, database: db });
          }),
        () => `${db} exists and is usable`,
      );
      report.database.exists = true;
      const count = await timed(
        'mysql.migrations',
        async () => {
          if (!deps.migrationStatus) return countMigrations(c, deps.migrationsDir);
          // The migrations capability knows more (journal, failed rows); if it cannot answer, count ourselves.
          return deps.migrationStatus().catch(() => countMigrations(c, deps.migrationsDir));
        },
        (mc) =>
          mc.schemaVersionPresent
            ? `schema_version: ${mc.applied} applied; ${mc.pending} of ${mc.files} migration files pending`
            : `No schema_version table (database not initialised); ${mc.pending} migration files pending`,
      );
      report.migrations = count;
    }
  } catch (err) {
    if (!(err instanceof StageError)) {
      const first = stages.find((s) => s.status === 'skipped' && s.detail === null);
      if (first) failed(first.id, toAppError(err));
    }
    if (report.database && err instanceof StageError && err.code === 'DB_UNKNOWN_DATABASE') report.database.exists = false;
  } finally {
    if (conn) await Promise.race([conn.end().catch(() => destroyQuietly(conn as MysqlConnection)), sleep(1000)]);
    transport?.destroy();
    chain?.end();
  }
  const failedStage = stages.find((s) => s.status === 'failed');
  for (const s of stages)
    if (s.status === 'skipped' && s.detail === null)
      s.detail = failedStage ? `Not run: "${failedStage.label}" failed.` : 'Not applicable.';
  return {
    ...report,
    ok: !failedStage,
    totalMs: round(performance.now() - t0),
    failure: failedStage?.code ? { stage: failedStage.id, code: failedStage.code, message: failedStage.detail ?? '' } : null,
  };
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

function toAppError(
  err: unknown,
  target?: { host: string; port: number; user: string; database?: string; viaSsh: boolean },
): AppError {
  if (err instanceof AppError) return err;
  const errno = (err as { errno?: number }).errno;
  if (target && (errno === 1044 || errno === 1049)) {
    return errno === 1049
      ? new AppError('DB_UNKNOWN_DATABASE', `Database '${target.database}' does not exist on the server.`)
      : new AppError(
          'DB_ACCESS_DENIED',
          `User '${target.user}' may not use database '${target.database}' (${(err as Error).message}).`,
        );
  }
  return new AppError('DB_QUERY_FAILED', err instanceof Error ? err.message : String(err));
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms).unref());
}
