import { timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/**
 * The three checks of the loopback web door. A page on another site can make the browser talk to
 * 127.0.0.1 (directly or via DNS rebinding), so the server trusts a request only when:
 *  - Host is exactly our loopback address and port (a rebinding page's Host is its own domain name),
 *  - Origin, when the browser sends one, is our own origin (cross-site fetch and WebSocket carry theirs),
 *  - the bearer token from the printed URL is present (nobody else on the machine knows it).
 */

export type GuardVerdict = { ok: true } | { ok: false; status: 401 | 403; message: string };

const OK: GuardVerdict = { ok: true };

export function allowedHosts(port: number): string[] {
  return [`127.0.0.1:${port}`, `localhost:${port}`];
}

export function checkHost(headers: IncomingHttpHeaders, port: number): GuardVerdict {
  const host = headers.host;
  if (host && allowedHosts(port).includes(host.toLowerCase())) return OK;
  return { ok: false, status: 403, message: `Refused: the Host header must be 127.0.0.1:${port} or localhost:${port}.` };
}

/** An absent Origin is fine (curl, same-origin GET navigations); a present one must be ours exactly. */
export function checkOrigin(headers: IncomingHttpHeaders, port: number): GuardVerdict {
  const origin = headers.origin;
  if (origin === undefined) return OK;
  if (allowedHosts(port).some((h) => origin.toLowerCase() === `http://${h}`)) return OK;
  return { ok: false, status: 403, message: 'Refused: requests from other origins are not allowed.' };
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** `Authorization: Bearer <token>`. */
export function bearerToken(headers: IncomingHttpHeaders): string | null {
  const match = /^Bearer\s+(\S+)$/i.exec(headers.authorization ?? '');
  return match?.[1] ?? null;
}

/**
 * WebSocket clients cannot set headers in browsers, so the token rides as an offered subprotocol
 * `token.<hex>` (never echoed back) or, for non-browser clients, as `?token=`.
 */
export function socketToken(headers: IncomingHttpHeaders, url: URL): string | null {
  const offered = (headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim());
  const fromProtocol = offered.find((p) => p.startsWith('token.'));
  if (fromProtocol) return fromProtocol.slice('token.'.length);
  return url.searchParams.get('token');
}

export function checkToken(given: string | null, expected: string): GuardVerdict {
  if (given === null)
    return { ok: false, status: 401, message: 'Missing access token: open the address printed by `sysndd-admin serve`.' };
  if (!sameSecret(given, expected))
    return { ok: false, status: 401, message: 'Wrong access token: open the address printed by `sysndd-admin serve`.' };
  return OK;
}

/** Host first (cheapest and catches rebinding), then Origin, then the token. */
export function firstFailure(...verdicts: Array<() => GuardVerdict>): GuardVerdict {
  for (const verdict of verdicts) {
    const v = verdict();
    if (!v.ok) return v;
  }
  return OK;
}
