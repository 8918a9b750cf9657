import path from 'node:path';

/**
 * What both doors that serve the renderer (Electron's app:// handler, browser mode's loopback server) send
 * with it: one Content-Security-Policy and one MIME table, so the doors cannot drift apart.
 *
 * Scripts only from our own files (no inline script, no eval). `style-src 'unsafe-inline'`: Mantine injects
 * its CSS variables in a <style> element and sets `style` attributes at runtime; styles cannot run code.
 * `img-src data: blob:` covers Mantine's inline SVG icons and mail previews; `frame-src blob: data:` lets
 * the mail preview use a sandboxed iframe. `connectExtra`: browser mode's WebSocket to its own port.
 */
export function rendererContentSecurityPolicy(connectExtra: readonly string[] = []): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    ["connect-src 'self'", ...connectExtra].join(' '),
    "frame-src 'self' blob: data:",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

const MIME_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8',
};

/** The Content-Type of a renderer file by its extension (anything else is an opaque download). */
export function mimeType(file: string): string {
  return MIME_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}
