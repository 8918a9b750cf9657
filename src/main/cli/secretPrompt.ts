import type { SecretName } from '../../shared/contract/profiles';
import type { App } from '../app/App';
import { SECRET_ENV } from '../connections/secretSources';
import { promptSecret } from './prompt';

const SECRET_LABEL: Record<SecretName, string> = {
  'mysql.password': 'MySQL password',
  'ssh.password': 'SSH password',
  'ssh.passphrase': 'SSH key passphrase',
  'jump.password': 'Jump host password',
  'jump.passphrase': 'Jump host key passphrase',
  'smtp.password': 'SMTP password',
};

/**
 * On a terminal, ask for secrets the store does not have (no OS keyring → nothing survives a run) and
 * no env var gives. Any command that connects can call this once; answers last for the process.
 */
export function installSecretPrompt(app: App, json: boolean): void {
  if (!process.stdin.isTTY || json) return;
  app.connections.secretSources.prompt = async (profile, name) => {
    const answer = await promptSecret(`${SECRET_LABEL[name]} for profile "${profile.name}" (${SECRET_ENV[name]} also works): `);
    // Typed answers live in memory only, never in the store: register them for log scrubbing here.
    app.knownSecrets.add(answer);
    return answer;
  };
}
