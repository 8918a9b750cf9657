import os from 'node:os';
import type { App } from '../app/App';
import { APP_VERSION } from '../platform/version';
import type { HandlerGroup } from '../core/dispatch';

export function systemHandlers(app: App): HandlerGroup<'system.info' | 'system.ping'> {
  return {
    'system.info': async () => ({
      appVersion: APP_VERSION,
      door: app.door,
      home: app.home,
      secretBackend: { name: app.secrets.name, persistent: app.secrets.persistent, warning: app.secrets.warning },
      node: process.version,
      platform: `${os.platform()}-${os.arch()}`,
      eventLoop: app.eventLoop.snapshot(),
    }),
    'system.ping': async () => ({ pong: true as const, at: new Date().toISOString() }),
  };
}
