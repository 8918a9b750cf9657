import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { IpcSender } from '../../src/main/electron/ipc';
import type { Result } from '../../src/shared/errors';
import * as electron from '../fixtures/fakeElectron';

vi.mock('electron', () => import('../fixtures/fakeElectron'));
const { startDesktopApp } = await import('../../src/main/electron/main');

type ApiCall = (event: IpcSender, name: unknown, args: unknown) => Promise<Result<unknown>>;
const APP_FRAME: IpcSender = { senderFrame: { url: 'app://sysndd-admin/index.html' } };

let tmp: string;
const savedHome = process.env.SYSNDD_ADMIN_HOME;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sysndd-electron-main-'));
  process.env.SYSNDD_ADMIN_HOME = path.join(tmp, 'home');
  electron.app.appPath = path.join(tmp, 'app');
  fs.mkdirSync(path.join(electron.app.appPath, 'out', 'renderer'), { recursive: true });
  fs.writeFileSync(path.join(electron.app.appPath, 'out', 'renderer', 'index.html'), '<!doctype html><title>SysNDD</title>');
});
afterAll(() => {
  if (savedHome === undefined) delete process.env.SYSNDD_ADMIN_HOME;
  else process.env.SYSNDD_ADMIN_HOME = savedHome;
  fs.rmSync(tmp, { recursive: true, force: true });
});

function apiCall(): ApiCall {
  const registration = electron.ipcMain.handle.mock.calls.find(([channel]) => channel === 'api:call');
  if (!registration) throw new Error('api:call was not registered');
  return registration[1] as ApiCall;
}

describe('Electron main lifecycle (electron module faked)', () => {
  let window: electron.BrowserWindow;

  it('starts: privileged app:// scheme before ready, single instance, one hardened window on app://', async () => {
    startDesktopApp();
    await vi.waitFor(() => expect(electron.BrowserWindow.instances).toHaveLength(1));
    window = electron.BrowserWindow.instances[0] as electron.BrowserWindow;
    await vi.waitFor(() => expect(window.loadURL).toHaveBeenCalledWith('app://sysndd-admin/index.html'));

    expect(electron.protocol.registerSchemesAsPrivileged).toHaveBeenCalledWith([
      { scheme: 'app', privileges: expect.objectContaining({ standard: true, secure: true }) },
    ]);
    const privileges = electron.protocol.registerSchemesAsPrivileged.mock.calls[0]?.[0][0].privileges;
    expect(privileges.bypassCSP).toBeUndefined();
    expect(electron.protocol.registerSchemesAsPrivileged.mock.invocationCallOrder[0]).toBeLessThan(
      electron.app.whenReady.mock.invocationCallOrder[0] as number,
    );
    expect(electron.app.requestSingleInstanceLock).toHaveBeenCalled();

    expect(window.options.webPreferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      preload: path.join(electron.app.appPath, 'out', 'preload', 'index.cjs'),
    });
  });

  it('serves the renderer through protocol.handle with the CSP and refuses traversal', async () => {
    const [scheme, handler] = electron.protocol.handle.mock.calls[0] as [string, (r: Request) => Promise<Response>];
    expect(scheme).toBe('app');
    const ok = await handler(new Request('app://sysndd-admin/index.html'));
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect((await handler(new Request('app://sysndd-admin/..%2f..%2fhome%2fsysndd-admin.sqlite'))).status).toBe(403);
  });

  it('hardens the window contents and the session (navigation, new windows, permissions)', () => {
    expect(electron.emitCancellable(window.webContents, 'will-navigate', { url: 'https://evil.example/' })).toBe(true);
    expect(window.webContents.windowOpenHandler?.({ url: 'https://evil.example/' })).toEqual({ action: 'deny' });
    const deny = electron.session.defaultSession.setPermissionRequestHandler.mock.calls[0]?.[0] as (
      wc: unknown,
      permission: string,
      cb: (granted: boolean) => void,
    ) => void;
    const answer = vi.fn();
    deny({}, 'media', answer);
    expect(answer).toHaveBeenCalledWith(false);
  });

  it('answers IPC calls with the electron door and the safeStorage secret store', async () => {
    const info = await apiCall()(APP_FRAME, 'system.info', {});
    expect(info).toMatchObject({
      ok: true,
      value: {
        door: 'electron',
        home: process.env.SYSNDD_ADMIN_HOME,
        secretBackend: { name: 'electron-safe-storage', persistent: true },
      },
    });
    await expect(apiCall()({ senderFrame: null }, 'system.info', {})).rejects.toThrow(/refused/);
  });

  it('focuses the existing window when a second instance starts', () => {
    electron.app.emit('second-instance');
    expect(window.focus).toHaveBeenCalled();
  });

  it('asks before closing with a running job; "Keep running" keeps the app and the job alive', async () => {
    const started = await apiCall()(APP_FRAME, 'jobs.demo', { steps: 10_000, stepMs: 20 });
    expect(started.ok).toBe(true);
    const jobId = (started as { value: { id: string } }).value.id;
    electron.dialog.showMessageBox.mockResolvedValueOnce({ response: 0, checkboxChecked: false });
    expect(electron.emitCancellable(window, 'close')).toBe(true);
    await vi.waitFor(() => expect(electron.dialog.showMessageBox).toHaveBeenCalledTimes(1));
    const [parent, options] = electron.dialog.showMessageBox.mock.calls[0] as [unknown, { message: string; buttons: string[] }];
    expect(parent).toBe(window);
    expect(options.message).toBe('A job is still running.');
    expect(options.buttons).toEqual(['Keep running', 'Cancel jobs and quit']);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(electron.app.quit).not.toHaveBeenCalled();
    expect(await apiCall()(APP_FRAME, 'jobs.get', { id: jobId })).toMatchObject({ ok: true, value: { state: 'running' } });
  });

  it('"Cancel jobs and quit" cancels the job cleanly, closes the App, then lets the quit through', async () => {
    electron.dialog.showMessageBox.mockResolvedValueOnce({ response: 1, checkboxChecked: false });
    expect(electron.emitCancellable(electron.app, 'before-quit')).toBe(true);
    await vi.waitFor(() => expect(electron.app.quit).toHaveBeenCalledTimes(1));
    const cancelled = window.webContents.send.mock.calls.find(
      ([channel, e]) => channel === 'api:event' && (e as { type: string; job?: { state: string } }).job?.state === 'cancelled',
    );
    expect(cancelled).toBeDefined();
    // Second pass (what app.quit() triggers): nothing is prevented any more.
    expect(electron.emitCancellable(electron.app, 'before-quit')).toBe(false);
    expect(electron.emitCancellable(window, 'close')).toBe(false);
    expect(electron.dialog.showMessageBox).toHaveBeenCalledTimes(2);
  });

  it('quits at once when another instance already holds the lock', () => {
    electron.app.singleInstance = false;
    electron.app.quit.mockClear();
    electron.app.whenReady.mockClear();
    startDesktopApp();
    expect(electron.app.quit).toHaveBeenCalledTimes(1);
    expect(electron.app.whenReady).not.toHaveBeenCalled();
  });
});
