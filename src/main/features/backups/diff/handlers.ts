import type { HandlerGroup } from '../../../core/dispatch';
import type { BackupDiffService } from './BackupDiffService';

type DiffOps =
  | 'backups.diff'
  | 'backups.diff.get'
  | 'backups.diff.rows'
  | 'backups.diff.export'
  | 'backups.diff.putBack'
  | 'backups.diff.close';

export function backupDiffHandlers(diffs: BackupDiffService): HandlerGroup<DiffOps> {
  return {
    'backups.diff': async (args) => diffs.start(args),
    'backups.diff.get': async ({ diffId }) => diffs.get(diffId),
    'backups.diff.rows': async ({ diffId, kind, after, limit }) => diffs.rows(diffId, kind, after, limit),
    'backups.diff.export': async ({ diffId, kinds, keys, file }) => diffs.export(diffId, { kinds, keys, file }),
    // RESTORE (the database name on production) is checked, and the call audited, by dispatch.
    'backups.diff.putBack': async ({ diffId, kinds, keys }) => diffs.putBack(diffId, { kinds, keys }),
    'backups.diff.close': async ({ diffId }) => diffs.close(diffId),
  };
}
