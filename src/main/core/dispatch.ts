import type { z } from 'zod';
import { type Args, isOperationName, type OperationName, operations, type ResultOf } from '../../shared/contract/index';
import type { Result } from '../../shared/errors';
import { AppError, toFailure } from './AppError';

export type Door = 'electron' | 'browser' | 'cli' | 'test';

/** Who is calling: the door, so services can audit and refuse interactive-only actions where needed. */
export interface CallContext {
  door: Door;
  /** Person named in the audit log; dispatch replaces what a door sends with the OS account (and display
   * name) before a guarded handler runs, so every door records the same identity. */
  actor: string;
}

/**
 * The safety rules of the contract (risk, confirmation, audit), applied by dispatch around a handler. It
 * lives in the App (it needs profiles, jobs and the audit log); dispatch finds it through the handler set.
 */
export interface SafetyGate {
  guard(
    name: OperationName,
    args: Record<string, unknown>,
    ctx: CallContext,
    run: (ctx: CallContext) => Promise<unknown>,
  ): Promise<unknown>;
}

const gates = new WeakMap<Handlers, SafetyGate>();

/** Bind the gate every dispatch through `handlers` goes through (done once by the App). */
export function guardHandlers(handlers: Handlers, gate: SafetyGate): Handlers {
  gates.set(handlers, gate);
  return handlers;
}

export type Handler<K extends OperationName> = (args: Args<K>, ctx: CallContext) => Promise<ResultOf<K>>;
export type Handlers = { [K in OperationName]: Handler<K> };
export type HandlerGroup<K extends OperationName> = { [P in K]: Handler<P> };

function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((i) => `${i.path.length ? i.path.join('.') : '(argument)'}: ${i.message}`)
    .join('; ');
}

/**
 * The one entry point every door uses: look the operation up, validate the argument against the
 * contract, apply its safety rules (confirmation checked before the handler runs, one audit row per
 * guarded action), run the handler, and turn any failure into a `Failure` value that survives IPC and HTTP.
 */
export async function dispatch(handlers: Handlers, name: string, rawArgs: unknown, ctx: CallContext): Promise<Result<unknown>> {
  if (!isOperationName(name)) {
    return { ok: false, code: 'UNKNOWN_OPERATION', message: `Unknown operation "${name.slice(0, 100)}".` };
  }
  const schema: z.ZodType = operations[name].args;
  const parsed = schema.safeParse(rawArgs ?? {});
  if (!parsed.success) {
    return {
      ok: false,
      code: 'INVALID_ARGUMENT',
      message: `Invalid argument for ${name}: ${describeIssues(parsed.error)}`,
      details: { issues: parsed.error.issues.map((i) => ({ path: i.path.map(String), message: i.message })) },
    };
  }
  const def = operations[name];
  const gate = gates.get(handlers);
  if (!gate && (def.risk !== 'read' || def.confirm)) {
    // Fail closed: a handler set nobody bound to the rules must not run anything that writes.
    return { ok: false, code: 'INTERNAL', message: `${name} needs the safety gate, and this handler set has none.` };
  }
  try {
    const handler = handlers[name] as (args: unknown, ctx: CallContext) => Promise<unknown>;
    const value = gate
      ? await gate.guard(name, parsed.data as Record<string, unknown>, ctx, (c) => handler(parsed.data, c))
      : await handler(parsed.data, ctx);
    return { ok: true, value: value ?? null };
  } catch (err) {
    return toFailure(err);
  }
}

export function assertNever(value: never, what: string): never {
  throw new AppError('INTERNAL', `Unhandled ${what}: ${String(value)}`);
}
