import { type ApiTransport, createApiClient } from '../shared/apiClient';
import type { Api } from '../shared/contract/index';

/**
 * Browser mode's `window.api`: calls go over `POST /api/call/<op>` and events arrive on the
 * `/api/events` WebSocket, both authenticated with the token the server printed in the URL fragment
 * (`#token=…`). The fragment never reaches the server or the Referer; we move it to sessionStorage (so a
 * reload keeps working in this tab only) and remove it from the address bar.
 */

const TOKEN_KEY = 'sysndd-admin.token';
/** Subprotocol the server selects; the token travels as a second offered subprotocol `token.<hex>`. */
export const EVENTS_PROTOCOL = 'sysndd-admin';
const RECONNECT_MIN_MS = 500;
const RECONNECT_MAX_MS = 5_000;

export interface WebBridgeStatus {
  installed: boolean;
  hasToken: boolean;
}

/** Reads `#token=…` (then strips it from the URL) or the token remembered for this tab. */
export function takeToken(): string | null {
  const match = /(?:^#|[#&])token=([0-9a-f]{16,128})/i.exec(window.location.hash);
  if (match?.[1]) {
    const token = match[1];
    try {
      sessionStorage.setItem(TOKEN_KEY, token);
    } catch {
      // Without sessionStorage a reload needs the printed URL again; the session still works now.
    }
    window.history.replaceState(null, '', `${window.location.pathname}${window.location.search}#/`);
    return token;
  }
  try {
    return sessionStorage.getItem(TOKEN_KEY);
  } catch {
    return null;
  }
}

async function readError(response: Response): Promise<string> {
  try {
    const body = (await response.json()) as { message?: unknown };
    if (typeof body.message === 'string') return body.message;
  } catch {
    // Fall through to the status line.
  }
  return `HTTP ${response.status} ${response.statusText}`;
}

/** Fetch + WebSocket transport against the server that served this page. */
export function createWebTransport(token: string, origin: string = window.location.origin): ApiTransport {
  const listeners = new Set<(event: unknown) => void>();
  let socket: WebSocket | null = null;
  let retryMs = RECONNECT_MIN_MS;
  let retryTimer: ReturnType<typeof setTimeout> | null = null;
  let everConnected = false;

  async function call(name: string, args: unknown): Promise<unknown> {
    const response = await fetch(`${origin}/api/call/${encodeURIComponent(name)}`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify(args ?? {}),
      cache: 'no-store',
      credentials: 'omit',
    });
    if (response.status === 200 || response.status === 400) return response.json();
    throw new Error(await readError(response));
  }

  const deliver = (event: unknown) => {
    for (const listener of listeners) listener(event);
  };

  /**
   * Events sent while the socket was down are lost; after a reconnect, replay the recent jobs as
   * `job.updated` so drawers and progress bars end in the right state.
   */
  async function resync(): Promise<void> {
    const answer = (await call('jobs.list', { limit: 50 })) as { ok: boolean; value?: unknown };
    if (answer.ok && Array.isArray(answer.value)) {
      for (const job of answer.value) deliver({ type: 'job.updated', job });
    }
    deliver({ type: 'profiles.changed' });
  }

  function connect(): void {
    const url = `${origin.replace(/^http/, 'ws')}/api/events`;
    const ws = new WebSocket(url, [EVENTS_PROTOCOL, `token.${token}`]);
    socket = ws;
    ws.onopen = () => {
      retryMs = RECONNECT_MIN_MS;
      if (everConnected) void resync().catch(() => undefined);
      everConnected = true;
    };
    ws.onmessage = (message) => {
      if (typeof message.data !== 'string') return;
      try {
        deliver(JSON.parse(message.data));
      } catch {
        // Not JSON: ignore; createApiClient validates what it forwards anyway.
      }
    };
    ws.onclose = () => {
      if (socket !== ws) return;
      socket = null;
      if (listeners.size === 0) return;
      retryTimer = setTimeout(() => {
        retryTimer = null;
        connect();
      }, retryMs);
      retryMs = Math.min(RECONNECT_MAX_MS, retryMs * 2);
    };
  }

  function subscribe(callback: (event: unknown) => void): () => void {
    listeners.add(callback);
    if (!socket && !retryTimer) connect();
    return () => {
      listeners.delete(callback);
      if (listeners.size > 0) return;
      if (retryTimer) clearTimeout(retryTimer);
      retryTimer = null;
      const ws = socket;
      socket = null;
      ws?.close(1000, 'no listeners');
    };
  }

  return { call, subscribe };
}

/**
 * Installs `window.api` for browser mode unless a preload already defined it (Electron). Without a token
 * the API is still installed, but every call fails with a message that says to open the printed URL.
 */
export function installWebBridge(): WebBridgeStatus {
  if (window.api) return { installed: false, hasToken: true };
  const token = takeToken();
  const api: Api = createApiClient(
    token
      ? createWebTransport(token)
      : {
          call: async () => {
            throw new Error('No access token: open the address printed by `sysndd-admin serve` (it ends with #token=…).');
          },
          subscribe: () => () => undefined,
        },
  );
  window.api = api;
  return { installed: true, hasToken: token !== null };
}
