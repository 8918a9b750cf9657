import type { Handlers } from '../core/dispatch';
import type { AuditLog } from '../features/audit/AuditLog';
import { auditHandlers } from '../features/audit/handlers';
import type { BackupService } from '../features/backups/BackupService';
import type { BackupDiffService } from '../features/backups/diff/BackupDiffService';
import { backupDiffHandlers } from '../features/backups/diff/handlers';
import { backupHandlers } from '../features/backups/handlers';
import { type ConnectionHandlerDeps, connectionHandlers } from '../features/connections/handlers';
import { healthHandlers } from '../features/health/handlers';
import type { ReadinessService } from '../features/health/ReadinessService';
import { mailHandlers } from '../features/mail/handlers';
import type { MailService } from '../features/mail/MailService';
import { migrationHandlers } from '../features/migrations/handlers';
import type { MigrationService } from '../features/migrations/MigrationService';
import { profileHandlers } from '../features/profiles/handlers';
import { restoreHandlers } from '../features/restore/handlers';
import type { RestoreService } from '../features/restore/RestoreService';
import type { ActorIdentity } from '../features/safety/ActorIdentity';
import { safetyHandlers } from '../features/safety/handlers';
import type { ContractSafetyGate } from '../features/safety/SafetyGate';
import { sandboxHandlers } from '../features/sandbox/handlers';
import type { SandboxService } from '../features/sandbox/SandboxService';
import { type SystemHandlerDeps, systemHandlers } from '../features/system/handlers';
import { jobHandlers } from '../platform/jobs/handlers';
import type { JobRunner } from '../platform/jobs/JobRunner';
import type { JobStore } from '../platform/jobs/JobStore';

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
