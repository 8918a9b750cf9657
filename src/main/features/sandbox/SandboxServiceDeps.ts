import type { Door } from '../../core/dispatch';
import type { EventBus } from '../../core/EventBus';
import type { JobRunner } from '../../platform/jobs/JobRunner';
import type { BackupService } from '../backups/BackupService';
import type { ConnectionManager } from '../connections/ConnectionManager';
import type { MigrationService } from '../migrations/MigrationService';
import type { ProfileService } from '../profiles/ProfileService';

/** What SandboxService (and its profile and engine helpers) use of the other services; the App passes them in. */
export interface SandboxServiceDeps {
  /** The app-data folder: the sandboxes' data folders live under it. */
  readonly home: string;
  /** The CLI leaves the server running after the process (detached); the app doors stop it on close. */
  readonly door: Door;
  readonly events: EventBus;
  readonly jobs: JobRunner;
  readonly profiles: ProfileService;
  readonly connections: ConnectionManager;
  /** The engine a profile's backups were taken from (a sandbox made from a profile matches it). */
  readonly backups: Pick<BackupService, 'list'>;
  /** A fresh sandbox is migrated with the bundled migrations. */
  readonly migrations: Pick<MigrationService, 'migrationsDir' | 'migrate'>;
  /**
   * Register the server's stop to run when the App closes. The App builds the sandbox before it registers
   * the connection manager's closer, so pools to the sandbox close before its server stops.
   */
  onClose(closer: () => Promise<void> | void): void;
}
