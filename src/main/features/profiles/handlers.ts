import type { HandlerGroup } from '../../core/dispatch';
import type { ProfileService } from './ProfileService';

type ProfileOps =
  | 'profiles.list'
  | 'profiles.get'
  | 'profiles.create'
  | 'profiles.update'
  | 'profiles.duplicate'
  | 'profiles.remove';

export function profileHandlers(profiles: ProfileService): HandlerGroup<ProfileOps> {
  return {
    'profiles.list': async () => profiles.list(),
    'profiles.get': async ({ id }) => profiles.get(id),
    'profiles.create': async ({ profile, secrets, copySecretsFrom }) => profiles.create(profile, secrets, copySecretsFrom),
    'profiles.update': async ({ id, profile, secrets }) => profiles.update(id, profile, secrets),
    'profiles.duplicate': async ({ id, name }) => profiles.duplicate(id, name),
    // Audited by dispatch (destructive); leaving production is confirmed there too (profiles.update's rule).
    'profiles.remove': async ({ id }) => {
      await profiles.remove(id);
      return null;
    },
  };
}
