import type { RowDataPacket } from 'mysql2/promise';
import type { SandboxEngine } from '../../../shared/contract/sandbox';
import { serverEngineOf } from '../../../shared/serverEngine';
import type { SandboxServiceDeps } from './SandboxServiceDeps';

/** How long the live look-up of a profile's server may take before the sandbox falls back to its default. */
const LIVE_LOOKUP_MS = 5_000;

export interface EngineOfProfile {
  engine: SandboxEngine;
  /** Where it was read: for the job log ("the newest backup of …" / "the server of …"). */
  source: string;
}

/**
 * The engine of the server a profile points at, so a sandbox opens that profile's backups as they are (a
 * production MySQL backup in a MySQL sandbox): the engine recorded in its newest local backup's manifest
 * (or a dump's version header), else a short live query of its server. Null when neither tells.
 */
export async function engineOfProfile(
  app: Pick<SandboxServiceDeps, 'profiles' | 'backups' | 'connections'>,
  profileId: string,
): Promise<EngineOfProfile | null> {
  const name = app.profiles.get(profileId).name;
  const recorded = await recordedEngine(app, profileId);
  if (recorded) return { engine: recorded, source: `the newest backup of "${name}"` };
  const live = await liveEngine(app, profileId);
  return live ? { engine: live, source: `the server of "${name}"` } : null;
}

async function recordedEngine(
  app: Pick<SandboxServiceDeps, 'profiles' | 'backups' | 'connections'>,
  profileId: string,
): Promise<SandboxEngine | null> {
  try {
    const list = await app.backups.list(profileId, false);
    const newest = [...list.entries].filter((e) => e.serverEngine).sort((a, b) => b.createdAt.localeCompare(a.createdAt))[0];
    return newest?.serverEngine ?? null;
  } catch {
    // No readable backup folder: ask the server instead.
    return null;
  }
}

async function liveEngine(
  app: Pick<SandboxServiceDeps, 'profiles' | 'backups' | 'connections'>,
  profileId: string,
): Promise<SandboxEngine | null> {
  const query = app.connections.withConnection(profileId, async (conn) => {
    const [rows] = await conn.query<RowDataPacket[]>('SELECT VERSION() AS v, @@version_comment AS c');
    return serverEngineOf(String(rows[0]?.v ?? ''), String(rows[0]?.c ?? ''));
  });
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<null>((resolve) => {
    timer = setTimeout(() => resolve(null), LIVE_LOOKUP_MS);
  });
  try {
    // An unreachable server must not hold up the sandbox: the default engine is used instead.
    return await Promise.race([query.catch(() => null), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
