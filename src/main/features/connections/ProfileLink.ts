import type { SFTPWrapper } from 'ssh2';
import type { ConnectionStatus } from '../../../shared/contract/connections';
import type { ConnectionState } from '../../../shared/contract/events';
import type { Profile } from '../../../shared/contract/profiles';
import type { AppError } from '../../core/AppError';
import type { MysqlPool } from './mysql/MysqlPool';
import { destroyQuietly, type MysqlConnection } from './mysql/mysqlConnect';
import type { LocalForward } from './ssh/LocalForward';
import type { SshTunnel } from './ssh/SshTunnel';

/** Everything open for one profile. Rebuilt when the profile is edited. */
export interface Link {
  profile: Profile;
  tunnel: SshTunnel | null;
  pool: MysqlPool;
  dedicated: Set<MysqlConnection>;
  sftp: Set<SFTPWrapper>;
  forwards: Set<LocalForward>;
  direct: { state: ConnectionState; detail: string | null; since: string; lastError: AppError | null };
  since: string;
}

/** How a profile's link stands: the tunnel's state with SSH, else the direct connection's; none yet: disconnected. */
export function linkStatus(profileId: string, profile: Profile, link: Link | undefined): ConnectionStatus {
  const via = profile.ssh ? (profile.ssh.jump ? 'ssh+jump' : 'ssh') : 'direct';
  if (!link)
    return {
      profileId,
      state: 'disconnected',
      detail: null,
      since: new Date().toISOString(),
      via,
      reconnects: 0,
      lastError: null,
    };
  const t = link.tunnel;
  const err = t ? t.lastError : link.direct.lastError;
  return {
    profileId,
    state: t ? t.state : link.direct.state,
    detail: t ? (t.lastError?.message ?? null) : link.direct.detail,
    since: link.since,
    via,
    reconnects: t?.reconnects ?? 0,
    lastError: err ? { code: err.code, message: err.message } : null,
  };
}

/** Close links: MySQL connections of every one first, then local listeners, then SFTP sessions and SSH clients. */
export async function closeLinks(links: Link[]): Promise<void> {
  await Promise.all(
    links.map(async (l) => {
      await l.pool.close();
      for (const c of l.dedicated) destroyQuietly(c);
      l.dedicated.clear();
    }),
  );
  await Promise.all(links.flatMap((l) => [...l.forwards].map((f) => f.close())));
  for (const l of links) {
    for (const s of l.sftp) s.end();
    await l.tunnel?.close();
  }
}
