import { auditHandlers } from '../audit/handlers';
import { backupDiffHandlers } from '../backups/diff/handlers';
import { backupHandlers } from '../backups/handlers';
import { connectionHandlers } from '../connections/handlers';
import type { Handlers } from '../core/dispatch';
import { healthHandlers } from '../health/handlers';
import { jobHandlers } from '../jobs/handlers';
import { mailHandlers } from '../mail/handlers';
import { migrationHandlers } from '../migrations/handlers';
import { profileHandlers } from '../profiles/handlers';
import { restoreHandlers } from '../restore/handlers';
import { safetyHandlers } from '../safety/handlers';
import { sandboxHandlers } from '../sandbox/handlers';
import { systemHandlers } from '../system/handlers';
import type { App } from './App';

/** Every operation of the contract, implemented. TypeScript refuses to build while one is missing. */
export function createHandlers(app: App): Handlers {
  return {
    ...systemHandlers(app),
    ...jobHandlers(app),
    ...profileHandlers(app),
    ...sandboxHandlers(app),
    ...connectionHandlers(app),
    ...auditHandlers(app),
    ...mailHandlers(app),
    ...migrationHandlers(app),
    ...backupHandlers(app),
    ...backupDiffHandlers(app),
    ...restoreHandlers(app),
    ...healthHandlers(app),
    ...safetyHandlers(app),
  };
}
