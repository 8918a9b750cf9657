import type { BackupService } from '../backups/BackupService';
import type { ConnectionManager } from '../connections/ConnectionManager';
import type { MailService } from '../mail/MailService';
import type { MigrationService } from '../migrations/MigrationService';
import type { ProfileService } from '../profiles/ProfileService';

/** What the readiness report reads: the services it asks, each check only through its lookups or these. */
export interface ReadinessDeps {
  readonly profiles: ProfileService;
  readonly connections: Pick<ConnectionManager, 'withConnection' | 'poolStats' | 'state'>;
  readonly migrations: Pick<MigrationService, 'status'>;
  readonly backups: Pick<BackupService, 'list' | 'remoteDir' | 'localDir'>;
  readonly mail: Pick<MailService, 'diagnose'>;
}
