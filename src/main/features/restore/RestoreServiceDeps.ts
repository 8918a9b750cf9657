import type { JobRunner } from '../../platform/jobs/JobRunner';
import type { AppDatabase } from '../../platform/store/AppDatabase';
import type { AuditLog } from '../audit/AuditLog';
import type { BackupService } from '../backups/BackupService';
import type { ConnectionManager } from '../connections/ConnectionManager';
import type { MigrationService } from '../migrations/MigrationService';
import type { ProfileService } from '../profiles/ProfileService';

/**
 * What RestoreService and the restore run (ShadowSchemaRestore, preflight, leftovers) use of the other
 * services; the App passes them in. Helpers take a `Pick` of it naming only what they use.
 */
export interface RestoreServiceDeps {
  readonly store: AppDatabase;
  readonly jobs: JobRunner;
  readonly audit: AuditLog;
  readonly profiles: ProfileService;
  readonly connections: ConnectionManager;
  /** The pre-restore backup (into the profile's folder) and the preflight's seal check. */
  readonly backups: Pick<BackupService, 'localDir' | 'createBackup' | 'seal'>;
  /** Migrations a restore rewound (the restored data is older than the live schema_version). */
  readonly migrations: Pick<MigrationService, 'rewinds'>;
}
