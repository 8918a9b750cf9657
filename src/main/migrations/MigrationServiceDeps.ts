import type { BackupService } from '../backups/BackupService';
import type { ConnectionManager } from '../connections/ConnectionManager';
import type { JobRunner } from '../jobs/JobRunner';
import type { ProfileService } from '../profiles/ProfileService';
import type { AppDatabase } from '../store/AppDatabase';

/** What MigrationService uses of the other services; the App passes them in. */
export interface MigrationServiceDeps {
  readonly store: AppDatabase;
  readonly jobs: JobRunner;
  readonly profiles: ProfileService;
  readonly connections: ConnectionManager;
  /** The pre-migration backup. */
  readonly backups: Pick<BackupService, 'localDir' | 'createBackup'>;
}
