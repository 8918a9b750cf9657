import { Alert, Button, Card, Group, Stack, Text, Title } from '@mantine/core';
import { Archive, Eraser, WifiOff } from 'lucide-react';
import { useCallback, useEffect, useMemo, useState } from 'react';
import type { BackupEntry, BackupList, JobSnapshot, Profile } from '../../shared/contract/index';
import { BackupDialogs, useBackupDialogs } from '../components/backups/BackupDialogs';
import { BackupTable } from '../components/backups/BackupTable';
import { CreateBackupButton } from '../components/backups/CreateBackupButton';
import { FilterBar } from '../components/common/FilterBar';
import { FilteredEmptyState } from '../components/common/FilteredEmptyState';
import { FilterSelect } from '../components/common/FilterSelect';
import { LoadErrorAlert } from '../components/common/LoadErrorAlert';
import { RefreshButton } from '../components/common/RefreshButton';
import { type TableFilters, useTableFilters } from '../components/common/useTableFilters';
import { JobProgress } from '../components/JobProgress';
import { RequireProfile } from '../components/RequireProfile';
import { useCall } from '../hooks/useCall';
import { isLive, useAppStore } from '../state/appStore';

interface Filters {
  location: string | null;
  status: string | null;
}

const NO_FILTERS: Filters = { location: null, status: null };

function matches(f: Filters, typed: string) {
  const text = typed.trim().toLowerCase();
  return (e: BackupEntry) =>
    (!text || e.name.toLowerCase().includes(text) || (e.schemaVersionHead ?? '').toLowerCase().includes(text)) &&
    (!f.location || e.location === f.location) &&
    (!f.status || e.status === f.status);
}

/** Jobs started from this page: followed live, the list reloads when one ends. */
function useTrackedJobs(onFinished: () => void) {
  const [ids, setIds] = useState<string[]>([]);
  const jobs = useAppStore((s) => s.jobs);
  const upsertJob = useAppStore((s) => s.upsertJob);
  const tracked = ids.map((id) => jobs[id]).filter((j): j is JobSnapshot => j !== undefined);
  const finishedKey = tracked
    .filter((j) => j.finishedAt)
    .map((j) => j.id)
    .join(',');
  // biome-ignore lint/correctness/useExhaustiveDependencies: reload exactly when another tracked job ends.
  useEffect(() => {
    if (finishedKey) onFinished();
  }, [finishedKey]);
  const track = useCallback(
    (job: JobSnapshot) => {
      upsertJob(job);
      setIds((list) => [job.id, ...list.filter((x) => x !== job.id)].slice(0, 5));
    },
    [upsertJob],
  );
  return { tracked, track };
}

/** Name or schema version typed, where the copies are, their status; and how many of the backups are shown. */
function BackupFilterBar({ table, shown, total }: { table: TableFilters<Filters>; shown: number; total: number }) {
  return (
    <FilterBar
      table={table}
      testIdPrefix="backups"
      textLabel="Filter"
      textPlaceholder="name or schema version"
      textWidth={260}
      aside={
        <Text size="xs" c="dimmed" data-testid="backups-count">
          {shown} of {total} backups
        </Text>
      }
    >
      <FilterSelect
        table={table}
        name="location"
        label="Where"
        placeholder="Anywhere"
        data={['local', 'remote', 'both']}
        w={150}
        data-testid="backups-filter-location"
      />
      <FilterSelect
        table={table}
        name="status"
        label="Status"
        placeholder="Any status"
        data={['complete', 'incomplete', 'corrupt', 'unknown']}
        w={160}
        data-testid="backups-filter-status"
      />
    </FilterBar>
  );
}

/** The page's title row: retention, refresh, and the create button (off while a backup it started runs). */
function BackupsHeader({
  profile,
  loading,
  creating,
  onPrune,
  onRefresh,
  onStarted,
}: {
  profile: Profile;
  loading: boolean;
  creating: boolean;
  onPrune(): void;
  onRefresh(): void;
  onStarted(job: JobSnapshot): void;
}) {
  return (
    <Group justify="space-between">
      <Title order={2}>Backups</Title>
      <Group gap="xs">
        <Button variant="default" leftSection={<Eraser size={16} />} onClick={onPrune} data-testid="backup-prune-open">
          Retention…
        </Button>
        <RefreshButton loading={loading} onClick={onRefresh} testId="backups-refresh" />
        <CreateBackupButton profile={profile} disabled={creating} onStarted={onStarted} />
      </Group>
    </Group>
  );
}

/** Where the backups are kept, and a warning when the remote folder could not be listed this time. */
function BackupFolders({ list }: { list: BackupList }) {
  return (
    <>
      <Text size="xs" c="dimmed" data-testid="backups-folders">
        Local folder: {list.localDir}
        {list.remoteDir
          ? ` · Remote folder (SSH host): ${list.remoteDir}`
          : ' · No remote folder (set an SSH host and a remote backup folder in the profile)'}
      </Text>
      {list.remoteError && (
        <Alert
          color="yellow"
          icon={<WifiOff size={16} />}
          title="The remote backup folder could not be reached"
          data-testid="backups-remote-error"
        >
          {list.remoteError.message} Showing the remote files as last seen.
        </Alert>
      )}
    </>
  );
}

/** The jobs this page started (create, verify, download), with their progress. */
function TrackedJobsCard({ jobs }: { jobs: JobSnapshot[] }) {
  if (jobs.length === 0) return null;
  return (
    <Card withBorder padding="sm" data-testid="backups-jobs">
      <Stack gap="sm">
        {jobs.map((j) => (
          <JobProgress key={j.id} job={j} />
        ))}
      </Stack>
    </Card>
  );
}

/** A running verify or download names its backup in the job title: that row shows as busy. */
function busyNames(tracked: JobSnapshot[]): Set<string> {
  return new Set(
    tracked.filter(isLive).map((j) => j.title.replace(/^(Download|Verify) /, '').replace(/ \(with test restore\)$/, '')),
  );
}

function BackupsView({ profile }: { profile: Profile }) {
  const list = useCall('backups.list', { profileId: profile.id, refreshRemote: true });
  const reload = list.reload;
  const table = useTableFilters(NO_FILTERS);
  const { tracked, track } = useTrackedJobs(reload);
  const dialogs = useBackupDialogs(profile.id, track);
  const creating = tracked.some((j) => j.kind === 'backup.create' && isLive(j));
  const busy = useMemo(() => busyNames(tracked), [tracked]);
  const entries = useMemo(
    () => (list.data?.entries ?? []).filter(matches(table.filters, table.text)),
    [list.data, table.filters, table.text],
  );

  const d = list.data;
  return (
    <Stack gap="md">
      <BackupsHeader
        profile={profile}
        loading={list.loading}
        creating={creating}
        onPrune={dialogs.openPrune}
        onRefresh={reload}
        onStarted={track}
      />
      {d && <BackupFolders list={d} />}
      <TrackedJobsCard jobs={tracked} />
      <BackupFilterBar table={table} shown={entries.length} total={d?.entries.length ?? 0} />
      {list.error && <LoadErrorAlert title="Could not list the backups" error={list.error} data-testid="backups-error" />}
      {d && entries.length === 0 ? (
        <FilteredEmptyState
          icon={<Archive size={28} />}
          filtered={table.filtered}
          whenFiltered={{ title: 'No backup matches these filters', description: 'Clear or change the filters.' }}
          whenEmpty={{
            title: 'No backups yet',
            description:
              'Create the first one: it is written from one consistent snapshot, verified by its own manifest, and restorable with plain gunzip | mariadb.',
          }}
          data-testid="backups-empty"
        />
      ) : (
        <BackupTable entries={entries} actions={dialogs.actions} busy={busy} />
      )}
      <BackupDialogs profileId={profile.id} dialogs={dialogs} hasRemote={Boolean(d?.remoteDir)} track={track} reload={reload} />
    </Stack>
  );
}

/** Backups page: the profile's local and remote backups, create / verify / download / delete / restore. */
export function BackupsPage() {
  return <RequireProfile>{(profile) => <BackupsView key={profile.id} profile={profile} />}</RequireProfile>;
}
