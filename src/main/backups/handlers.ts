import type { App } from '../app/App';
import { AppError } from '../core/AppError';
import type { HandlerGroup } from '../core/dispatch';

/** Like SysNDD's API: deleting backups needs the exact word DELETE; refusals are audited too. */
function requireDeleteWord(
  app: App,
  confirm: string | undefined,
  actor: string,
  action: string,
  profileId: string,
  target: string,
): void {
  if (confirm === 'DELETE') return;
  app.audit.record({ actor, action, profileId, target, result: 'refused', details: { reason: 'confirmation missing' } });
  throw new AppError('CONFIRMATION_REQUIRED', 'Deleting backups needs confirm: "DELETE" (CLI: --confirm DELETE).');
}

type BackupOps =
  | 'backups.list'
  | 'backups.create'
  | 'backups.verify'
  | 'backups.download'
  | 'backups.delete'
  | 'backups.prunePreview'
  | 'backups.prune'
  | 'backups.manifest';

export function backupHandlers(app: App): HandlerGroup<BackupOps> {
  return {
    'backups.list': async ({ profileId, refreshRemote }) => app.backups.list(profileId, refreshRemote),
    'backups.create': async ({ profileId, options }) => app.backups.startCreate(profileId, options),
    'backups.verify': async (args) => app.backups.maintenance.startVerify(args),
    'backups.download': async ({ profileId, name }) => app.backups.maintenance.startDownload(profileId, name),
    'backups.delete': async ({ profileId, name, location, confirm }, ctx) => {
      requireDeleteWord(app, confirm, ctx.actor, 'backups.delete', profileId, `${location}:${name}`);
      return app.backups.maintenance.delete(profileId, name, location, ctx.actor);
    },
    'backups.prunePreview': async ({ profileId, rule }) => app.backups.maintenance.prunePreview(profileId, rule),
    'backups.prune': async ({ profileId, rule, confirm }, ctx) => {
      requireDeleteWord(app, confirm, ctx.actor, 'backups.prune', profileId, rule.location);
      return app.backups.maintenance.prune(profileId, rule, ctx.actor);
    },
    'backups.manifest': async (ref) => app.backups.manifest(ref),
  };
}
