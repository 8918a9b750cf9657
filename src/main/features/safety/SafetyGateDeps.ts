import type { JobRunner } from '../../platform/jobs/JobRunner';
import type { AuditLog } from '../audit/AuditLog';
import type { BackupDiffService } from '../backups/diff/BackupDiffService';
import type { MigrationService } from '../migrations/MigrationService';
import type { ProfileService } from '../profiles/ProfileService';
import type { RestoreService } from '../restore/RestoreService';
import type { ActorIdentity } from './ActorIdentity';

/** What a guarded call's subject is read from (subjects.ts): its profile, migrations, restore run or diff. */
export interface SubjectDeps {
  readonly profiles: ProfileService;
  readonly migrations: MigrationService;
  readonly restore: Pick<RestoreService, 'journal'>;
  readonly backupDiffs: Pick<BackupDiffService, 'get'>;
}

/** What ContractSafetyGate uses: the subjects' sources, plus who acts, the audit log and the job runner. */
export interface SafetyGateDeps extends SubjectDeps {
  readonly actor: ActorIdentity;
  readonly audit: AuditLog;
  readonly jobs: JobRunner;
}
