import fs from 'node:fs';
import type { Command } from 'commander';
// ssh2 is CommonJS: under plain Node ESM only its default export is reliable.
import ssh2 from 'ssh2';
import {
  AGE_RECIPIENT,
  type Profile,
  type ProfileInput,
  type SecretName,
  type SshHopSettings,
} from '../../../../shared/contract/profiles';
import { AppError } from '../../../core/AppError';
import { SECRET_ENV } from '../../../features/connections/secretSources';
import { promptSecret } from '../prompt';

/** Every profile field as a flag. Secrets are never flags: they come from env vars or a prompt. */
export interface ProfileFlags {
  env?: string;
  color?: string;
  mysqlHost?: string;
  mysqlPort?: string;
  mysqlUser?: string;
  database?: string;
  tls?: string;
  caFile?: string;
  ssh?: string;
  sshAuth?: string;
  sshKey?: string;
  sshAgentSocket?: string;
  keepalive?: string;
  jump?: string;
  jumpAuth?: string;
  jumpKey?: string;
  jumpAgentSocket?: string;
  localBackupDir?: string;
  remoteBackupDir?: string;
  backupEncrypt?: string;
  migrationsDir?: string;
  smtpHost?: string;
  smtpPort?: string;
  smtpSecurity?: string;
  smtpUser?: string;
  smtpFrom?: string;
  mailpitUrl?: string;
  removeSsh?: boolean;
  removeJump?: boolean;
  removeSmtp?: boolean;
  removeMailpit?: boolean;
  askPassword?: boolean;
  clearSecret?: string[];
}

export function addProfileFlags(cmd: Command): Command {
  return cmd
    .option('--env <environment>', 'development | staging | production')
    .option('--color <#rrggbb>', 'colour that marks this profile in the UI')
    .option('--mysql-host <host>', 'MySQL host (as seen from the SSH host when --ssh is set)')
    .option('--mysql-port <port>', 'MySQL port')
    .option('--mysql-user <user>', 'MySQL user (password from MYSQL_PWD or a prompt)')
    .option('--database <name>', "default database ('' to unset)")
    .option('--tls <mode>', 'off | required | verify')
    .option('--ca-file <path>', 'CA certificate for --tls verify')
    .option('--ssh <user@host[:port]>', 'reach MySQL through this SSH host')
    .option('--ssh-auth <method>', 'agent | key | password (password from SSH_PASSWORD or a prompt)')
    .option('--ssh-key <path>', 'private key file (passphrase from SSH_PASSPHRASE or a prompt)')
    .option('--ssh-agent-socket <path>', 'ssh-agent socket (default: SSH_AUTH_SOCK)')
    .option('--keepalive <seconds>', 'SSH keepalive interval; a silent drop is noticed after 3 intervals')
    .option('--jump <user@host[:port]>', 'jump host (ProxyJump) in front of the SSH host')
    .option('--jump-auth <method>', 'agent | key | password for the jump host (JUMP_PASSWORD / JUMP_PASSPHRASE)')
    .option('--jump-key <path>', 'private key file for the jump host')
    .option('--jump-agent-socket <path>', 'ssh-agent socket for the jump host')
    .option('--local-backup-dir <path>', "local backup folder (default: the profile's own, <app home>/backups/<name>-<id>)")
    .option('--remote-backup-dir <path>', 'backup folder on the SSH host')
    .option(
      '--backup-encrypt <age1…,…|passphrase|off>',
      "encrypt this profile's backups by default (age): to these public keys, or with a passphrase asked at each backup; off to stop",
    )
    .option('--migrations-dir <path>', "migrations folder (default: the bundled migrations/; '' to reset)")
    .option('--smtp-host <host>', 'SMTP host (password from SMTP_PASSWORD)')
    .option('--smtp-port <port>', 'SMTP port')
    .option('--smtp-security <mode>', 'none | starttls | tls')
    .option('--smtp-user <user>', 'SMTP user')
    .option('--smtp-from <address>', 'sender address')
    .option('--mailpit-url <url>', 'Mailpit web/API address')
    .option('--ask-password', 'prompt for the MySQL password')
    .option('--clear-secret <name...>', 'delete stored secrets (mysql.password, ssh.passphrase, …)');
}

function num(v: string | undefined, what: string): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n)) throw new AppError('INVALID_ARGUMENT', `${what} must be a whole number, got "${v}".`);
  return n;
}

function userHost(spec: string, flag: string): { user: string; host: string; port: number } {
  const m = /^(?:([^@]+)@)?(\[[^\]]+\]|[^:@]+)(?::(\d+))?$/.exec(spec);
  if (!m) throw new AppError('INVALID_ARGUMENT', `${flag} must look like user@host[:port], got "${spec}".`);
  return { user: m[1] ?? process.env.USER ?? 'root', host: (m[2] as string).replace(/^\[|\]$/g, ''), port: Number(m[3] ?? 22) };
}

/** `--backup-encrypt`: `off` (or ''), `passphrase`, or age public keys separated by commas. */
function backupEncryptionFlag(v: string | undefined, current: Profile['backupEncryption']): Profile['backupEncryption'] {
  if (v === undefined) return current;
  const spec = v.trim();
  if (spec === '' || spec === 'off') return undefined;
  if (spec === 'passphrase') return { recipients: [], askPassphrase: true };
  const recipients = spec
    .split(',')
    .map((r) => r.trim())
    .filter(Boolean);
  const bad = recipients.find((r) => !AGE_RECIPIENT.test(r));
  if (bad)
    throw new AppError(
      'INVALID_ARGUMENT',
      `--backup-encrypt: "${bad.slice(0, 24)}" is not an age public key (age1…), passphrase or off.`,
    );
  return { recipients, askPassphrase: false };
}

/** '' clears an optional text field; undefined keeps the current value. */
function text(v: string | undefined, current: string | undefined): string | undefined {
  if (v === undefined) return current;
  return v === '' ? undefined : v;
}

function hop(
  spec: string | undefined,
  auth: string | undefined,
  key: string | undefined,
  agent: string | undefined,
  current: SshHopSettings | undefined,
  flag: string,
): SshHopSettings | undefined {
  if (!spec && !current) {
    if (auth || key || agent) throw new AppError('INVALID_ARGUMENT', `${flag}-auth/-key need ${flag} user@host first.`);
    return undefined;
  }
  const base = spec ? userHost(spec, flag) : (current as SshHopSettings);
  const method = (auth ?? (key ? 'key' : (current?.auth ?? 'agent'))) as SshHopSettings['auth'];
  return {
    host: base.host,
    port: base.port,
    user: base.user,
    auth: method,
    privateKeyPath: text(key, current?.privateKeyPath),
    agentSocket: text(agent, current?.agentSocket),
  };
}

/** Merge flags over an existing profile (edit) or over nothing (add). The result is validated by the contract. */
export function profileInputFromFlags(name: string, f: ProfileFlags, current?: Profile): ProfileInput {
  const c = current;
  const mysqlUser = f.mysqlUser ?? c?.mysql.user;
  if (!mysqlUser) throw new AppError('INVALID_ARGUMENT', 'Give --mysql-user.');
  const input: ProfileInput = {
    name,
    environment: (f.env ?? c?.environment ?? 'development') as ProfileInput['environment'],
    color: text(f.color, c?.color),
    mysql: {
      host: f.mysqlHost ?? c?.mysql.host ?? '127.0.0.1',
      port: num(f.mysqlPort, '--mysql-port') ?? c?.mysql.port ?? 3306,
      user: mysqlUser,
      database: text(f.database, c?.mysql.database),
      tls: (f.tls ?? c?.mysql.tls ?? 'off') as NonNullable<ProfileInput['mysql']['tls']>,
      caFile: text(f.caFile, c?.mysql.caFile),
    },
    localBackupDir: text(f.localBackupDir, c?.localBackupDir),
    remoteBackupDir: text(f.remoteBackupDir, c?.remoteBackupDir),
    backupEncryption: backupEncryptionFlag(f.backupEncrypt, c?.backupEncryption),
    migrationsDir: text(f.migrationsDir, c?.migrationsDir),
  };
  if (!f.removeSsh) {
    const ssh = hop(f.ssh, f.sshAuth, f.sshKey, f.sshAgentSocket, c?.ssh, '--ssh');
    if (ssh) {
      const jump = f.removeJump ? undefined : hop(f.jump, f.jumpAuth, f.jumpKey, f.jumpAgentSocket, c?.ssh?.jump, '--jump');
      input.ssh = { ...ssh, jump, keepaliveSeconds: num(f.keepalive, '--keepalive') ?? c?.ssh?.keepaliveSeconds ?? 5 };
    } else if (f.jump) throw new AppError('INVALID_ARGUMENT', '--jump needs --ssh: the jump host sits in front of an SSH host.');
  }
  const smtpHost = f.smtpHost ?? c?.smtp?.host;
  if (smtpHost && !f.removeSmtp) {
    input.smtp = {
      host: smtpHost,
      port: num(f.smtpPort, '--smtp-port') ?? c?.smtp?.port ?? 25,
      security: (f.smtpSecurity ?? c?.smtp?.security ?? 'none') as 'none' | 'starttls' | 'tls',
      user: text(f.smtpUser, c?.smtp?.user),
      from: f.smtpFrom ?? c?.smtp?.from,
    };
  }
  const mailpitUrl = f.mailpitUrl ?? c?.mailpit?.url;
  if (mailpitUrl && !f.removeMailpit) input.mailpit = { url: mailpitUrl };
  return input;
}

/**
 * Secrets for add/edit: env vars when set; on a terminal, prompts for what the profile needs and lacks
 * (the MySQL password on add or with --ask-password, an SSH password, an encrypted key's passphrase).
 */
export async function secretsFromEnvAndPrompt(
  input: ProfileInput,
  f: ProfileFlags,
  have: readonly SecretName[],
  adding: boolean,
): Promise<Partial<Record<SecretName, string | null>>> {
  const out: Partial<Record<SecretName, string | null>> = {};
  for (const [name, env] of Object.entries(SECRET_ENV) as Array<[SecretName, string]>) {
    const v = process.env[env];
    if (v !== undefined && v !== '') out[name] = v;
  }
  const missing = (n: SecretName) => out[n] === undefined && !have.includes(n);
  const ask = async (n: SecretName, question: string) => {
    const v = await promptSecret(question);
    if (v) out[n] = v;
  };
  if ((adding && missing('mysql.password')) || (f.askPassword && out['mysql.password'] === undefined)) {
    await ask('mysql.password', `MySQL password for ${input.mysql.user}@${input.mysql.host} (empty for none): `);
  }
  for (const [role, settings] of [
    ['ssh', input.ssh],
    ['jump', input.ssh?.jump],
  ] as const) {
    if (!settings) continue;
    if (settings.auth === 'password' && missing(`${role}.password`)) {
      await ask(`${role}.password`, `SSH password for ${settings.user}@${settings.host}: `);
    }
    if (
      settings.auth === 'key' &&
      settings.privateKeyPath &&
      missing(`${role}.passphrase`) &&
      isEncryptedKey(settings.privateKeyPath)
    ) {
      await ask(`${role}.passphrase`, `Passphrase for ${settings.privateKeyPath}: `);
    }
  }
  for (const raw of f.clearSecret ?? []) {
    if (!(raw in SECRET_ENV))
      throw new AppError('INVALID_ARGUMENT', `Unknown secret "${raw}"; known: ${Object.keys(SECRET_ENV).join(', ')}.`);
    out[raw as SecretName] = null;
  }
  return out;
}

function isEncryptedKey(p: string): boolean {
  try {
    const parsed = ssh2.utils.parseKey(fs.readFileSync(p.replace(/^~(?=\/)/, process.env.HOME ?? '~')));
    return parsed instanceof Error && /passphrase/i.test(parsed.message);
  } catch {
    return false;
  }
}
