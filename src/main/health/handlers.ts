import type { App } from '../app/App';
import type { HandlerGroup } from '../core/dispatch';

export function healthHandlers(app: App): HandlerGroup<'health.readiness'> {
  return {
    'health.readiness': async (args) => app.health.readiness(args),
  };
}
