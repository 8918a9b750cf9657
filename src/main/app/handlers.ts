import type { AuditLog } from '../audit/AuditLog';
import { auditHandlers } from '../audit/handlers';
import type { BackupService } from '../backups/BackupService';
import type { BackupDiffService } from '../backups/diff/BackupDiffService';
import { backupDiffHandlers } from '../backups/diff/handlers';
import { backupHandlers } from '../backups/handlers';
import { type ConnectionHandlerDeps, connectionHandlers } from '../connections/handlers';
import type { Handlers } from '../core/dispatch';
import { healthHandlers } from '../health/handlers';
import type { ReadinessService } from '../health/ReadinessService';
import { jobHandlers } from '../jobs/handlers';
import type { JobRunner } from '../jobs/JobRunner';
import type { JobStore } from '../jobs/JobStore';
import { mailHandlers } from '../mail/handlers';
import type { MailService } from '../mail/MailService';
import { migrationHandlers } from '../migrations/handlers';
import type { MigrationService } from '../migrations/MigrationService';
import { profileHandlers } from '../profiles/handlers';
import { restoreHandlers } from '../restore/handlers';
import type { RestoreService } from '../restore/RestoreService';
import type { ActorIdentity } from '../safety/ActorIdentity';
import { safetyHandlers } from '../safety/handlers';
import type { ContractSafetyGate } from '../safety/SafetyGate';
import { sandboxHandlers } from '../sandbox/handlers';
import type { SandboxService } from '../sandbox/SandboxService';
import { type SystemHandlerDeps, systemHandlers } from '../system/handlers';

/** The services the handlers call: each group takes its own service (or the few it reports on). */
export interface HandlerServices extends SystemHandlerDeps, ConnectionHandlerDeps {
  readonly jobs: JobRunner;
  readonly jobHistory: JobStore;
  readonly audit: AuditLog;
  readonly actor: ActorIdentity;
  readonly safety: ContractSafetyGate;
  readonly sandbox: SandboxService;
  readonly mail: MailService;
  readonly migrations: MigrationService;
  readonly backups: BackupService;
  readonly backupDiffs: BackupDiffService;
  readonly restore: RestoreService;
  readonly health: ReadinessService;
}

/** Every operation of the contract, implemented. TypeScript refuses to build while one is missing. */
export function createHandlers(s: HandlerServices): Handlers {
  return {
    ...systemHandlers(s),
    ...jobHandlers(s),
    ...profileHandlers(s.profiles),
    ...sandboxHandlers(s.sandbox),
    ...connectionHandlers(s),
    ...auditHandlers(s.audit),
    ...mailHandlers(s.mail),
    ...migrationHandlers(s.migrations),
    ...backupHandlers(s.backups),
    ...backupDiffHandlers(s.backupDiffs),
    ...restoreHandlers(s.restore),
    ...healthHandlers(s.health),
    ...safetyHandlers(s),
  };
}
