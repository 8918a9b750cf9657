import { EventEmitter } from 'node:events';
import { afterEach, describe, expect, it, vi } from 'vitest';

// Only shell.openExternal is reached; it is the Electron module and so the one thing that may be faked.
const electron = vi.hoisted(() => ({ shell: { openExternal: vi.fn(async () => {}) } }));
vi.mock('electron', () => electron);

const { hardenSession, hardenWebContents, isAppUrl, openExternalSafely } = await import('../../src/main/electron/security');

afterEach(() => vi.clearAllMocks());

type WindowOpenHandler = (details: { url: string }) => { action: 'allow' | 'deny' };

/** A WebContents stand-in: real EventEmitter semantics plus the window-open handler slot. */
class FakeContents extends EventEmitter {
  windowOpenHandler: WindowOpenHandler | null = null;
  setWindowOpenHandler(handler: WindowOpenHandler): void {
    this.windowOpenHandler = handler;
  }
}

function navigate(contents: FakeContents, url: string): boolean {
  let prevented = false;
  contents.emit('will-navigate', { url, preventDefault: () => (prevented = true) });
  return prevented;
}

function hardened(): FakeContents {
  const contents = new FakeContents();
  hardenWebContents(contents as unknown as Parameters<typeof hardenWebContents>[0]);
  return contents;
}

describe('Electron hardening', () => {
  it('blocks navigation away from the app and hands only http(s) links to the system browser', async () => {
    const contents = hardened();
    expect(navigate(contents, 'https://sysndd.org/docs')).toBe(true);
    expect(navigate(contents, 'file:///etc/passwd')).toBe(true);
    expect(navigate(contents, 'javascript:alert(1)')).toBe(true);
    await vi.waitFor(() => expect(electron.shell.openExternal).toHaveBeenCalledTimes(1));
    expect(electron.shell.openExternal).toHaveBeenCalledWith('https://sysndd.org/docs');
    // A reload of the app itself is not a way out.
    expect(navigate(contents, 'app://sysndd-admin/index.html')).toBe(false);
  });

  it('denies every new window; http(s) targets open in the browser instead, nothing else opens', async () => {
    const contents = hardened();
    const open = contents.windowOpenHandler;
    expect(open).not.toBeNull();
    expect(open?.({ url: 'https://example.org/' })).toEqual({ action: 'deny' });
    expect(open?.({ url: 'app://sysndd-admin/index.html' })).toEqual({ action: 'deny' });
    expect(open?.({ url: 'smb://fileserver/share' })).toEqual({ action: 'deny' });
    await vi.waitFor(() => expect(electron.shell.openExternal).toHaveBeenCalledTimes(1));
    expect(electron.shell.openExternal).toHaveBeenCalledWith('https://example.org/');
  });

  it('refuses to attach <webview> tags', () => {
    const contents = hardened();
    let prevented = false;
    contents.emit('will-attach-webview', { preventDefault: () => (prevented = true) }, {}, {});
    expect(prevented).toBe(true);
  });

  it('openExternalSafely opens http and https only', async () => {
    expect(await openExternalSafely('http://localhost:8025/')).toBe(true);
    expect(await openExternalSafely('https://example.org/a?b=c')).toBe(true);
    for (const bad of ['file:///C:/Windows/System32/calc.exe', 'ms-msdt:/id', 'vbscript:x', 'not a url', '']) {
      expect(await openExternalSafely(bad)).toBe(false);
    }
    expect(electron.shell.openExternal).toHaveBeenCalledTimes(2);
    electron.shell.openExternal.mockRejectedValueOnce(new Error('no browser'));
    expect(await openExternalSafely('https://example.org/')).toBe(false);
  });

  it('denies every permission request and permission check', () => {
    const installed: {
      request?: (wc: unknown, permission: string, cb: (granted: boolean) => void) => void;
      check?: (...args: unknown[]) => boolean;
    } = {};
    const session = {
      setPermissionRequestHandler: (h: typeof installed.request) => {
        installed.request = h;
      },
      setPermissionCheckHandler: (h: typeof installed.check) => {
        installed.check = h;
      },
    };
    hardenSession(session as unknown as Parameters<typeof hardenSession>[0]);
    for (const permission of ['media', 'notifications', 'clipboard-read', 'geolocation', 'openExternal', 'fullscreen']) {
      const answer = vi.fn();
      installed.request?.({}, permission, answer);
      expect(answer).toHaveBeenCalledWith(false);
    }
    expect(installed.request).toBeDefined();
    expect(installed.check?.(null, 'media', 'app://sysndd-admin', {})).toBe(false);
  });

  it('recognises only the app origin as the app', () => {
    expect(isAppUrl('app://sysndd-admin/index.html#/jobs')).toBe(true);
    expect(isAppUrl('app://sysndd-admin.evil.example/')).toBe(false);
    expect(isAppUrl('https://sysndd-admin/')).toBe(false);
    expect(isAppUrl('')).toBe(false);
  });
});
