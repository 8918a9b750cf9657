import type { z } from 'zod';

/**
 * One operation of the contract: a zod schema for its argument and one for its result. The result schema
 * documents the shape and lets the browser door and tests validate what comes back; the argument schema is
 * enforced by every door before a service runs.
 */
export interface OperationDef<A extends z.ZodType = z.ZodType, R extends z.ZodType = z.ZodType> {
  readonly args: A;
  readonly result: R;
  /** One line for `--help`, docs and the HTTP door's index. */
  readonly summary: string;
  /** Operations that change or destroy data are audited and never retried by clients. */
  readonly destructive?: boolean;
}

export function op<A extends z.ZodType, R extends z.ZodType>(
  summary: string,
  args: A,
  result: R,
  options: { destructive?: boolean } = {},
): OperationDef<A, R> {
  return { summary, args, result, ...options };
}
