import fs from 'node:fs';
import path from 'node:path';
import type { BackupDecryption, BackupEncryption } from '../../../shared/contract/backups';
import type { BackupEncryptionDefault } from '../../../shared/contract/profiles';
import { isAgeHead } from '../../features/backups/age/ageHeader';
import { keysOf } from '../../features/backups/age/backupKeys';
import { registerBackupKeys, registerDefaultBackupKeys } from '../../features/backups/age/keyRegistry';
import type { KnownSecrets } from '../../platform/logging/secretScrub';
import type { CliContext } from './CliContext';
import { promptSecret } from './prompt';

/**
 * Keys of encrypted backups on the command line: never on argv. `--identity FILE` names an age identity
 * file (only its path travels); the passphrase comes from SYSNDD_ADMIN_BACKUP_PASSPHRASE or a prompt
 * without echo on a terminal.
 */
export const PASSPHRASE_ENV = 'SYSNDD_ADMIN_BACKUP_PASSPHRASE';
export const IDENTITY_ENV = 'SYSNDD_ADMIN_BACKUP_IDENTITY';

async function passphrase(cli: CliContext, question: string): Promise<string | undefined> {
  const env = process.env[PASSPHRASE_ENV];
  if (env) return env;
  if (!process.stdin.isTTY || cli.json) return undefined;
  return (await promptSecret(`${question} (${PASSPHRASE_ENV} also works): `)) ?? undefined;
}

/**
 * The `encrypt` of a new backup: the flags, else the profile's default (`profileDefault`, `backup create`
 * only): its public keys, or a passphrase from the env or a prompt. `--plain` overrides the default.
 */
export async function encryptionFromFlags(
  cli: CliContext,
  o: { encryptTo?: string[]; encryptPassphrase?: boolean; plain?: boolean },
  profileDefault?: BackupEncryptionDefault,
): Promise<BackupEncryption | undefined> {
  const flagged = Boolean(o.encryptPassphrase || o.encryptTo?.length);
  if (o.plain && flagged)
    cli.fail({ ok: false, code: 'INVALID_ARGUMENT', message: '--plain and --encrypt-… exclude each other.' });
  if (o.plain) return undefined;
  if (o.encryptPassphrase || (!flagged && profileDefault?.askPassphrase)) {
    const p = await passphrase(cli, 'Passphrase to encrypt the backup with');
    if (!p)
      cli.fail({
        ok: false,
        code: o.encryptPassphrase ? 'INVALID_ARGUMENT' : 'BACKUP_KEY_REQUIRED',
        message: `${o.encryptPassphrase ? '--encrypt-passphrase' : 'The profile encrypts its backups with a passphrase'}: set ${PASSPHRASE_ENV} or run on a terminal${o.encryptPassphrase ? '' : ' (or give --plain)'}.`,
      });
    return { passphrase: p };
  }
  if (o.encryptTo?.length) return { recipients: o.encryptTo };
  return profileDefault?.recipients.length ? { recipients: profileDefault.recipients } : undefined;
}

/**
 * For a file that is (or may be) encrypted: `--identity`, else SYSNDD_ADMIN_BACKUP_IDENTITY, else the
 * passphrase (env or prompt) when the file is age. Only the identity file's path travels; it is read in
 * the main process.
 */
export async function decryptionFromFlags(
  cli: CliContext,
  file: string,
  o: { identity?: string },
): Promise<BackupDecryption | undefined> {
  if (o.identity) return { identityFile: path.resolve(o.identity) };
  if (!isLocalAgeFile(file)) return undefined;
  const envIdentity = process.env[IDENTITY_ENV];
  if (envIdentity) return { identityFile: path.resolve(envIdentity) };
  const p = await passphrase(cli, `Passphrase of ${file}`);
  return p ? { passphrase: p } : undefined;
}

function isLocalAgeFile(file: string): boolean {
  try {
    const fd = fs.openSync(file, 'r');
    try {
      const buf = Buffer.alloc(32);
      return isAgeHead(buf.subarray(0, fs.readSync(fd, buf, 0, 32, 0)));
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return false;
  }
}

/** Env keys for every encrypted backup this CLI process opens (e.g. `restore FILE.sql.gz.age`). */
export function registerEnvBackupKeys(knownSecrets: KnownSecrets): void {
  const identityFile = process.env[IDENTITY_ENV];
  const pass = process.env[PASSPHRASE_ENV];
  registerDefaultBackupKeys(identityFile || pass ? keysOf({ identityFile, passphrase: pass }, knownSecrets) : null);
}

/**
 * Run `fn` with the keys of `file` registered in this process (the in-process App reads the file through
 * them, age/keyRegistry.ts), released afterwards. A plain file, or no key given: `fn` runs unchanged and an
 * encrypted file then fails by name (BACKUP_KEY_REQUIRED).
 */
export async function withBackupKeys<T>(
  cli: CliContext,
  file: string,
  o: { identity?: string },
  fn: () => Promise<T>,
): Promise<T> {
  const decrypt = await decryptionFromFlags(cli, file, o);
  if (!decrypt) return fn();
  const app = await cli.app();
  const release = registerBackupKeys(path.resolve(file), keysOf(decrypt, app.knownSecrets));
  try {
    return await fn();
  } finally {
    release();
  }
}
