import type { HostKeyCheck } from '../../shared/contract/connections';
import type { BackupFileHooks } from '../features/backups/copy/BackupCopies';
import type { SecretPrompt } from '../features/connections/secretSources';

/**
 * What only a door can do for the services, handed to the App once when it is built. The CLI has a
 * terminal to ask on (host keys, secrets); the Electron door has the native save dialog and the file
 * manager (`chooseSavePath`, `showInFolder`, from BackupFileHooks: the backups feature never imports
 * Electron). The browser door passes none and gets the default behaviour: an unknown host key or a missing
 * secret is a failure the UI shows, and a backup's folder is returned for the page to show.
 */
export interface DoorHooks extends BackupFileHooks {
  /**
   * First contact with an SSH host key inside a tunnel: ask a person. Resolves true once the key was
   * trusted and pinned (through `connections.trustHostKey`, so it is audited like a trust from the UI).
   */
  hostKeyPrompt?: (check: HostKeyCheck) => Promise<boolean>;
  /** The door's words for what to do next, added to a HOST_KEY_UNKNOWN error (e.g. the CLI flag to pass). */
  unknownHostKeyAdvice?: (check: HostKeyCheck) => string;
  /**
   * A secret neither the store nor (CLI) the environment has: ask for it. The App registers every answer
   * for log scrubbing, so the hook does not have to.
   */
  secretPrompt?: SecretPrompt;
}
