import type { JobRunner } from '../../platform/jobs/JobRunner';
import type { AppDatabase } from '../../platform/store/AppDatabase';
import type { BackupService } from '../backups/BackupService';
import type { ConnectionManager } from '../connections/ConnectionManager';
import type { ProfileService } from '../profiles/ProfileService';

/** What MigrationService uses of the other services; the App passes them in. */
export interface MigrationServiceDeps {
  readonly store: AppDatabase;
  readonly jobs: JobRunner;
  readonly profiles: ProfileService;
  readonly connections: ConnectionManager;
  /** The pre-migration backup. */
  readonly backups: Pick<BackupService, 'localDir' | 'createBackup'>;
}
