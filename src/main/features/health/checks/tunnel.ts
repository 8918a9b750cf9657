import { checkRow, type ReadinessCheckModule } from '../types';

/** The SSH tunnel's state after the database row used it (a failed tunnel explains a failed database). */
export const tunnelCheck: ReadinessCheckModule = {
  ...checkRow('tunnel', 'SSH tunnel', 'connections', { after: 'database' }),
  async run({ services, profile }) {
    if (!profile.ssh) return { status: 'skipped', summary: 'Direct connection: this profile uses no SSH tunnel.' };
    const s = services.connections.state(profile.id);
    const hop = `${profile.ssh.user}@${profile.ssh.host}:${profile.ssh.port}${profile.ssh.jump ? ` via jump ${profile.ssh.jump.host}` : ''}`;
    const metrics = { state: s.state, via: s.via, reconnects: s.reconnects, since: s.since };
    const reconnects = s.reconnects ? `, ${s.reconnects} reconnect${s.reconnects === 1 ? '' : 's'}` : '';
    switch (s.state) {
      case 'connected':
        return { status: 'ok', summary: `connected (${s.via}) since ${s.since}${reconnects}`, detail: hop, metrics };
      case 'connecting':
      case 'reconnecting':
        return {
          status: 'warn',
          summary: `${s.state}${s.detail ? `: ${s.detail}` : ''}`,
          detail: `${hop}${reconnects}`,
          code: s.lastError?.code,
          metrics,
        };
      default:
        return {
          status: 'fail',
          summary: s.lastError?.message ?? s.detail ?? `tunnel ${s.state}`,
          detail: hop,
          code: s.lastError?.code,
          metrics,
        };
    }
  },
};
