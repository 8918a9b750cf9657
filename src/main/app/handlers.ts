import type { Handlers } from '../core/dispatch';
import { auditHandlers } from '../features/audit/handlers';
import { backupDiffHandlers } from '../features/backups/diff/handlers';
import { backupHandlers } from '../features/backups/handlers';
import { connectionHandlers } from '../features/connections/handlers';
import { healthHandlers } from '../features/health/handlers';
import { mailHandlers } from '../features/mail/handlers';
import { migrationHandlers } from '../features/migrations/handlers';
import { profileHandlers } from '../features/profiles/handlers';
import { restoreHandlers } from '../features/restore/handlers';
import { safetyHandlers } from '../features/safety/handlers';
import { sandboxHandlers } from '../features/sandbox/handlers';
import { systemHandlers } from '../features/system/handlers';
import { jobHandlers } from '../platform/jobs/handlers';

/** The handler groups that take one service, by the App field that holds it. */
const singleServiceGroups = {
  profiles: profileHandlers,
  sandbox: sandboxHandlers,
  audit: auditHandlers,
  mail: mailHandlers,
  migrations: migrationHandlers,
  backups: backupHandlers,
  backupDiffs: backupDiffHandlers,
  restore: restoreHandlers,
  health: healthHandlers,
};
/** What a handler group is given: its one argument. */
type DepsOf<Group extends (deps: never) => unknown> = Parameters<Group>[0];

/**
 * The services the handlers call, as each group declares them (so they are not listed again here): a
 * single-service group's service under its App field name, and the few fields the other groups report on.
 */
export type HandlerServices = {
  readonly [K in keyof typeof singleServiceGroups]: DepsOf<(typeof singleServiceGroups)[K]>;
} & DepsOf<typeof systemHandlers> &
  DepsOf<typeof jobHandlers> &
  DepsOf<typeof connectionHandlers> &
  DepsOf<typeof safetyHandlers>;

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
