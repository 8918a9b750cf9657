import type { RestoreRecord } from '../../../shared/contract/restore';
import type { JobRunner } from '../../platform/jobs/JobRunner';
import type { Logger } from '../../platform/logging/logger';
import type { KnownSecrets } from '../../platform/logging/secretScrub';
import type { SecretStore } from '../../platform/secrets/SecretStore';
import type { AppDatabase } from '../../platform/store/AppDatabase';
import type { ConnectionManager } from '../connections/ConnectionManager';
import type { ProfileService } from '../profiles/ProfileService';
import type { ActorIdentity } from '../safety/ActorIdentity';

/**
 * What BackupService (and its BackupMaintenance) use of the other services; the App passes them in.
 * `restoreRuns` is read late (pruning keeps the pre-restore backups a restore can still roll back to),
 * because the restore service is built after this one and depends on it.
 */
export interface BackupServiceDeps {
  /** The app-data folder: default backup folders live under it. */
  readonly home: string;
  readonly store: AppDatabase;
  readonly secrets: SecretStore;
  readonly knownSecrets: KnownSecrets;
  readonly logger: Logger;
  readonly actor: ActorIdentity;
  readonly jobs: JobRunner;
  readonly profiles: ProfileService;
  readonly connections: ConnectionManager;
  readonly restore: { list(filter: { profileId?: string; limit?: number }): RestoreRecord[] };
}
