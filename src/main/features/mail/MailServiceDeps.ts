import type { EventBus } from '../../core/EventBus';
import type { JobRunner } from '../../platform/jobs/JobRunner';
import type { AppDatabase } from '../../platform/store/AppDatabase';
import type { ConnectionManager } from '../connections/ConnectionManager';
import type { ProfileService } from '../profiles/ProfileService';

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
