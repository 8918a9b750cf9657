import type { App } from '../app/App';
import type { HandlerGroup } from '../core/dispatch';

type ProfileOps =
  | 'profiles.list'
  | 'profiles.get'
  | 'profiles.create'
  | 'profiles.update'
  | 'profiles.duplicate'
  | 'profiles.remove';

export function profileHandlers(app: App): HandlerGroup<ProfileOps> {
  return {
    'profiles.list': async () => app.profiles.list(),
    'profiles.get': async ({ id }) => app.profiles.get(id),
    'profiles.create': async ({ profile, secrets }) => app.profiles.create(profile, secrets),
    'profiles.update': async ({ id, profile, secrets }) => app.profiles.update(id, profile, secrets),
    'profiles.duplicate': async ({ id, name }) => app.profiles.duplicate(id, name),
    // Audited by dispatch (destructive); leaving production is confirmed there too (profiles.update's rule).
    'profiles.remove': async ({ id }) => {
      await app.profiles.remove(id);
      return null;
    },
  };
}
