import { type Session, shell, type WebContents } from 'electron';
import { APP_HOST, APP_SCHEME } from './protocol';

/** True for URLs of the app's own pages (app://sysndd-admin/…). */
export function isAppUrl(raw: string): boolean {
  try {
    const url = new URL(raw);
    return url.protocol === `${APP_SCHEME}:` && url.host === APP_HOST;
  } catch {
    return false;
  }
}

/**
 * The only way the app opens anything outside itself: http(s) URLs in the user's browser. Everything else
 * (file:, smb:, custom handlers, javascript:) is refused, because `shell.openExternal` on an attacker's URL
 * can run programs. Returns whether the URL was handed to the OS.
 */
export async function openExternalSafely(raw: string): Promise<boolean> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return false;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
  try {
    await shell.openExternal(url.href);
    return true;
  } catch {
    return false;
  }
}

/**
 * Every web contents stays on the app: no navigation away from the loaded page, no new windows (http(s)
 * links go to the system browser), no <webview>. Applied to all contents from 'web-contents-created'.
 */
export function hardenWebContents(contents: WebContents): void {
  contents.on('will-navigate', (event) => {
    // A reload of the app itself stays allowed; anything else would put foreign content next to the preload.
    if (isAppUrl(event.url)) return;
    event.preventDefault();
    void openExternalSafely(event.url);
  });
  contents.setWindowOpenHandler(({ url }) => {
    void openExternalSafely(url);
    return { action: 'deny' };
  });
  contents.on('will-attach-webview', (event) => {
    event.preventDefault();
  });
}

/** Deny every permission (camera, notifications, clipboard-read, geolocation, …): the console needs none. */
export function hardenSession(session: Session): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => {
    callback(false);
  });
  session.setPermissionCheckHandler(() => false);
}
