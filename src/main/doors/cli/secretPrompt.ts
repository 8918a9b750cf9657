import { SECRET_LABELS } from '../../../shared/contract/profiles';
import { SECRET_ENV, type SecretPrompt } from '../../features/connections/secretSources';
import { promptSecret } from './prompt';

/**
 * On a terminal, ask for secrets the store does not have (no OS keyring → nothing survives a run) and
 * no env var gives. Answers last for the process (SecretSources remembers them); the App registers each
 * for log scrubbing. Undefined off a terminal or with --json: the missing secret is then an error.
 */
export function terminalSecretPrompt(json: boolean): SecretPrompt | undefined {
  if (!process.stdin.isTTY || json) return undefined;
  return (profile, name) =>
    promptSecret(`${SECRET_LABELS[name]} for profile "${profile.name}" (${SECRET_ENV[name]} also works): `);
}
