import fs from 'node:fs/promises';
import path from 'node:path';
import { mimeType } from '../core/rendererPolicy';
import { CONTENT_SECURITY_POLICY } from './csp';

/** The renderer is served from app://sysndd-admin/ (a privileged standard scheme, not file://). */
export const APP_SCHEME = 'app';
export const APP_HOST = 'sysndd-admin';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;

/**
 * Privileges for `protocol.registerSchemesAsPrivileged` (before app ready): `standard` gives the scheme
 * real origins and relative URLs, `secure` makes it a secure context, `corsEnabled` lets Chromium fetch
 * Vite's `<script type="module" crossorigin>` and stylesheets in CORS mode from it (our responses carry no
 * Access-Control-Allow-Origin, so other origins still cannot read them). No CSP bypass, no service workers.
 */
export const APP_SCHEME_PRIVILEGES = {
  standard: true,
  secure: true,
  supportFetchAPI: true,
  corsEnabled: true,
  codeCache: true,
} as const;

function plain(status: number, text: string): Response {
  return new Response(text, { status, headers: { 'content-type': 'text/plain; charset=utf-8' } });
}

/**
 * Map an app:// URL to a file inside `root`, or null when it would leave `root`. The URL parser already
 * folds literal `..` segments; percent-encoded ones (`..%2f`, `%5c`) only appear after decoding, so the
 * decoded path is resolved and checked against the root again.
 */
export function resolveAppPath(root: string, requestUrl: string): string | null {
  let url: URL;
  try {
    url = new URL(requestUrl);
  } catch {
    return null;
  }
  if (url.protocol !== `${APP_SCHEME}:` || url.host !== APP_HOST) return null;
  let pathname: string;
  try {
    pathname = decodeURIComponent(url.pathname);
  } catch {
    return null;
  }
  if (pathname.includes('\0')) return null;
  if (pathname === '/' || pathname === '') pathname = '/index.html';
  const base = path.resolve(root);
  const file = path.resolve(base, `.${pathname.replaceAll('\\', '/')}`);
  const relative = path.relative(base, file);
  if (relative === '' || relative.startsWith('..') || path.isAbsolute(relative)) return null;
  return file;
}

/** The `protocol.handle('app', …)` handler: static files from the built renderer with the CSP header. */
export function createAppProtocolHandler(root: string): (request: Request) => Promise<Response> {
  return async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return plain(405, 'Method not allowed');
    const file = resolveAppPath(root, request.url);
    if (!file) return plain(403, 'Forbidden');
    let body: Buffer;
    try {
      body = await fs.readFile(file);
    } catch {
      return plain(404, 'Not found');
    }
    return new Response(request.method === 'HEAD' ? null : new Uint8Array(body), {
      status: 200,
      headers: {
        'content-type': mimeType(file),
        'content-security-policy': CONTENT_SECURITY_POLICY,
        'x-content-type-options': 'nosniff',
        'cache-control': 'no-cache',
      },
    });
  };
}
