import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
// ssh2 is CommonJS: under plain Node ESM only its default export is reliable.
import ssh2 from 'ssh2';
import type { SecretName, SshHopSettings } from '../../../../shared/contract/profiles';
import { AppError } from '../../../core/AppError';

export type HopRole = 'ssh' | 'jump';

/** What ssh2 needs to authenticate one hop. Lives only in memory for the length of a connect. */
export interface HopCredentials {
  agent?: string;
  privateKey?: Buffer;
  passphrase?: string;
  password?: string;
  /** For messages: "key ~/.ssh/id_ed25519", "agent /tmp/ssh-x/agent.1", "password". */
  describe: string;
}

/** `required`: the connect cannot go on without it, so a prompt may ask even if the profile never saved one. */
export type SecretLookup = (name: SecretName, required?: boolean) => Promise<string | null>;

export function expandHome(p: string): string {
  if (p === '~') return os.homedir();
  if (p.startsWith('~/')) return path.join(os.homedir(), p.slice(2));
  return p;
}

const DEFAULT_KEYS = ['id_ed25519', 'id_ecdsa', 'id_rsa'];

/**
 * Gather a hop's credentials from the profile and the secret store, failing early with a precise message
 * (missing agent socket, unreadable key file, encrypted key without its passphrase, wrong passphrase) rather
 * than letting the server answer a vague "all authentication methods failed".
 */
export async function resolveCredentials(
  hop: SshHopSettings,
  role: HopRole,
  secretOf: SecretLookup,
  sshDir: string,
): Promise<HopCredentials> {
  const who = role === 'jump' ? 'jump host' : 'SSH host';
  if (hop.auth === 'agent') {
    const agent = hop.agentSocket ? expandHome(hop.agentSocket) : process.env.SSH_AUTH_SOCK;
    if (!agent) {
      throw new AppError(
        'SSH_AUTH_FAILED',
        `Agent authentication for the ${who} needs an agent: start ssh-agent (SSH_AUTH_SOCK) or set the agent socket in the profile.`,
      );
    }
    if (process.platform !== 'win32' && agent !== 'pageant' && !fs.existsSync(agent)) {
      throw new AppError('SSH_AUTH_FAILED', `The SSH agent socket ${agent} does not exist. Is ssh-agent running?`);
    }
    return { agent, describe: `agent ${agent}` };
  }
  if (hop.auth === 'password') {
    const password = await secretOf(role === 'jump' ? 'jump.password' : 'ssh.password', true);
    if (!password)
      throw new AppError(
        'SECRET_UNAVAILABLE',
        `No SSH password is saved for the ${who} ${hop.user}@${hop.host}. Enter it in the profile.`,
      );
    return { password, describe: 'password' };
  }
  const keyPath = findKeyFile(hop.privateKeyPath, sshDir, who);
  let data: Buffer;
  try {
    data = fs.readFileSync(keyPath);
  } catch (err) {
    throw new AppError('SSH_AUTH_FAILED', `Cannot read the private key ${keyPath}: ${(err as Error).message}`);
  }
  // Ask for a passphrase only when the key turns out to be encrypted.
  let passphrase: string | undefined;
  let parsed = ssh2.utils.parseKey(data);
  if (parsed instanceof Error && /no passphrase given/i.test(parsed.message)) {
    passphrase = (await secretOf(role === 'jump' ? 'jump.passphrase' : 'ssh.passphrase', true)) ?? undefined;
    if (passphrase) parsed = ssh2.utils.parseKey(data, passphrase);
  }
  if (parsed instanceof Error) {
    if (/no passphrase given/i.test(parsed.message)) {
      throw new AppError('SECRET_UNAVAILABLE', `The private key ${keyPath} is encrypted: save its passphrase in the profile.`, {
        keyPath,
      });
    }
    if (/bad passphrase|integrity check failed/i.test(parsed.message)) {
      throw new AppError('SSH_AUTH_FAILED', `The saved passphrase does not unlock the private key ${keyPath}.`, { keyPath });
    }
    throw new AppError('SSH_AUTH_FAILED', `The file ${keyPath} is not a usable private key (${parsed.message}).`, { keyPath });
  }
  return { privateKey: data, passphrase, describe: `key ${keyPath}` };
}

function findKeyFile(configured: string | undefined, sshDir: string, who: string): string {
  if (configured) {
    const p = expandHome(configured);
    if (!fs.existsSync(p))
      throw new AppError('SSH_AUTH_FAILED', `The private key file ${p} for the ${who} does not exist.`, { keyPath: p });
    return p;
  }
  for (const name of DEFAULT_KEYS) {
    const p = path.join(sshDir, name);
    if (fs.existsSync(p)) return p;
  }
  throw new AppError(
    'SSH_AUTH_FAILED',
    `No private key file is set for the ${who} and none of ${DEFAULT_KEYS.join(', ')} exists in ${sshDir}.`,
  );
}
