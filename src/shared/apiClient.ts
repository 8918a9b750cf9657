import { type Api, AppEvent } from './contract/index';
import type { Failure, Result } from './errors';
import { FailureSchema } from './errors';

/**
 * How a bridge moves calls and events: Electron IPC in the preload, fetch + WebSocket in browser mode.
 * The transport only carries JSON; everything the renderer may rely on (result shape, event validity) is
 * checked once here so both bridges behave the same.
 */
export interface ApiTransport {
  /** Resolves with whatever the main process answered (a `Result`), rejects when the channel itself fails. */
  call(name: string, args: unknown): Promise<unknown>;
  /** Delivers every raw event the main process pushes; returns an unsubscribe function. */
  subscribe(callback: (event: unknown) => void): () => void;
}

function isResult(value: unknown): value is Result<unknown> {
  if (typeof value !== 'object' || value === null || !('ok' in value)) return false;
  if (value.ok === true) return 'value' in value;
  return FailureSchema.safeParse(value).success;
}

function channelFailure(name: string, err: unknown): Failure {
  const reason = err instanceof Error ? err.message : String(err);
  return {
    ok: false,
    code: 'INTERNAL',
    message: `Could not reach the SysNDD Admin back end for ${name}: ${reason}`,
  };
}

/** Builds `window.api` over a transport. Calls never throw: channel failures become `Failure` values too. */
export function createApiClient(transport: ApiTransport): Api {
  return {
    call: (async (name: string, args: unknown): Promise<Result<unknown>> => {
      let answer: unknown;
      try {
        answer = await transport.call(name, args ?? {});
      } catch (err) {
        return channelFailure(name, err);
      }
      if (!isResult(answer)) {
        return { ok: false, code: 'INTERNAL', message: `The back end sent a malformed answer for ${name}.` };
      }
      return answer;
    }) as Api['call'],
    subscribe(listener) {
      return transport.subscribe((raw) => {
        // A malformed event is dropped rather than handed to UI code that trusts the contract's types.
        const parsed = AppEvent.safeParse(raw);
        if (parsed.success) listener(parsed.data);
      });
    },
  };
}
