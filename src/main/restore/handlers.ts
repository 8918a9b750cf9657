import type { App } from '../app/App';
import type { HandlerGroup } from '../core/dispatch';

type RestoreOps =
  | 'restore.preflight'
  | 'restore.start'
  | 'restore.rollback'
  | 'restore.discard'
  | 'restore.list'
  | 'restore.get'
  | 'restore.cleanupLeftovers';

export function restoreHandlers(app: App): HandlerGroup<RestoreOps> {
  return {
    'restore.preflight': async ({ profileId, file, targetDatabase, options }) =>
      app.restore.preflight({ profileId, file, targetDatabase, options }),
    // RESTORE is checked, and each action audited once, by dispatch (the contract's rule for these three).
    'restore.start': async ({ confirm: _confirmed, ...req }, ctx) => app.restore.start(req, ctx),
    'restore.rollback': async ({ restoreId, lockTimeoutSeconds, profileId }) =>
      app.restore.rollback(restoreId, { lockTimeoutSeconds, profileId }),
    'restore.discard': async ({ restoreId, profileId }) => app.restore.discard(restoreId, profileId),
    'restore.list': async ({ profileId, limit }) => app.restore.list({ profileId, limit }),
    'restore.get': async ({ id }) => app.restore.get(id),
    'restore.cleanupLeftovers': async ({ profileId }) => app.restore.cleanup(profileId),
  };
}
