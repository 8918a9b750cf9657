import { isOperationName } from '../../../shared/contract/index';
import { AppError } from '../../core/AppError';
import type { HandlerGroup } from '../../core/dispatch';
import type { ActorIdentity } from './ActorIdentity';
import type { ContractSafetyGate } from './SafetyGate';

export function safetyHandlers(app: {
  readonly safety: ContractSafetyGate;
  readonly actor: ActorIdentity;
}): HandlerGroup<'safety.check' | 'settings.actor' | 'settings.setDisplayName'> {
  return {
    'safety.check': async ({ operation, args }) => {
      if (!isOperationName(operation)) throw new AppError('UNKNOWN_OPERATION', `Unknown operation "${operation}".`);
      return app.safety.check(operation, args);
    },
    'settings.actor': async () => app.actor.get(),
    'settings.setDisplayName': async ({ displayName }) => app.actor.setDisplayName(displayName),
  };
}
