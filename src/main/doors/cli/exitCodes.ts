import type { ErrorCode } from '../../../shared/errors';

export const EXIT = { OK: 0, FAILED: 1, USAGE: 2, REFUSED: 3 } as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** Refusals are preconditions the caller can satisfy (confirm, wait for a lock, trust a host key). */
const REFUSED: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'CONFIRMATION_REQUIRED',
  'PRECONDITION_FAILED',
  'CONFLICT',
  'MIGRATION_LOCK_BUSY',
  'BACKUP_BUSY',
  'RESTORE_PREFLIGHT_FAILED',
  'RESTORE_CONFINEMENT_UNAVAILABLE',
  'RESTORE_DDL_REJECTED',
  'RESTORE_GENERATED_COLUMN_REJECTED',
  'HOST_KEY_UNKNOWN',
  'UNSAFE_FILENAME',
]);

export function exitCodeFor(code: ErrorCode): ExitCode {
  if (code === 'INVALID_ARGUMENT' || code === 'UNKNOWN_OPERATION') return EXIT.USAGE;
  return REFUSED.has(code) ? EXIT.REFUSED : EXIT.FAILED;
}
