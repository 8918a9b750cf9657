import type { ServerResponse } from 'node:http';

/**
 * Content-Security-Policy for the renderer in browser mode. Same policy as the Electron door except that
 * events come over a WebSocket to this server. Scripts only from our own files (Vite emits no inline
 * scripts; no eval). `style-src 'unsafe-inline'` is needed because Mantine injects its CSS variables in a
 * <style> element and sets `style` attributes at runtime; styles cannot run code. `img-src data:` covers
 * Mantine's inline SVG icons in CSS; `frame-src blob: data:` lets the mail preview use a sandboxed iframe.
 */
export function contentSecurityPolicy(port: number): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    `connect-src 'self' ws://127.0.0.1:${port} ws://localhost:${port}`,
    "frame-src 'self' blob: data:",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** Headers on every response: no sniffing, no framing, no referrer, no cross-origin embedding. */
export function setSecurityHeaders(res: ServerResponse, port: number): void {
  res.setHeader('Content-Security-Policy', contentSecurityPolicy(port));
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
  res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
  res.setHeader('Permissions-Policy', 'camera=(), microphone=(), geolocation=(), usb=(), serial=()');
}
