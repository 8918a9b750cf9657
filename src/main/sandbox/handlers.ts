import type { App } from '../app/App';
import type { HandlerGroup } from '../core/dispatch';

type SandboxOps = 'sandbox.status' | 'sandbox.start' | 'sandbox.stop';

export function sandboxHandlers(app: App): HandlerGroup<SandboxOps> {
  return {
    'sandbox.status': async (args) => app.sandbox.status(args),
    'sandbox.start': async (args) => app.sandbox.start(args),
    'sandbox.stop': async (args) => app.sandbox.stop(args),
  };
}
