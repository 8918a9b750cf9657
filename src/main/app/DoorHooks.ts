import type { HostKeyCheck } from '../../shared/contract/connections';
import type { SecretPrompt } from '../features/connections/secretSources';

/**
 * What only a door can do for the services, handed to the App once when it is built. Today only the CLI
 * has hooks (a terminal to ask on); the Electron and browser doors pass none and get the default
 * behaviour: an unknown host key or a missing secret is a failure the UI shows, with its own way to fix it.
 */
export interface DoorHooks {
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
