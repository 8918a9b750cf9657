import type { App } from '../app/App';
import type { HandlerGroup } from '../core/dispatch';

type SandboxOps = 'sandbox.status' | 'sandbox.start' | 'sandbox.stop';

export function sandboxHandlers(app: App): HandlerGroup<SandboxOps> {
  return {
    'sandbox.status': async () => app.sandbox.status(),
    'sandbox.start': async () => app.sandbox.start(),
    'sandbox.stop': async () => app.sandbox.stop(),
  };
}
