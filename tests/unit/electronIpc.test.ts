import { afterEach, describe, expect, it, vi } from 'vitest';
import { API_CALL_CHANNEL, API_EVENT_CHANNEL, forwardEvents, type IpcSender, registerApiIpc } from '../../src/main/electron/ipc';
import type { Result } from '../../src/shared/errors';
import { createTestApp, type TestApp } from '../fixtures/app';

// The Electron binary does not exist here: the door's only Electron dependency, ipcMain, is faked.
const electron = vi.hoisted(() => ({
  ipcMain: { handle: vi.fn(), removeHandler: vi.fn() },
  shell: { openExternal: vi.fn() },
}));
vi.mock('electron', () => electron);

type ApiCallHandler = (event: IpcSender, name: unknown, args: unknown) => Promise<Result<unknown>>;

let t: TestApp;
afterEach(async () => {
  vi.clearAllMocks();
  await t?.close();
});

const APP_FRAME: IpcSender = { senderFrame: { url: 'app://sysndd-admin/index.html#/connections' } };
const frame = (url: string): IpcSender => ({ senderFrame: { url } });

function registeredHandler(): ApiCallHandler {
  t = createTestApp();
  registerApiIpc(t.app);
  expect(electron.ipcMain.handle).toHaveBeenCalledTimes(1);
  const [channel, handler] = electron.ipcMain.handle.mock.calls[0] as [string, ApiCallHandler];
  expect(channel).toBe(API_CALL_CHANNEL);
  return handler;
}

const profile = { name: 'ipc-test', mysql: { host: '127.0.0.1', port: 3306, user: 'sysndd' } };

describe('Electron IPC door: one validated entry point', () => {
  it('refuses a call whose sender frame is gone (null senderFrame) before any service runs', async () => {
    const handle = registeredHandler();
    await expect(handle({ senderFrame: null }, 'profiles.create', { profile })).rejects.toThrow(/sending frame is gone/);
    expect(t.app.profiles.list()).toEqual([]);
  });

  it.each([
    'https://evil.example/index.html',
    'http://127.0.0.1:5173/',
    'file:///work/main/out/renderer/index.html',
    'app://other-app/index.html',
    'about:srcdoc',
    'not a url',
  ])('refuses a call from the foreign frame %s', async (url) => {
    const handle = registeredHandler();
    await expect(handle(frame(url), 'profiles.create', { profile })).rejects.toThrow(
      /IPC call refused: the sender .* is not the app/,
    );
    expect(t.app.profiles.list()).toEqual([]);
  });

  it('rejects payloads that break the contract with INVALID_ARGUMENT, through dispatch', async () => {
    const handle = registeredHandler();
    const badPort = await handle(APP_FRAME, 'profiles.create', {
      profile: { ...profile, mysql: { ...profile.mysql, port: 70000 } },
    });
    expect(badPort).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT' });
    expect(badPort.ok === false && badPort.message).toContain('profile.mysql.port');
    expect(await handle(APP_FRAME, 'jobs.demo', { steps: 0 })).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT' });
    expect(await handle(APP_FRAME, 'jobs.get', { id: 'x', sneaky: true })).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT' });
    expect(await handle(APP_FRAME, 42, {})).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT' });
    expect(await handle(APP_FRAME, 'shell.openExternal', {})).toMatchObject({ ok: false, code: 'UNKNOWN_OPERATION' });
    expect(t.app.profiles.list()).toEqual([]);
  });

  it('passes a valid call to the service and returns its Result as plain data, naming the electron door', async () => {
    const handle = registeredHandler();
    const created = await handle(APP_FRAME, 'profiles.create', { profile, secrets: { 'mysql.password': 'pw' } });
    expect(created).toMatchObject({ ok: true, value: { name: 'ipc-test', secrets: ['mysql.password'] } });
    const info = await handle(APP_FRAME, 'system.info', {});
    expect(info).toMatchObject({ ok: true, value: { door: 'test' } });
    const id = created.ok ? (created.value as { id: string }).id : '';
    expect(await handle(APP_FRAME, 'profiles.remove', { id })).toEqual({ ok: true, value: null });
    // The audit log names the door that asked in its own column, and the OS account as actor.
    expect(t.app.audit.list({ action: 'profiles.remove' })[0]).toMatchObject({
      door: 'electron',
      actor: t.app.actor.get().actor,
      target: 'ipc-test',
      result: 'succeeded',
    });
    // Results cross IPC by structured clone: they must survive it unchanged.
    expect(structuredClone(info)).toEqual(info);
  });

  it('removes its handler when asked', () => {
    t = createTestApp();
    const unregister = registerApiIpc(t.app);
    unregister();
    expect(electron.ipcMain.removeHandler).toHaveBeenCalledWith(API_CALL_CHANNEL);
  });

  it('forwards app events to the window as data only, and stops when the window is gone or unsubscribed', () => {
    t = createTestApp();
    let destroyed = false;
    const contents = { send: vi.fn(), isDestroyed: () => destroyed };
    const stop = forwardEvents(t.app, contents);
    t.app.events.emit({ type: 'profiles.changed' });
    expect(contents.send).toHaveBeenCalledWith(API_EVENT_CHANNEL, { type: 'profiles.changed' });
    destroyed = true;
    t.app.events.emit({ type: 'profiles.changed' });
    expect(contents.send).toHaveBeenCalledTimes(1);
    destroyed = false;
    stop();
    t.app.events.emit({ type: 'profiles.changed' });
    expect(contents.send).toHaveBeenCalledTimes(1);
  });
});
