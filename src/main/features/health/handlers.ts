import type { HandlerGroup } from '../../core/dispatch';
import type { ReadinessService } from './ReadinessService';

export function healthHandlers(health: ReadinessService): HandlerGroup<'health.readiness'> {
  return {
    'health.readiness': async (args) => health.readiness(args),
  };
}
