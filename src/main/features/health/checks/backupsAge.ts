import type { BackupEntry } from '../../../../shared/contract/backups';
import { ageText } from '../format';
import { checkRow, type ReadinessCheckModule } from '../types';

/**
 * Usable backups: complete ones, plus remote foreign dumps whose completeness is unknown until downloaded
 * (SysNDD's nightly cron dumps on the server look like that). Incomplete and corrupt files never count.
 */
function usable(e: BackupEntry): boolean {
  return e.status === 'complete' || (e.status === 'unknown' && e.location === 'remote');
}

/** Age of the newest backup, local or remote; older than the threshold (default 26 h) is a warning. */
export const backupsAgeCheck: ReadinessCheckModule = {
  ...checkRow('backups.age', 'Newest backup', 'backups', { timeoutStatus: 'warn' }),
  async run({ lookups, options }) {
    const list = await lookups.backups();
    const folders = `${list.localDir}${list.remoteDir ? ` and ${list.remoteDir} on the SSH host` : ''}`;
    const remoteNote = list.remoteError ? ` Remote listing: ${list.remoteError.message}` : '';
    const newest = list.entries.filter(usable).sort((a, b) => b.createdAt.localeCompare(a.createdAt))[0];
    const unusable = list.entries.filter((e) => !usable(e)).length;
    const skippedNote = unusable ? ` ${unusable} incomplete or corrupt file(s) ignored.` : '';
    if (!newest) {
      return {
        status: 'warn',
        summary: 'no backup found',
        detail: `Looked in ${folders}.${skippedNote}${remoteNote}`,
        metrics: { backups: 0, maxAgeHours: options.backupMaxAgeHours },
      };
    }
    const ageMs = Date.now() - Date.parse(newest.createdAt);
    const ageHours = Math.round((ageMs / 3_600_000) * 100) / 100;
    const metrics = {
      newest: newest.name,
      createdAt: newest.createdAt,
      location: newest.location,
      ageHours,
      maxAgeHours: options.backupMaxAgeHours,
      size: newest.size,
    };
    const where = newest.location === 'remote' ? 'remote' : newest.location === 'both' ? 'local + remote' : 'local';
    const summary = `${newest.name} (${where}) is ${ageText(ageMs)} old`;
    const detail = `Created ${newest.createdAt}; threshold ${options.backupMaxAgeHours} h. Looked in ${folders}.${skippedNote}${remoteNote}`;
    if (ageHours > options.backupMaxAgeHours)
      return { status: 'warn', summary: `${summary} (over ${options.backupMaxAgeHours} h)`, detail, metrics };
    return { status: list.remoteError ? 'warn' : 'ok', summary, detail, metrics };
  },
};
