import { z } from 'zod';

/**
 * Stable failure codes. They cross IPC, HTTP and the CLI unchanged, so scripts and the UI can branch on
 * them; add new codes at the end of their group, never rename one.
 */
export const ERROR_CODES = [
  // generic
  'INVALID_ARGUMENT',
  'UNKNOWN_OPERATION',
  'NOT_FOUND',
  'CONFLICT',
  'PRECONDITION_FAILED',
  'CONFIRMATION_REQUIRED',
  'CANCELLED',
  'TIMEOUT',
  'UNSUPPORTED',
  'INTERNAL',
  // No space left on a disk being written (a backup, a pre-restore backup, a download; or the server's own).
  'DISK_FULL',
  // connections
  'HOST_UNREACHABLE',
  'DNS_FAILED',
  'SSH_HANDSHAKE_FAILED',
  'HOST_KEY_UNKNOWN',
  'HOST_KEY_CHANGED',
  'SSH_AUTH_FAILED',
  'TUNNEL_FAILED',
  'TUNNEL_DROPPED',
  'DB_AUTH_FAILED',
  'DB_ACCESS_DENIED',
  'DB_UNKNOWN_DATABASE',
  'DB_TLS_REQUIRED',
  'DB_TLS_FAILED',
  'DB_QUERY_FAILED',
  'SECRET_UNAVAILABLE',
  // A profile name that is not one line of text (line breaks, tabs, control characters) or only spaces.
  'PROFILE_NAME_INVALID',
  // Another profile already has this name, compared without regard to case ("Prod" and "prod" clash).
  'PROFILE_NAME_TAKEN',
  // migrations
  'MIGRATION_LOCK_BUSY',
  'MIGRATION_FAILED',
  'MIGRATION_DRIFT',
  'MIGRATION_BAD_NAME',
  // backups / restore
  'BACKUP_INCOMPLETE',
  'BACKUP_CORRUPT',
  'BACKUP_BUSY',
  'UNSAFE_FILENAME',
  'RESTORE_FAILED',
  'RESTORE_PREFLIGHT_FAILED',
  // A statement in a dump or backup is longer than the target server accepts (its max_allowed_packet, or
  // the tool's own ceiling that keeps memory bounded): refused as soon as it passes that size, never read whole.
  'STATEMENT_TOO_LARGE',
  // A dump statement the restore does not run: not one a dump tool writes, or one that would reach past the
  // target database (another schema, server-wide settings, accounts, files). Named with its reason.
  'RESTORE_STATEMENT_REFUSED',
  // The restoring account cannot create the temporary load account (CREATE USER / GRANT OPTION) that confines
  // a restore on the server side; the two ways out are named in the message.
  'RESTORE_CONFINEMENT_UNAVAILABLE',
  // A table whose storage engine the target server lacks (error 1286 and kin), or one a restore refuses
  // (MERGE, FEDERATED, CONNECT, SPIDER: they reach tables or servers outside the restored database).
  'RESTORE_UNSUPPORTED_ENGINE',
  // The preflight's DDL rehearsal: a CREATE/ALTER of the file that the target server rejects (named with the
  // table and the server's message), or a generated column whose expression it rejects, without the option
  // to store it as a plain column. Refused before anything is written (docs/restore.md, "Across engines").
  'RESTORE_DDL_REJECTED',
  'RESTORE_GENERATED_COLUMN_REJECTED',
  // A database name MySQL/MariaDB cannot hold (trailing space, empty, over 64 characters, / \ . or NUL):
  // refused when the request is validated, before anything connects.
  'INVALID_DATABASE_NAME',
  // An encrypted (age) backup was opened with a wrong identity or passphrase: nothing was read or written.
  'BACKUP_DECRYPT_FAILED',
  // An encrypted (age) backup was opened without any identity or passphrase.
  'BACKUP_KEY_REQUIRED',
  // mail
  'SMTP_CONNECTION_FAILED',
  'SMTP_TLS_FAILED',
  'SMTP_AUTH_FAILED',
  'SMTP_TIMEOUT',
  'SMTP_REJECTED',
  'MAILPIT_UNREACHABLE',
] as const;

/**
 * What a code means and what to do, in words, for codes whose messages alone do not say it; the CLI prints
 * it under the error. The message itself names the folder, table or name concerned.
 */
export const ERROR_HINTS: Readonly<Partial<Record<(typeof ERROR_CODES)[number], string>>> = {
  PROFILE_NAME_INVALID: 'Profile names are one line of visible text: no line breaks, tabs or control characters.',
  PROFILE_NAME_TAKEN:
    'Profile names are unique without regard to case ("Prod" and "prod" are the same name). Choose another name.',
  DISK_FULL: 'The disk ran out of space while writing. Free space there (or choose another folder) and try again.',
  RESTORE_UNSUPPORTED_ENGINE:
    'The file uses a storage engine this server lacks, or one a restore refuses (MERGE, FEDERATED, CONNECT, SPIDER). Convert those tables to InnoDB in the dump.',
  INVALID_DATABASE_NAME:
    'MySQL/MariaDB database names are 1 to 64 characters, do not end with a space, and contain no / \\ . or NUL.',
  BACKUP_DECRYPT_FAILED:
    'The backup is encrypted (age) and the identity file or passphrase given does not open it. Nothing was written. Use the identity (age-keygen file) or passphrase it was encrypted to.',
  BACKUP_KEY_REQUIRED:
    'The backup is encrypted (age). Give --identity FILE, or the passphrase (SYSNDD_ADMIN_BACKUP_PASSPHRASE or the prompt).',
  STATEMENT_TOO_LARGE:
    "One statement in the file is longer than the target accepts (its max_allowed_packet, capped by this tool at 16 MiB); nothing was changed. A file cut inside a string literal reads this way too. Re-dump with smaller INSERTs (mysqldump's default --net-buffer-length does).",
};

export const ErrorCodeSchema = z.enum(ERROR_CODES);
export type ErrorCode = z.infer<typeof ErrorCodeSchema>;

export const FailureSchema = z.object({
  ok: z.literal(false),
  code: ErrorCodeSchema,
  message: z.string(),
  details: z.unknown().optional(),
});
export type Failure = z.infer<typeof FailureSchema>;
export type Success<T> = { ok: true; value: T };
export type Result<T> = Success<T> | Failure;

export function isFailure<T>(r: Result<T>): r is Failure {
  return r.ok === false;
}
