import { contextBridge, type IpcRendererEvent, ipcRenderer } from 'electron';
import { type ApiTransport, createApiClient } from '../shared/apiClient';

// Channel names are repeated from src/main/electron/ipc.ts on purpose: importing that module would pull
// main-process code into this sandboxed, single-file bundle.
const API_CALL_CHANNEL = 'api:call';
const API_EVENT_CHANNEL = 'api:event';

/**
 * Electron IPC as an ApiTransport. Only data crosses: the page never sees ipcRenderer, the event object
 * or the sender, just the call's answer and each event's payload.
 */
export const ipcTransport: ApiTransport = {
  call: (name, args) => ipcRenderer.invoke(API_CALL_CHANNEL, name, args),
  subscribe(callback) {
    const listener = (_event: IpcRendererEvent, payload: unknown): void => callback(payload);
    ipcRenderer.on(API_EVENT_CHANNEL, listener);
    return () => {
      ipcRenderer.removeListener(API_EVENT_CHANNEL, listener);
    };
  },
};

// The one thing the page gets: `window.api` (call + subscribe), the same Api the browser bridge provides.
contextBridge.exposeInMainWorld('api', createApiClient(ipcTransport));
