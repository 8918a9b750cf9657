import type { App } from '../app/App';
import type { HandlerGroup } from '../core/dispatch';

type MigrationOps =
  | 'migrations.status'
  | 'migrations.migrate'
  | 'migrations.validate'
  | 'migrations.dryRun'
  | 'migrations.baseline'
  | 'migrations.repair.resume'
  | 'migrations.repair.markApplied'
  | 'migrations.repair.acceptChecksum'
  | 'migrations.repair.adopt'
  | 'migrations.fileContent'
  | 'migrations.lockState'
  | 'migrations.history';

export function migrationHandlers(app: App): HandlerGroup<MigrationOps> {
  const m = app.migrations;
  return {
    'migrations.status': async ({ profileId, migrationsDir }) => m.status(profileId, migrationsDir),
    'migrations.migrate': async ({ profileId, ...opts }, ctx) => m.migrate(profileId, opts, ctx.actor),
    'migrations.validate': async ({ profileId, migrationsDir }) => m.validate(profileId, migrationsDir),
    'migrations.dryRun': async ({ profileId, migrationsDir, files }) => m.dryRun(profileId, migrationsDir, files),
    'migrations.baseline': async ({ profileId, ...opts }, ctx) => m.baseline(profileId, opts, ctx.actor),
    'migrations.repair.resume': async ({ profileId, ...opts }, ctx) => m.resume(profileId, opts, ctx.actor),
    'migrations.repair.markApplied': async ({ profileId, ...opts }, ctx) => m.markApplied(profileId, opts, ctx.actor),
    'migrations.repair.acceptChecksum': async ({ profileId, ...opts }, ctx) => m.acceptChecksum(profileId, opts, ctx.actor),
    'migrations.repair.adopt': async ({ profileId, ...opts }, ctx) => m.adopt(profileId, opts, ctx.actor),
    'migrations.fileContent': async ({ profileId, migrationsDir, filename }) => m.fileContent(profileId, migrationsDir, filename),
    'migrations.lockState': async ({ profileId }) => m.lockState(profileId),
    'migrations.history': async ({ profileId, filename, limit }) => m.history(profileId, filename, limit),
  };
}
