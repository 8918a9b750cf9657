import type { HandlerGroup } from '../../core/dispatch';
import type { SandboxService } from './SandboxService';

type SandboxOps = 'sandbox.status' | 'sandbox.start' | 'sandbox.stop';

export function sandboxHandlers(sandbox: SandboxService): HandlerGroup<SandboxOps> {
  return {
    'sandbox.status': async (args) => sandbox.status(args),
    'sandbox.start': async (args) => sandbox.start(args),
    'sandbox.stop': async (args) => sandbox.stop(args),
  };
}
