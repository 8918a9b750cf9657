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
    'restore.start': async ({ confirm, ...req }, ctx) => app.restore.start({ ...req, confirm }, ctx),
    'restore.rollback': async ({ restoreId, confirm, lockTimeoutSeconds, profileId }, ctx) =>
      app.restore.rollback(restoreId, confirm, ctx, { lockTimeoutSeconds, profileId }),
    'restore.discard': async ({ restoreId, confirm, profileId }, ctx) => app.restore.discard(restoreId, confirm, ctx, profileId),
    'restore.list': async ({ profileId, limit }) => app.restore.list({ profileId, limit }),
    'restore.get': async ({ id }) => app.restore.get(id),
    'restore.cleanupLeftovers': async ({ profileId }) => app.restore.cleanup(profileId),
  };
}
