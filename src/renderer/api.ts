import type { Api, AppEvent, ArgsIn, OperationName, ResultOf } from '../shared/contract/index';
import type { ErrorCode, Failure } from '../shared/errors';
import { invalidArgumentInWords } from './issueWords';

/** A failed call, thrown by `call()` so pages can use try/catch; `code` is the contract's stable code. */
export class ApiError extends Error {
  readonly code: ErrorCode;
  readonly details: unknown;

  constructor(failure: Failure) {
    super(failure.message);
    this.name = 'ApiError';
    this.code = failure.code;
    this.details = failure.details;
  }
}

function bridge(): Api {
  if (!window.api)
    throw new Error('window.api is missing: the page was opened without the Electron preload or the browser bridge.');
  return window.api;
}

/**
 * The renderer's only way to the main process. Resolved lazily so the browser bridge can install
 * `window.api` after this module was imported.
 */
export const api: Api = {
  call: ((name: OperationName, args: unknown) => bridge().call(name, args as never)) as Api['call'],
  subscribe: (listener: (event: AppEvent) => void) => bridge().subscribe(listener),
};

/** Calls an operation and returns its value, or throws `ApiError` with the failure's code. */
export async function call<K extends OperationName>(name: K, args: ArgsIn<K>): Promise<ResultOf<K>> {
  const result = await api.call(name, args);
  if (!result.ok) throw new ApiError(result);
  return result.value;
}

/** Human text for anything a call can throw. */
export function errorMessage(err: unknown): string {
  if (err instanceof ApiError) {
    // Validation failures read as field words ("Port must be 1–65535"), never as zod's texts.
    const words = err.code === 'INVALID_ARGUMENT' ? invalidArgumentInWords(err.details) : null;
    return `${words ?? err.message} (${err.code})`;
  }
  return err instanceof Error ? err.message : String(err);
}
