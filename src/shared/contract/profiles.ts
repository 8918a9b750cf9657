import { z } from 'zod';
import { BackupEncryptionDefault } from './backupEncryptionDefault';
import { ById, ConfirmValue, Empty, HostName, Id, IsoDate, Port, Void } from './common';
import { op } from './define';

export { AGE_RECIPIENT, BackupEncryptionDefault } from './backupEncryptionDefault';

export const Environment = z.enum(['development', 'staging', 'production']);
export type Environment = z.infer<typeof Environment>;

/** Secret fields are never part of a profile: they live in the SecretStore under `profile:<id>:<name>`. */
export const SecretName = z.enum([
  'mysql.password',
  'ssh.password',
  'ssh.passphrase',
  'jump.password',
  'jump.passphrase',
  'smtp.password',
]);
export type SecretName = z.infer<typeof SecretName>;

/** What each secret is called in prompts, forms and messages. */
export const SECRET_LABELS: Record<SecretName, string> = {
  'mysql.password': 'MySQL password',
  'ssh.password': 'SSH password',
  'ssh.passphrase': 'SSH key passphrase',
  'jump.password': 'Jump host password',
  'jump.passphrase': 'Jump host key passphrase',
  'smtp.password': 'SMTP password',
};

export const SshAuth = z.enum(['agent', 'key', 'password']);

export const SshHopSettings = z
  .object({
    host: HostName,
    port: Port.default(22),
    user: z.string().min(1).max(128),
    auth: SshAuth.default('key'),
    privateKeyPath: z.string().max(4096).optional(),
    agentSocket: z.string().max(4096).optional(),
  })
  .strict();
export type SshHopSettings = z.infer<typeof SshHopSettings>;

export const SshSettings = SshHopSettings.extend({
  jump: SshHopSettings.optional(),
  keepaliveSeconds: z.number().int().min(0).max(600).default(5),
}).strict();
export type SshSettings = z.infer<typeof SshSettings>;

export const TlsMode = z.enum(['off', 'required', 'verify']);

export const MysqlSettings = z
  .object({
    host: HostName.default('127.0.0.1'),
    port: Port.default(3306),
    user: z.string().min(1).max(128),
    database: z.string().max(64).optional(),
    tls: TlsMode.default('off'),
    caFile: z.string().max(4096).optional(),
  })
  .strict();
export type MysqlSettings = z.infer<typeof MysqlSettings>;

export const SmtpSecurity = z.enum(['none', 'starttls', 'tls']);
export const SmtpSettings = z
  .object({
    host: HostName,
    port: Port,
    security: SmtpSecurity.default('none'),
    user: z.string().max(256).optional(),
    from: z.string().max(320).default('noreply@sysndd.local'),
  })
  .strict();
export type SmtpSettings = z.infer<typeof SmtpSettings>;

export const MailpitSettings = z.object({ url: z.url().max(2048) }).strict();

/**
 * Why a profile name cannot be used, in words, or null when it can. Names are one line of visible text (they
 * appear in menus, CLI tables and `--profile NAME`); uniqueness (without regard to case) is the core's check.
 * The core throws PROFILE_NAME_INVALID with this text; the form shows it under the field.
 */
export function profileNameProblem(name: string): string | null {
  if (name.trim() === '') return 'Name is required';
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what is refused.
  if (/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/.test(name)) return 'Name must be one line, without tabs or control characters';
  if (name.length > 100) return 'Name must be at most 100 characters';
  return null;
}

/** The key two names clash under: "Prod", "prod" and "PROD" are one name. */
export function profileNameKey(name: string): string {
  return name.normalize('NFC').toLocaleLowerCase('en-US');
}

export const ProfileName = z
  .string()
  .min(1)
  .max(100)
  .describe('One line of visible text, unique among profiles without regard to case');

export const ProfileInput = z
  .object({
    name: ProfileName,
    environment: Environment.default('development'),
    color: z
      .string()
      .regex(/^#[0-9a-fA-F]{6}$/)
      .optional(),
    mysql: MysqlSettings,
    ssh: SshSettings.optional(),
    localBackupDir: z.string().max(4096).optional(),
    remoteBackupDir: z.string().max(4096).optional(),
    /** Encrypt the backups `backup create` makes (age), unless the call says otherwise. */
    backupEncryption: BackupEncryptionDefault.optional(),
    migrationsDir: z.string().max(4096).optional(),
    smtp: SmtpSettings.optional(),
    mailpit: MailpitSettings.optional(),
  })
  .strict();
export type ProfileInput = z.input<typeof ProfileInput>;

export const Profile = ProfileInput.extend({
  id: Id,
  /** Transient profiles come from CLI flags (`--url`) and are never saved. */
  transient: z.boolean().default(false),
  /** Which secrets are stored for this profile (values never leave the main process). */
  secrets: z.array(SecretName).default([]),
  createdAt: IsoDate,
  updatedAt: IsoDate,
});
export type Profile = z.infer<typeof Profile>;

export const SecretValues = z.partialRecord(SecretName, z.string().max(4096));

export const profileOperations = {
  'profiles.list': op('List saved connection profiles', Empty, z.array(Profile)),
  'profiles.get': op('Show one profile', ById, Profile),
  'profiles.create': op(
    'Create a profile (secrets go to the secret store, never to disk in plaintext)',
    z
      .object({
        profile: ProfileInput,
        secrets: SecretValues.optional(),
        /** Duplicating: the stored secrets of this profile are copied, except those given in `secrets`. */
        copySecretsFrom: Id.optional(),
      })
      .strict(),
    Profile,
    { risk: 'write' },
  ),
  'profiles.update': op(
    'Edit a profile; secrets given here replace the stored ones, `null` deletes one',
    z
      .object({
        id: Id,
        profile: ProfileInput,
        secrets: z.partialRecord(SecretName, z.string().max(4096).nullable()).optional(),
        /** Moving a production profile to another environment: the database name typed. */
        confirm: ConfirmValue,
      })
      .strict(),
    Profile,
    { risk: 'write', confirm: { kind: 'database', elsewhere: 'none' } },
  ),
  'profiles.duplicate': op(
    'Copy a profile with its stored secrets and environment under a new name',
    z.object({ id: Id, name: ProfileName }).strict(),
    Profile,
    { risk: 'write' },
  ),
  'profiles.remove': op('Delete a profile and its secrets', ById, Void, { risk: 'destructive' }),
} as const;
