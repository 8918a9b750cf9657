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
  // mail
  'SMTP_CONNECTION_FAILED',
  'SMTP_TLS_FAILED',
  'SMTP_AUTH_FAILED',
  'SMTP_TIMEOUT',
  'SMTP_REJECTED',
  'MAILPIT_UNREACHABLE',
] as const;

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
