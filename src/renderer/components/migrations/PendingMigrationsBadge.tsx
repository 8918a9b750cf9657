import { Badge, Loader } from '@mantine/core';
import { errorMessage } from '../../api';
import { useCall } from '../../hooks/useCall';
import { useAppStore } from '../../state/appStore';
import { useConnectCount } from './useConnectCount';
import { useReloadOn } from './useReloadOn';

/**
 * "N pending migrations" for a profile, for the Overview and the header. Re-checks when the profile
 * changes, whenever a migrate job of that profile finishes, and on every (re)connect of the profile (the
 * database, or the migrations folder, may have changed meanwhile).
 */
export function PendingMigrationsBadge({ profileId, migrationsDir }: { profileId: string; migrationsDir?: string }) {
  const finishedMigrateJobs = useAppStore(
    (s) => Object.values(s.jobs).filter((j) => j.kind === 'migrate' && j.profileId === profileId && j.finishedAt !== null).length,
  );
  const status = useCall('migrations.status', migrationsDir ? { profileId, migrationsDir } : { profileId });
  const connects = useConnectCount(profileId);
  const key = `${profileId}:${finishedMigrateJobs}:${connects}`;
  useReloadOn(key, status.reload);
  if (status.loading && !status.data) return <Loader size="xs" data-testid="pending-migrations-loading" />;
  if (status.error) {
    return (
      <Badge
        color="gray"
        variant="outline"
        title={errorMessage(status.error)}
        data-testid="pending-migrations-badge"
        data-pending=""
      >
        migrations: unknown
      </Badge>
    );
  }
  const s = status.data;
  if (!s) return null;
  const failed = s.counts.failed + s.counts.drifted;
  const color = failed > 0 ? 'red' : s.counts.pending > 0 ? 'yellow' : 'green';
  const text =
    s.counts.pending > 0 ? `${s.counts.pending} pending migration${s.counts.pending === 1 ? '' : 's'}` : 'migrations up to date';
  return (
    <Badge
      color={color}
      variant="light"
      title={failed ? `${s.counts.failed} failed, ${s.counts.drifted} drifted` : `${s.counts.applied} applied`}
      data-testid="pending-migrations-badge"
      data-pending={s.counts.pending}
    >
      {text}
      {failed ? ` · ${failed} need attention` : ''}
    </Badge>
  );
}
