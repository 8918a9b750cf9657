import { z } from 'zod';

/** An age X25519 public key (`age-keygen` prints it as "public key: age1…"). */
export const AGE_RECIPIENT = /^age1[02-9ac-hj-np-z]{20,}$/;

/**
 * A profile's default encryption of the backups `backup create` makes (docs/backups.md): to these age
 * public keys, or with a passphrase asked for at each backup (never stored). age takes keys or a
 * passphrase, not both. Public keys are not secrets: they are saved with the profile.
 */
export const BackupEncryptionDefault = z
  .object({
    recipients: z.array(z.string().regex(AGE_RECIPIENT, 'an age X25519 recipient (age1…)')).max(32).default([]),
    askPassphrase: z.boolean().default(false),
  })
  .strict()
  .refine((e) => e.recipients.length > 0 || e.askPassphrase, 'Give recipients or askPassphrase.')
  .refine((e) => !(e.recipients.length > 0 && e.askPassphrase), 'age encrypts to recipients or to a passphrase, not both.');
export type BackupEncryptionDefault = z.infer<typeof BackupEncryptionDefault>;
