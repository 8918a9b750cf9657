import type { Profile, SecretName } from '../../../shared/contract/profiles';
import { AppError } from '../../core/AppError';
import type { ProfileService } from '../profiles/ProfileService';

/** Environment variables that may stand in for a secret on the CLI (never argv: it shows in `ps`). */
export const SECRET_ENV: Record<SecretName, string> = {
  'mysql.password': 'MYSQL_PWD',
  'ssh.password': 'SSH_PASSWORD',
  'ssh.passphrase': 'SSH_PASSPHRASE',
  'jump.password': 'JUMP_PASSWORD',
  'jump.passphrase': 'JUMP_PASSPHRASE',
  'smtp.password': 'SMTP_PASSWORD',
};

export type SecretPrompt = (profile: Profile, name: SecretName) => Promise<string | null>;

/**
 * Where a connection finds a secret, in order: the secret store; on the CLI, the env var above; then a
 * prompt when one is installed (a terminal). Headless machines often have no OS keyring, so the store
 * forgets between runs — env vars and prompts keep the CLI usable there. Answers are remembered for the
 * life of the process so a pool of four does not ask four times.
 */
export class SecretSources {
  prompt: SecretPrompt | null = null;
  private readonly answered = new Map<string, string | null>();

  constructor(
    private readonly profiles: ProfileService,
    private readonly useEnv: boolean,
  ) {}

  /** `required`: the caller cannot go on without it (an SSH password, an encrypted key's passphrase). */
  async get(profileId: string, name: SecretName, required = false): Promise<string | null> {
    const stored = await this.profiles.secret(profileId, name);
    if (stored) return stored;
    if (this.useEnv) {
      const v = process.env[SECRET_ENV[name]];
      if (v) return v;
    }
    const key = `${profileId}:${name}`;
    if (this.answered.has(key)) return this.answered.get(key) ?? null;
    if (!this.prompt) return null;
    const profile = this.profiles.get(profileId);
    if (!required && !profile.secrets.includes(name)) return null;
    const answer = await this.prompt(profile, name);
    this.answered.set(key, answer);
    return answer;
  }

  /** After a profile edit the old answers may be wrong. */
  forget(profileId: string): void {
    for (const k of [...this.answered.keys()]) if (k.startsWith(`${profileId}:`)) this.answered.delete(k);
  }
}

/**
 * A secret the profile says was saved, but that no source of this process has: the store keeps secrets
 * only while a program runs (no OS keyring: servers, containers, WSL, CI). Said in words, with the env var
 * and the prompt that supply it, instead of the server's "Access denied … (using password: NO)".
 */
export function missingSavedSecret(profile: Profile, name: SecretName): AppError {
  return new AppError(
    'SECRET_UNAVAILABLE',
    `The ${name} saved with profile "${profile.name}" is not available: this machine's secret store keeps secrets only while a program runs (no OS keyring). ` +
      `On the CLI give it with ${SECRET_ENV[name]}=… or answer the prompt on a terminal; in the app, enter it again under Connections → Edit.`,
    { profileId: profile.id, secret: name, env: SECRET_ENV[name] },
  );
}
