import { ipcMain, type WebContents } from 'electron';
import type { AppEvent } from '../../shared/contract/events';
import type { Result } from '../../shared/errors';
import type { App } from '../app/App';
import { dispatch } from '../core/dispatch';
import { isAppUrl } from './security';

/** The two channels of the Electron door: one invoke channel for every operation, one for events. */
export const API_CALL_CHANNEL = 'api:call';
export const API_EVENT_CHANNEL = 'api:event';

/** What the handler needs from an `IpcMainInvokeEvent`: the frame that sent it (null once it is gone). */
export interface IpcSender {
  readonly senderFrame: { readonly url: string } | null;
}

/**
 * Why a sender may not call the API, or null when it may. Only the app's own pages (app://sysndd-admin/)
 * are trusted; a destroyed or navigated-away frame (senderFrame null), a framed mail preview (about:srcdoc)
 * or anything loaded from elsewhere is refused before the contract is even looked at.
 */
export function senderRefusal(event: IpcSender): string | null {
  const frame = event.senderFrame;
  if (!frame) return 'the sending frame is gone (navigated or destroyed)';
  if (!isAppUrl(frame.url)) return `the sender ${JSON.stringify(frame.url.slice(0, 200))} is not the app`;
  return null;
}

/**
 * The `api:call` handler: sender check, then the same dispatch (lookup, zod validation, Failure values)
 * as the browser door and the CLI. A refused sender gets a rejected promise, not a Result: it is not a
 * caller the contract talks to.
 */
export function createApiCallHandler(app: App): (event: IpcSender, name: unknown, args: unknown) => Promise<Result<unknown>> {
  return async (event, name, args) => {
    const refusal = senderRefusal(event);
    if (refusal) throw new Error(`IPC call refused: ${refusal}.`);
    if (typeof name !== 'string') {
      return { ok: false, code: 'INVALID_ARGUMENT', message: 'The operation name must be a string.' };
    }
    return dispatch(app.handlers, name, args, { door: 'electron', actor: 'electron' });
  };
}

/** Register the one IPC entry point. Returns a function that removes it (window closed, app quitting). */
export function registerApiIpc(app: App): () => void {
  ipcMain.handle(API_CALL_CHANNEL, createApiCallHandler(app));
  return () => ipcMain.removeHandler(API_CALL_CHANNEL);
}

/**
 * Push every app event to one window's renderer as plain data (the preload hands only the payload to the
 * page, never the IpcRendererEvent). Returns the unsubscribe function.
 */
export function forwardEvents(app: App, contents: Pick<WebContents, 'send' | 'isDestroyed'>): () => void {
  return app.events.subscribe((event: AppEvent) => {
    if (!contents.isDestroyed()) contents.send(API_EVENT_CHANNEL, event);
  });
}
