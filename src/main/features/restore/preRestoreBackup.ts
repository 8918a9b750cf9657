import type { Profile } from '../../../shared/contract/profiles';
import type { JobContext } from '../../platform/jobs/JobRunner';
import type { RestoreServiceDeps } from './RestoreServiceDeps';

/**
 * The mandatory backup of the target taken before anything is changed, written with the backup engine
 * into the profile's local backup folder and linked to the restore record. The backup engine backs up a
 * profile's own database; for another target database a transient copy of the profile (same server,
 * same secrets, kept in memory only) names it.
 */
export async function preRestoreBackup(
  app: Pick<RestoreServiceDeps, 'backups' | 'profiles' | 'connections'>,
  profile: Profile,
  database: string,
  ctx: JobContext,
): Promise<string> {
  const dir = app.backups.localDir(profile);
  const options = { label: 'pre-restore', dir, workers: 2 };
  if (profile.mysql.database === database) {
    return (await app.backups.createBackup(profile.id, options, ctx)).path;
  }
  const { id: _id, transient: _t, secrets: names, createdAt: _c, updatedAt: _u, ...body } = profile;
  const secrets: Record<string, string> = {};
  for (const name of names) {
    const value = await app.profiles.secret(profile.id, name);
    if (value) secrets[name] = value;
  }
  const clone = await app.profiles.createTransient(
    { ...body, name: `${profile.name} (restore target ${database})`, mysql: { ...body.mysql, database } },
    secrets,
  );
  try {
    return (await app.backups.createBackup(clone.id, options, ctx)).path;
  } finally {
    await app.connections.closeProfile(clone.id).catch(() => undefined);
    await app.profiles.remove(clone.id).catch(() => undefined);
  }
}
