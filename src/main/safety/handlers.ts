import { isOperationName } from '../../shared/contract/index';
import type { App } from '../app/App';
import { AppError } from '../core/AppError';
import type { HandlerGroup } from '../core/dispatch';

export function safetyHandlers(app: App): HandlerGroup<'safety.check' | 'settings.actor' | 'settings.setDisplayName'> {
  return {
    'safety.check': async ({ operation, args }) => {
      if (!isOperationName(operation)) throw new AppError('UNKNOWN_OPERATION', `Unknown operation "${operation}".`);
      return app.safety.check(operation, args);
    },
    'settings.actor': async () => app.actor.get(),
    'settings.setDisplayName': async ({ displayName }) => app.actor.setDisplayName(displayName),
  };
}
