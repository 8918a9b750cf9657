import { type CheckOutcome, checkRow, type ReadinessCheckModule } from '../types';

/**
 * Who holds GET_LOCK('sysndd_migration') (SysNDD's ready endpoint shows the IS_USED_LOCK holder too). A held
 * lock is normal during a run but blocks every other runner, so it is a warning naming the holder.
 */
export const migrationsLockCheck: ReadinessCheckModule = {
  ...checkRow('migrations.lock', 'Migration lock', 'migrations', { after: 'reachable-database' }),
  async run({ lookups }): Promise<CheckOutcome> {
    const { lock } = await lookups.migrationStatus();
    if (!lock.held || !lock.holder) {
      return {
        status: lock.clusterWarning ? 'warn' : 'ok',
        summary: `${lock.name} is free`,
        detail: lock.clusterWarning ?? undefined,
        metrics: { held: false },
      };
    }
    const h = lock.holder;
    const who = `connection ${h.connectionId} (${h.user ?? '?'}@${h.host ?? '?'}${h.timeSeconds !== null ? `, ${h.timeSeconds} s` : ''})`;
    const run = lock.holderRun
      ? ` — ${lock.holderRun.tool} run by ${lock.holderRun.appliedBy}, applying ${lock.holderRun.filename}`
      : '';
    return {
      status: 'warn',
      summary: `held by ${who}${run}`,
      detail: h.info ? `Its current statement: ${h.info}` : 'Migrations from other runners wait until it is released.',
      code: 'MIGRATION_LOCK_BUSY',
      metrics: { held: true, holderConnectionId: h.connectionId, holderUser: h.user, holderHost: h.host },
    };
  },
};
