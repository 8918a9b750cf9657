import type { Command } from 'commander';
import type { ProfileInput, SecretName } from '../../../shared/contract/profiles';
import { AppError } from '../../core/AppError';
import { promptSecret } from './prompt';

export interface DbTargetOptions {
  profile?: string;
  url?: string;
  ssh?: string;
  sshKey?: string;
  acceptHostKey?: string;
}

/** `--profile NAME | --url mysql://user@host:port/db` plus `--ssh user@host[:port] --ssh-key PATH`. */
export function addDbTargetOptions(cmd: Command): Command {
  return cmd
    .option('--profile <name>', 'saved profile name or id')
    .option('--url <url>', 'mysql://user@host:port/db (password from MYSQL_PWD or a prompt, never argv)')
    .option('--ssh <user@host[:port]>', 'reach the database through this SSH host')
    .option('--ssh-key <path>', 'private key for --ssh (passphrase from SSH_PASSPHRASE or a prompt)')
    .option('--accept-host-key <SHA256:...>', 'trust this SSH host key fingerprint on first contact');
}

/**
 * The backup folders of a `--url` target. A saved profile has them as settings (`profile edit
 * --local-backup-dir/--remote-backup-dir`); a target built from flags has nowhere else to get them.
 */
export interface BackupFolderOptions {
  dir?: string;
  remoteDir?: string;
}

/** `--dir` and `--remote-dir` for commands that work on a target's backup folders, not its database. */
export function addBackupFolderOptions(cmd: Command): Command {
  return cmd
    .option(
      '--dir <dir>',
      'with --url: the local backup folder (default: <app home>/backups/<user_host_port>, where backup create --url writes)',
    )
    .option('--remote-dir <dir>', 'with --url --ssh: the backup folder on the SSH host');
}

/** What a command needs from a target built from flags, beyond the connection itself. */
export interface TargetNeeds {
  folders?: BackupFolderOptions;
  /**
   * false for commands that never log in to MySQL (SFTP downloads, deleting local files): MYSQL_PWD is
   * still taken when set, but nobody is prompted for a password that would not be used.
   */
  mysqlPassword?: boolean;
}

/** Turn `--url`/`--ssh` into a profile body and its secrets; the password never comes from argv. */
export async function profileTargetFromFlags(
  opts: DbTargetOptions,
  needs: TargetNeeds = {},
): Promise<{ input: ProfileInput; secrets: Partial<Record<SecretName, string>> }> {
  if (!opts.url) throw new AppError('INVALID_ARGUMENT', 'Give --profile NAME or --url mysql://user@host:port/db.');
  let url: URL;
  try {
    url = new URL(opts.url);
  } catch {
    throw new AppError('INVALID_ARGUMENT', `--url is not a URL: ${opts.url}`);
  }
  if (url.protocol !== 'mysql:' && url.protocol !== 'mariadb:')
    throw new AppError('INVALID_ARGUMENT', '--url must start with mysql://');
  if (url.password) {
    throw new AppError(
      'INVALID_ARGUMENT',
      'Do not put the password in --url (it would show in the process list); use MYSQL_PWD or the prompt.',
    );
  }
  const user = decodeURIComponent(url.username || 'root');
  const host = url.hostname.replace(/^\[|\]$/g, '') || '127.0.0.1';
  const input: ProfileInput = {
    name: `${user}@${host}:${url.port || 3306}`,
    environment: 'development',
    mysql: {
      host,
      port: Number(url.port || 3306),
      user,
      database: decodeURIComponent(url.pathname.replace(/^\//, '')) || undefined,
    },
  };
  if (needs.folders?.dir) input.localBackupDir = needs.folders.dir;
  if (needs.folders?.remoteDir) {
    if (!opts.ssh)
      throw new AppError('INVALID_ARGUMENT', '--remote-dir needs --ssh user@host[:port]: the folder is on that host.');
    input.remoteBackupDir = needs.folders.remoteDir;
  }
  const secrets: Partial<Record<SecretName, string>> = {};
  const password =
    process.env.MYSQL_PWD ?? (needs.mysqlPassword === false ? null : await promptSecret(`MySQL password for ${user}@${host}: `));
  if (password) secrets['mysql.password'] = password;
  if (opts.ssh) {
    const m = /^(?:([^@]+)@)?([^:@]+)(?::(\d+))?$/.exec(opts.ssh);
    if (!m) throw new AppError('INVALID_ARGUMENT', `--ssh must look like user@host[:port], got ${opts.ssh}`);
    input.ssh = {
      host: m[2] as string,
      port: Number(m[3] ?? 22),
      user: m[1] ?? process.env.USER ?? 'root',
      auth: opts.sshKey ? 'key' : 'agent',
      privateKeyPath: opts.sshKey,
      keepaliveSeconds: 5,
    };
    if (opts.sshKey && process.env.SSH_PASSPHRASE) secrets['ssh.passphrase'] = process.env.SSH_PASSPHRASE;
  }
  return { input, secrets };
}
