import os from 'node:os';
import type { Door, HandlerGroup } from '../../core/dispatch';
import type { EventLoopMonitor } from '../../platform/EventLoopMonitor';
import type { SecretStore } from '../../platform/secrets/SecretStore';
import { APP_VERSION } from '../../platform/version';

/** What the system handlers report on: the door, the app-data folder, the secret store, the event loop. */
export interface SystemHandlerDeps {
  readonly door: Door;
  readonly home: string;
  readonly secrets: SecretStore;
  readonly eventLoop: EventLoopMonitor;
}

export function systemHandlers(app: SystemHandlerDeps): HandlerGroup<'system.info' | 'system.ping'> {
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
