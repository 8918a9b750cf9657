import type { HandlerGroup } from '../../core/dispatch';
import type { MigrationService } from './MigrationService';

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

export function migrationHandlers(migrations: MigrationService): HandlerGroup<MigrationOps> {
  const m = migrations;
  return {
    'migrations.status': async ({ profileId, migrationsDir }) => m.status(profileId, migrationsDir),
    // Confirmations (the database name on production) are checked, and each call audited, by dispatch.
    'migrations.migrate': async ({ profileId, confirm: _c, ...opts }) => m.migrate(profileId, opts),
    'migrations.validate': async ({ profileId, migrationsDir }) => m.validate(profileId, migrationsDir),
    'migrations.dryRun': async ({ profileId, migrationsDir, files }) => m.dryRun(profileId, migrationsDir, files),
    'migrations.baseline': async ({ profileId, confirm: _c, ...opts }) => m.baseline(profileId, opts),
    'migrations.repair.resume': async ({ profileId, confirm: _c, ...opts }) => m.resume(profileId, opts),
    'migrations.repair.markApplied': async ({ profileId, confirm: _c, ...opts }) => m.markApplied(profileId, opts),
    'migrations.repair.acceptChecksum': async ({ profileId, confirm: _c, ...opts }) => m.acceptChecksum(profileId, opts),
    'migrations.repair.adopt': async ({ profileId, confirm: _c, ...opts }) => m.adopt(profileId, opts),
    'migrations.fileContent': async ({ profileId, migrationsDir, filename }) => m.fileContent(profileId, migrationsDir, filename),
    'migrations.lockState': async ({ profileId }) => m.lockState(profileId),
    'migrations.history': async ({ profileId, filename, limit }) => m.history(profileId, filename, limit),
  };
}
