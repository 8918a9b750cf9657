import { checkRow, type ReadinessCheckModule } from '../types';

/** The console's own pool for this profile (SysNDD's ready endpoint reports its pool the same way). */
export const poolCheck: ReadinessCheckModule = {
  ...checkRow('pool', 'Connection pool', 'connections', { after: 'reachable-database' }),
  async run({ services, profile }) {
    const p = services.connections.poolStats(profile.id);
    const { profileId: _id, ...metrics } = p;
    const summary = `${p.active} active, ${p.idle} idle of ${p.max}; ${p.queued} waiting; ${p.dedicated} dedicated`;
    if (p.queued > 0) {
      return {
        status: 'warn',
        summary,
        detail: 'Callers are waiting for a pooled connection: long jobs hold them all.',
        metrics,
      };
    }
    return { status: 'ok', summary, metrics };
  },
};
