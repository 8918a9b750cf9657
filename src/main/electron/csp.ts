/**
 * The renderer's Content-Security-Policy in the Electron door, sent as a header by the app:// handler.
 * Scripts come only from the app bundle (no inline script, no eval); Mantine injects its CSS variables as a
 * <style> element, hence 'unsafe-inline' for styles only. The renderer talks to main through IPC, so it
 * needs no network access at all. Same policy as browser mode (src/main/web/securityHeaders.ts) minus its
 * WebSocket; `frame-src blob: data:` lets the mail preview use a sandboxed iframe.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "frame-src 'self' blob: data:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');
