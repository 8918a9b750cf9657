import { listText, plural } from '../format';
import { checkRow, type ReadinessCheckModule } from '../types';

/**
 * SysNDD's `/health/ready` answers 503 while files are pending; so do we. Failed and interrupted files
 * count as pending (a run would apply them) and are named separately because they need a person.
 */
export const migrationsPendingCheck: ReadinessCheckModule = {
  ...checkRow('migrations.pending', 'Pending migrations', 'migrations', { after: 'reachable-database' }),
  async run({ lookups }) {
    const s = await lookups.migrationStatus();
    const metrics = {
      files: s.counts.files,
      applied: s.counts.applied,
      pending: s.counts.pending,
      failed: s.counts.failed,
      latestApplied: s.latestApplied,
    };
    const folder = `Folder ${s.migrationsDir}; database ${s.database}${s.historyTable ? '' : ' (no schema_version table yet)'}.`;
    if (s.failed.length) {
      const last = s.files.find((f) => f.filename === s.failed[0])?.lastAttempt?.summary;
      return {
        status: 'fail',
        summary: `${plural(s.failed.length, 'failed file')}: ${listText(s.failed)}${s.pending.length > s.failed.length ? `; ${s.pending.length} pending in all` : ''}`,
        detail: `${last ? `${s.failed[0]}: ${last}. ` : ''}${folder}`,
        code: 'MIGRATION_FAILED',
        metrics,
      };
    }
    if (s.pending.length) {
      return {
        status: 'fail',
        summary: `${plural(s.pending.length, 'pending file')}: ${listText(s.pending)}`,
        detail: folder,
        metrics,
      };
    }
    return {
      status: 'ok',
      summary: `up to date: ${plural(s.counts.applied, 'file')} applied${s.latestApplied ? `, latest ${s.latestApplied}` : ''}`,
      detail: folder,
      metrics,
    };
  },
};
