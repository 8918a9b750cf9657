import type { Profile } from '../../../shared/contract/profiles';
import type { SandboxServiceDeps } from './SandboxServiceDeps';
import type { SandboxEngineLayout } from './sandboxEngines';

export const SANDBOX_DATABASE = 'sysndd';
export const SANDBOX_USER = 'sysndd';

/**
 * The sandbox's `development` profile: created on the first start, moved with the port. It holds no
 * secret: its password is the sandbox's own (sandboxCredentials.ts), found through the profile service's
 * secret owner hook. A profile made by an older version had its password in the secret store; that copy
 * is removed once the sandbox keeps it.
 */
export async function saveSandboxProfile(
  app: Pick<SandboxServiceDeps, 'profiles'>,
  layout: SandboxEngineLayout,
  existing: Profile | null,
  port: number,
): Promise<Profile> {
  const mysql = { host: '127.0.0.1', port, user: SANDBOX_USER, database: SANDBOX_DATABASE };
  if (!existing) {
    return app.profiles.create({
      name: freeProfileName(app, layout.profileName),
      environment: 'development',
      color: '#2f9e44',
      mysql,
    });
  }
  const storedCopy = existing.secrets.includes('mysql.password');
  if (existing.mysql.port === port && !storedCopy) return existing;
  const { id, transient: _t, secrets: _s, createdAt: _c, updatedAt: _u, ...body } = existing;
  return app.profiles.update(id, { ...body, mysql: { ...body.mysql, port } }, storedCopy ? { 'mysql.password': null } : {});
}

function freeProfileName(app: Pick<SandboxServiceDeps, 'profiles'>, base: string): string {
  for (let n = 1; ; n++) {
    const name = n === 1 ? base : `${base} ${n}`;
    if (!app.profiles.findByName(name)) return name;
  }
}

export function existingSandboxProfile(app: Pick<SandboxServiceDeps, 'profiles'>, profileId: string | null): Profile | null {
  if (!profileId) return null;
  try {
    return app.profiles.get(profileId);
  } catch {
    // The user deleted the profile; the next start creates a new one.
    return null;
  }
}
