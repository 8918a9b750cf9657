import { Alert, Button, Card, Group, Select, Stack, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { Archive, Eraser, RefreshCw, WifiOff } from 'lucide-react';
import { useCallback, useEffect, useMemo, useState } from 'react';
import type { BackupEntry, JobSnapshot, Profile } from '../../shared/contract/index';
import { call, errorMessage } from '../api';
import { BackupDetailsDrawer } from '../components/backups/BackupDetailsDrawer';
import { type BackupActions, BackupTable } from '../components/backups/BackupTable';
import { CreateBackupButton } from '../components/backups/CreateBackupButton';
import { CompareModal } from '../components/backups/compare/CompareModal';
import { DeleteBackupModal } from '../components/backups/DeleteBackupModal';
import { DownloadBackupModal } from '../components/backups/DownloadBackupModal';
import { PruneModal } from '../components/backups/PruneModal';
import { VerifyEncryptedModal, type VerifyRequest } from '../components/backups/VerifyEncryptedModal';
import { FilterBar } from '../components/common/FilterBar';
import { FilteredEmptyState } from '../components/common/FilteredEmptyState';
import { LoadErrorAlert } from '../components/common/LoadErrorAlert';
import { type TableFilters, useTableFilters } from '../components/common/useTableFilters';
import { JobProgress } from '../components/JobProgress';
import { RequireProfile } from '../components/RequireProfile';
import { useCall } from '../hooks/useCall';
import { navigate } from '../router';
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
  const { filters, setFilter } = table;
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
      <Select
        label="Where"
        placeholder="Anywhere"
        data={['local', 'remote', 'both']}
        value={filters.location}
        onChange={(v) => setFilter('location', v)}
        clearable
        w={150}
        data-testid="backups-filter-location"
      />
      <Select
        label="Status"
        placeholder="Any status"
        data={['complete', 'incomplete', 'corrupt', 'unknown']}
        value={filters.status}
        onChange={(v) => setFilter('status', v)}
        clearable
        w={160}
        data-testid="backups-filter-status"
      />
    </FilterBar>
  );
}

function BackupsView({ profile }: { profile: Profile }) {
  const list = useCall('backups.list', { profileId: profile.id, refreshRemote: true });
  const reload = list.reload;
  const table = useTableFilters(NO_FILTERS);
  const [details, setDetails] = useState<BackupEntry | null>(null);
  const [deleting, setDeleting] = useState<BackupEntry | null>(null);
  const [comparing, setComparing] = useState<BackupEntry | null>(null);
  const [downloading, setDownloading] = useState<BackupEntry | null>(null);
  const [pruning, setPruning] = useState(false);
  const [verifyingEncrypted, setVerifyingEncrypted] = useState<VerifyRequest | null>(null);
  const { tracked, track } = useTrackedJobs(reload);
  const creating = tracked.some((j) => j.kind === 'backup.create' && isLive(j));
  const busy = useMemo(
    () =>
      new Set(
        tracked.filter(isLive).map((j) => j.title.replace(/^(Download|Verify) /, '').replace(/ \(with test restore\)$/, '')),
      ),
    [tracked],
  );
  const entries = useMemo(
    () => (list.data?.entries ?? []).filter(matches(table.filters, table.text)),
    [list.data, table.filters, table.text],
  );

  const actions = useMemo<BackupActions>(
    () => ({
      details: (e) => setDetails(e),
      remove: (e) => setDeleting(e),
      compare: (e) => setComparing(e),
      restore: (e) => navigate(`restore?profile=${encodeURIComponent(profile.id)}&file=${encodeURIComponent(e.localPath ?? '')}`),
      download: (e) => setDownloading(e),
      verify: async (e, scratchRestore) => {
        // An encrypted copy needs its key first (identity file path or passphrase).
        if (e.encrypted) return setVerifyingEncrypted({ entry: e, scratchRestore });
        try {
          track(await call('backups.verify', { profileId: profile.id, name: e.name, scratchRestore }));
        } catch (err) {
          notifications.show({ color: 'red', title: 'Could not start the check', message: errorMessage(err) });
        }
      },
    }),
    [profile.id, track],
  );

  const d = list.data;
  return (
    <Stack gap="md">
      <Group justify="space-between">
        <Title order={2}>Backups</Title>
        <Group gap="xs">
          <Button
            variant="default"
            leftSection={<Eraser size={16} />}
            onClick={() => setPruning(true)}
            data-testid="backup-prune-open"
          >
            Retention…
          </Button>
          <Button
            variant="default"
            leftSection={<RefreshCw size={16} />}
            loading={list.loading}
            onClick={reload}
            data-testid="backups-refresh"
          >
            Refresh
          </Button>
          <CreateBackupButton profile={profile} disabled={creating} onStarted={track} />
        </Group>
      </Group>
      {d && (
        <Text size="xs" c="dimmed" data-testid="backups-folders">
          Local folder: {d.localDir}
          {d.remoteDir
            ? ` · Remote folder (SSH host): ${d.remoteDir}`
            : ' · No remote folder (set an SSH host and a remote backup folder in the profile)'}
        </Text>
      )}
      {d?.remoteError && (
        <Alert
          color="yellow"
          icon={<WifiOff size={16} />}
          title="The remote backup folder could not be reached"
          data-testid="backups-remote-error"
        >
          {d.remoteError.message} Showing the remote files as last seen.
        </Alert>
      )}
      {tracked.length > 0 && (
        <Card withBorder padding="sm" data-testid="backups-jobs">
          <Stack gap="sm">
            {tracked.map((j) => (
              <JobProgress key={j.id} job={j} />
            ))}
          </Stack>
        </Card>
      )}
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
        <BackupTable entries={entries} actions={actions} busy={busy} />
      )}
      <BackupDetailsDrawer profileId={profile.id} entry={details} onClose={() => setDetails(null)} onRestore={actions.restore} />
      <CompareModal profileId={profile.id} entry={comparing} onClose={() => setComparing(null)} />
      <DownloadBackupModal profileId={profile.id} entry={downloading} onClose={() => setDownloading(null)} onStarted={track} />
      <VerifyEncryptedModal
        profileId={profile.id}
        request={verifyingEncrypted}
        onClose={() => setVerifyingEncrypted(null)}
        onStarted={track}
      />
      <DeleteBackupModal
        profileId={profile.id}
        entry={deleting}
        onClose={() => setDeleting(null)}
        onDeleted={(paths) => {
          setDeleting(null);
          notifications.show({ color: 'green', title: 'Deleted', message: paths.join(', ') });
          reload();
        }}
      />
      <PruneModal
        profileId={profile.id}
        opened={pruning}
        hasRemote={Boolean(d?.remoteDir)}
        onClose={() => setPruning(false)}
        onPruned={() => {
          setPruning(false);
          reload();
        }}
      />
    </Stack>
  );
}

/** Backups page: the profile's local and remote backups, create / verify / download / delete / restore. */
export function BackupsPage() {
  return <RequireProfile>{(profile) => <BackupsView key={profile.id} profile={profile} />}</RequireProfile>;
}
