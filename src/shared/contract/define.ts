import type { z } from 'zod';

/**
 * How much an operation can change: `read` changes nothing, `write` changes app or server state that can be
 * put back (a profile, a new backup), `destructive` replaces or removes data. Every destructive call is
 * audited by `core/dispatch` (one row per action, updated in place), whatever door it came through.
 */
export type Risk = 'read' | 'write' | 'destructive';

/**
 * What the `confirm` argument of an operation must carry; checked by `core/dispatch` before the handler
 * runs, for every door.
 * - `word`: exactly this word, on every profile (RESTORE, DELETE); with `production: 'database'`, on a production
 *   profile the target database name instead (a row put-back: as strict as the `database` rule there).
 * - `database`: on a production profile (or when the main process escalates, e.g. re-running migrations a
 *   restore rewound), the target database name typed; elsewhere `yes` needs `confirm: true` (or the name),
 *   `none` needs nothing.
 */
export type Confirmation =
  | { kind: 'word'; word: string; production?: 'database' }
  | { kind: 'database'; elsewhere: 'yes' | 'none' };

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
  readonly risk: Risk;
  /** Destructive operations are audited and never retried by clients (same as `risk === 'destructive'`). */
  readonly destructive: boolean;
  readonly confirm?: Confirmation;
}

export function op<A extends z.ZodType, R extends z.ZodType>(
  summary: string,
  args: A,
  result: R,
  options: { risk?: Risk; destructive?: boolean; confirm?: Confirmation } = {},
): OperationDef<A, R> {
  const risk: Risk = options.risk ?? (options.destructive ? 'destructive' : 'read');
  return { summary, args, result, risk, destructive: risk === 'destructive', confirm: options.confirm };
}
