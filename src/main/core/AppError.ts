import type { ErrorCode, Failure } from '../../shared/errors';

/** An expected failure a person can act on. Services throw it; every door turns it into a `Failure` value. */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'AppError';
  }

  toFailure(): Failure {
    return this.details === undefined
      ? { ok: false, code: this.code, message: this.message }
      : { ok: false, code: this.code, message: this.message, details: this.details };
  }
}

export function toFailure(err: unknown): Failure {
  if (err instanceof AppError) return err.toFailure();
  if (err instanceof Error && err.name === 'AbortError') return { ok: false, code: 'CANCELLED', message: 'Cancelled.' };
  const message = err instanceof Error ? err.message : String(err);
  return { ok: false, code: 'INTERNAL', message: `Unexpected error: ${message}` };
}
