import { performance } from 'node:perf_hooks';
import type { RowDataPacket } from 'mysql2/promise';
import type { BackupList } from '../../../shared/contract/backups';
import type { ReadinessOptions } from '../../../shared/contract/health';
import type { Profile } from '../../../shared/contract/profiles';
import { secondsText } from './format';
import type { ReadinessDeps } from './ReadinessDeps';
import type { DatabaseProbe, ReadinessLookups } from './types';

function once<T>(fn: () => Promise<T>): () => Promise<T> {
  let p: Promise<T> | null = null;
  return () => {
    if (!p) {
      p = fn();
      // A lookup that nobody awaits any more (its row timed out) must not surface as an unhandled rejection.
      p.catch(() => undefined);
    }
    return p;
  };
}

const round1 = (ms: number) => Math.round(ms * 10) / 10;

/**
 * One pooled round trip: acquiring measures opening the connection (SSH channel, TLS, auth) when none
 * is idle; the ping is the latency SysNDD's `/health/ready` reports. Going through the pool on purpose:
 * the pool stats row then shows the connection the console itself uses.
 */
async function probeDatabase(services: ReadinessDeps, profileId: string): Promise<DatabaseProbe> {
  const t0 = performance.now();
  let acquireMs = 0;
  return services.connections.withConnection(profileId, async (conn) => {
    acquireMs = performance.now() - t0;
    const t1 = performance.now();
    await conn.ping();
    const pingMs = performance.now() - t1;
    const [rows] = await conn.query<RowDataPacket[]>('SELECT VERSION() AS v, @@version_comment AS c, DATABASE() AS db');
    const row = rows[0];
    return {
      acquireMs: round1(acquireMs),
      pingMs: round1(pingMs),
      version: String(row?.v ?? ''),
      versionComment: row?.c ? String(row.c) : null,
      database: row?.db ? String(row.db) : null,
    };
  });
}

export function createLookups(services: ReadinessDeps, profile: Profile, options: ReadinessOptions): ReadinessLookups {
  return {
    database: once(() => probeDatabase(services, profile.id)),
    migrationStatus: once(() => services.migrations.status(profile.id, options.migrationsDir)),
    backups: once(() => listBackups(services, profile, options.timeoutMs)),
  };
}

/**
 * The remote folder is listed fresh (SysNDD's cron writes its nightly dumps there). When SFTP fails the
 * catalog falls back to its cached listing itself; when it is merely slow (a tunnel waiting to reconnect)
 * we stop waiting after half the deadline and use the cached listing, so the local facts still arrive.
 */
async function listBackups(services: ReadinessDeps, profile: Profile, timeoutMs: number): Promise<BackupList> {
  if (!services.backups.remoteDir(profile)) return services.backups.list(profile.id, false);
  const fresh = services.backups.list(profile.id, true);
  fresh.catch(() => undefined);
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<null>((resolve) => {
    timer = setTimeout(() => resolve(null), timeoutMs / 2);
  });
  const first = await Promise.race([fresh, late]).finally(() => clearTimeout(timer));
  if (first) return first;
  const cached = await services.backups.list(profile.id, false);
  return {
    ...cached,
    remoteError: {
      code: 'TIMEOUT',
      message: `The remote folder did not list within ${secondsText(timeoutMs / 2)}; its last cached listing was used.`,
    },
  };
}
