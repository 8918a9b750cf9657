import type { HandlerGroup } from '../../core/dispatch';
import type { RestoreService } from './RestoreService';

type RestoreOps =
  | 'restore.preflight'
  | 'restore.start'
  | 'restore.rollback'
  | 'restore.discard'
  | 'restore.list'
  | 'restore.get'
  | 'restore.cleanupLeftovers';

export function restoreHandlers(restore: RestoreService): HandlerGroup<RestoreOps> {
  return {
    'restore.preflight': async ({ profileId, file, targetDatabase, options }) =>
      restore.preflight({ profileId, file, targetDatabase, options }),
    // RESTORE is checked, and each action audited once, by dispatch (the contract's rule for these three).
    'restore.start': async ({ confirm: _confirmed, ...req }, ctx) => restore.start(req, ctx),
    'restore.rollback': async ({ restoreId, lockTimeoutSeconds, profileId }) =>
      restore.rollback(restoreId, { lockTimeoutSeconds, profileId }),
    'restore.discard': async ({ restoreId, profileId }) => restore.discard(restoreId, profileId),
    'restore.list': async ({ profileId, limit }) => restore.list({ profileId, limit }),
    'restore.get': async ({ id }) => restore.get(id),
    'restore.cleanupLeftovers': async ({ profileId }) => restore.cleanup(profileId),
  };
}
