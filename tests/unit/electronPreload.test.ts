import type { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import type { Api } from '../../src/shared/contract/index';

// The preload's Electron side: contextBridge and ipcRenderer, faked (the binary does not exist here).
const electron = vi.hoisted(() => {
  const exposed = new Map<string, unknown>();
  return {
    exposed,
    contextBridge: { exposeInMainWorld: (key: string, value: unknown) => exposed.set(key, value) },
    ipcRenderer: null as unknown as EventEmitter & { invoke: (...args: unknown[]) => Promise<unknown> },
  };
});
vi.mock('electron', async () => {
  const { EventEmitter: Emitter } = await import('node:events');
  const ipcRenderer = Object.assign(new Emitter(), {
    invoke: vi.fn(async (..._args: unknown[]) => ({ ok: true, value: { pong: true } })),
  });
  electron.ipcRenderer = ipcRenderer;
  return { contextBridge: electron.contextBridge, ipcRenderer };
});
await import('../../src/preload/index');

describe('preload: exposes only window.api', () => {
  const api = electron.exposed.get('api') as Api;

  it('exposes exactly one key, `api`, with call and subscribe and nothing of Electron', () => {
    expect([...electron.exposed.keys()]).toEqual(['api']);
    expect(Object.keys(api).sort()).toEqual(['call', 'subscribe']);
    expect(Object.values(api).every((v) => typeof v === 'function')).toBe(true);
    expect(api).not.toHaveProperty('ipcRenderer');
    expect(api).not.toHaveProperty('invoke');
  });

  it('sends calls over the one api:call channel and returns the Result', async () => {
    const r = await api.call('system.ping', {});
    expect(electron.ipcRenderer.invoke).toHaveBeenCalledWith('api:call', 'system.ping', {});
    expect(r).toEqual({ ok: true, value: { pong: true } });
  });

  it('turns a failed channel into a Failure value instead of throwing', async () => {
    vi.mocked(electron.ipcRenderer.invoke).mockRejectedValueOnce(new Error('IPC call refused'));
    const r = await api.call('system.ping', {});
    expect(r).toMatchObject({ ok: false, code: 'INTERNAL' });
  });

  it('hands listeners the event payload only, never the IpcRendererEvent, and unsubscribes', () => {
    const seen: unknown[][] = [];
    const off = api.subscribe((...args: unknown[]) => seen.push(args));
    const ipcEvent = { sender: electron.ipcRenderer, senderFrame: 'secret-handle' };
    electron.ipcRenderer.emit('api:event', ipcEvent, { type: 'profiles.changed' });
    electron.ipcRenderer.emit('api:event', ipcEvent, { type: 'not-an-event' });
    expect(seen).toEqual([[{ type: 'profiles.changed' }]]);
    off();
    expect(electron.ipcRenderer.listenerCount('api:event')).toBe(0);
    electron.ipcRenderer.emit('api:event', ipcEvent, { type: 'profiles.changed' });
    expect(seen).toHaveLength(1);
  });
});
