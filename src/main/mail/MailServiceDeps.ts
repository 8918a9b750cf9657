import type { ConnectionManager } from '../connections/ConnectionManager';
import type { EventBus } from '../core/EventBus';
import type { JobRunner } from '../jobs/JobRunner';
import type { ProfileService } from '../profiles/ProfileService';
import type { AppDatabase } from '../store/AppDatabase';

/** What MailService uses of the other services; the App passes them in. */
export interface MailServiceDeps {
  readonly store: AppDatabase;
  readonly events: EventBus;
  readonly jobs: JobRunner;
  readonly profiles: ProfileService;
  /** Only for its secret sources: an SMTP password from SMTP_PASSWORD or a prompt, like MySQL's. */
  readonly connections: ConnectionManager;
  /** Register the capture server and the Mailpit watch to close with the App. */
  onClose(closer: () => Promise<void> | void): void;
}
