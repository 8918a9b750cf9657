import { Alert, Button, Card, Group, Loader, SimpleGrid, Stack, Tabs, Text, Title } from '@mantine/core';
import { Info, Play, TriangleAlert } from 'lucide-react';
import { useCallback, useEffect, useState } from 'react';
import type { JobSnapshot, MigrationStatus, Profile } from '../../shared/contract/index';
import { useConfirmedAction } from '../components/ConfirmAction';
import { LoadErrorAlert } from '../components/common/LoadErrorAlert';
import { RefreshButton } from '../components/common/RefreshButton';
import { useBusyAction } from '../components/common/useBusyAction';
import { JobProgress } from '../components/JobProgress';
import { DryRunView } from '../components/migrations/DryRunView';
import { FileViewer } from '../components/migrations/FileViewer';
import { HistoryList } from '../components/migrations/HistoryList';
import { LockCard } from '../components/migrations/LockCard';
import { MigrationFailureCard } from '../components/migrations/MigrationFailureCard';
import { MigrationFilesList } from '../components/migrations/MigrationFilesList';
import { BulkRepairActions } from '../components/migrations/RepairActions';
import { useReloadOn } from '../components/migrations/useReloadOn';
import { RequireProfile } from '../components/RequireProfile';
import { useCall } from '../hooks/useCall';
import { isLive, useAppStore, useFinishedJobCount } from '../state/appStore';

/** Jobs that change what this page shows: migrate runs and repairs, and restores (which rewind migrations). */
const MIGRATION_JOB_KINDS = ['migrate', 'restore', 'restore.rollback'] as const;

/**
 * One card per state that has files; states with none collapse into one quiet line, so the eye lands on
 * what needs attention (applied always shows: it is the baseline).
 */
function Counts({ s }: { s: MigrationStatus }) {
  const items: Array<[string, number, string]> = [
    ['applied', s.counts.applied, 'green'],
    ['pending', s.counts.pending, 'yellow'],
    ['failed', s.counts.failed, 'red'],
    ['drifted', s.counts.drifted, 'red'],
    ['no checksum', s.counts.noChecksum, 'teal'],
    ['missing files', s.counts.missing, 'grape'],
  ];
  const shown = items.filter(([label, n]) => n > 0 || label === 'applied');
  const zero = items.filter(([label, n]) => n === 0 && label !== 'applied').map(([label]) => label);
  return (
    <Group gap="sm" align="stretch" data-testid="migration-counts">
      {shown.map(([label, n, color]) => (
        <Card key={label} withBorder padding="xs" miw={110} data-testid={`count-${label.replace(' ', '-')}`} data-count={n}>
          <Text size="xl" fw={700} c={n > 0 && label !== 'applied' ? color : undefined}>
            {n}
          </Text>
          <Text size="xs" c="dimmed">
            {label}
          </Text>
        </Card>
      ))}
      {zero.length > 0 && (
        <Text size="xs" c="dimmed" style={{ alignSelf: 'center' }} data-testid="migration-counts-zero">
          None {zero.join(', ')}
        </Text>
      )}
    </Group>
  );
}

/** A gap in the numbering is allowed (SysNDD has gaps too): a quiet note, not a warning. */
function ProblemNote({ p }: { p: MigrationStatus['problems'][number] }) {
  if (p.code === 'GAP')
    return (
      <Group gap={6} wrap="nowrap" data-testid={`problem-${p.code}`} data-quiet="true">
        <Info size={14} color="var(--mantine-color-dimmed)" aria-hidden />
        <Text size="xs" c="dimmed">
          {p.message}
        </Text>
      </Group>
    );
  return (
    <Alert color={p.severity === 'error' ? 'red' : 'yellow'} data-testid={`problem-${p.code}`}>
      {p.message}
    </Alert>
  );
}

/**
 * The migration state of a profile, the job this page follows (a run, a resume, a repair), and a refresh key
 * that remounts the tabs' own loads. Everything reloads when that job ends, or when a migrate run or a restore
 * of this profile ends elsewhere (CLI, another window).
 */
function useMigrationsState(profileId: string) {
  const status = useCall('migrations.status', { profileId });
  const [jobId, setJobId] = useState<string | null>(null);
  const [refreshKey, setRefreshKey] = useState(0);
  const job = useAppStore((s) => (jobId ? s.jobs[jobId] : undefined));
  const upsertJob = useAppStore((s) => s.upsertJob);
  const reloadStatus = status.reload;
  const refresh = useCallback(() => {
    reloadStatus();
    setRefreshKey((k) => k + 1);
  }, [reloadStatus]);

  const finishedElsewhere = useFinishedJobCount(profileId, MIGRATION_JOB_KINDS);
  useReloadOn(finishedElsewhere, refresh);
  useEffect(() => {
    if (job?.finishedAt) refresh();
  }, [job?.finishedAt, refresh]);

  const track = (j: JobSnapshot) => {
    upsertJob(j);
    setJobId(j.id);
  };
  return { status, job, running: job ? isLive(job) : false, refreshKey, refresh, track };
}

/** Title, target database and folder, Refresh, and Run pending (with how many are pending). */
function MigrationsHeader(props: {
  s: MigrationStatus | undefined;
  loading: boolean;
  starting: boolean;
  running: boolean;
  onRefresh(): void;
  onRunPending(): void;
}) {
  const { s } = props;
  return (
    <Group justify="space-between">
      <div>
        <Title order={2}>Migrations</Title>
        {s && (
          <Text size="sm" c="dimmed" data-testid="migrations-target">
            {s.database} · folder {s.migrationsDir}
          </Text>
        )}
      </div>
      <Group gap="xs">
        <RefreshButton onClick={props.onRefresh} loading={props.loading} testId="migrations-refresh" />
        <Button
          leftSection={<Play size={16} />}
          onClick={props.onRunPending}
          loading={props.starting}
          disabled={!s || s.counts.pending === 0 || props.running}
          data-testid="run-pending"
        >
          Run pending{s ? ` (${s.counts.pending})` : ''}
        </Button>
      </Group>
    </Group>
  );
}

/** Files a restore took back to before their migration: Run pending runs them again (after a typed name). */
function RewoundAlert({ rewound }: { rewound: MigrationStatus['rewound'] }) {
  if (rewound.length === 0) return null;
  return (
    <Alert
      color="orange"
      icon={<TriangleAlert size={16} />}
      title="A restore rewound these migrations: they will run again"
      data-testid="migrations-rewound"
    >
      {rewound.map((r) => (
        <Text size="sm" key={r.filename}>
          {r.filename}: {r.reason}.
        </Text>
      ))}
      <Text size="sm" mt="xs">
        Run pending asks for the database name before it runs them again.
      </Text>
    </Alert>
  );
}

/** The files beside the selected file's viewer. */
function FilesTab(props: {
  s: MigrationStatus;
  profile: Profile;
  refreshKey: number;
  onChanged(): void;
  onJob(job: JobSnapshot): void;
}) {
  const [selected, setSelected] = useState<string | null>(null);
  const file = props.s.files.find((f) => f.filename === selected) ?? null;
  return (
    <SimpleGrid cols={{ base: 1, lg: 2 }}>
      <Card withBorder padding="xs">
        <MigrationFilesList files={props.s.files} selected={selected} onSelect={setSelected} />
      </Card>
      {file ? (
        <FileViewer
          key={`${file.filename}:${props.refreshKey}`}
          profile={props.profile}
          file={file}
          onChanged={props.onChanged}
          onJob={props.onJob}
        />
      ) : (
        <Text c="dimmed" size="sm">
          Select a file to see its statements, its drift diff or its last attempt.
        </Text>
      )}
    </SimpleGrid>
  );
}

/** Files, dry run, history, and the adopt / baseline repairs. */
function MigrationTabs(props: {
  s: MigrationStatus;
  profile: Profile;
  refreshKey: number;
  onChanged(): void;
  onJob(job: JobSnapshot): void;
}) {
  const { s, profile, refreshKey } = props;
  return (
    <Tabs defaultValue="files">
      <Tabs.List>
        <Tabs.Tab value="files" data-testid="tab-files">
          Files ({s.files.length})
        </Tabs.Tab>
        <Tabs.Tab value="dry-run" data-testid="tab-dry-run">
          Dry run
        </Tabs.Tab>
        <Tabs.Tab value="history" data-testid="tab-history">
          History
        </Tabs.Tab>
        <Tabs.Tab value="repair" data-testid="tab-repair">
          Adopt / baseline
        </Tabs.Tab>
      </Tabs.List>
      <Tabs.Panel value="files" pt="sm">
        <FilesTab {...props} />
      </Tabs.Panel>
      <Tabs.Panel value="dry-run" pt="sm">
        <DryRunView profile={profile} refreshKey={refreshKey} />
      </Tabs.Panel>
      <Tabs.Panel value="history" pt="sm">
        <HistoryList profileId={profile.id} refreshKey={refreshKey} />
      </Tabs.Panel>
      <Tabs.Panel value="repair" pt="sm">
        <Stack gap="xs">
          <Text size="sm" c="dimmed">
            Adopt records checksums for files SysNDD's own runner applied; baseline marks files of an existing database as applied
            without running them. Both ask for confirmation and are audited.
          </Text>
          <BulkRepairActions profile={profile} status={s} onChanged={props.onChanged} />
        </Stack>
      </Tabs.Panel>
    </Tabs>
  );
}

function MigrationsView({ profile }: { profile: Profile }) {
  const { status, job, running, refreshKey, refresh, track } = useMigrationsState(profile.id);
  const starting = useBusyAction();
  const confirmed = useConfirmedAction();
  // Production (or files a restore rewound): the database name typed first; elsewhere it starts at once.
  const runPending = () =>
    starting.run(() => confirmed.run('migrations.migrate', { profileId: profile.id }, 'Run pending migrations', track));

  const s = status.data;
  return (
    <Stack gap="md">
      <MigrationsHeader
        s={s}
        loading={status.loading}
        starting={starting.busy}
        running={running}
        onRefresh={refresh}
        onRunPending={() => void runPending()}
      />
      {status.error && (
        <LoadErrorAlert title="Could not read the migration state" error={status.error} data-testid="migrations-error" />
      )}
      {confirmed.modal}
      {s && <RewoundAlert rewound={s.rewound} />}
      {job && (
        <Card withBorder data-testid="migration-job">
          {(job.state === 'failed' || job.state === 'cancelled') && job.error ? (
            <MigrationFailureCard job={job} profile={profile} onJob={track} />
          ) : (
            <JobProgress job={job} />
          )}
        </Card>
      )}
      {!s ? (
        !status.error && <Loader />
      ) : (
        <>
          <Counts s={s} />
          <LockCard key={s.lock.checkedAt} profileId={profile.id} initial={s.lock} live={running} />
          {s.problems.map((p) => (
            <ProblemNote key={`${p.code}:${p.filename}:${p.message}`} p={p} />
          ))}
          <MigrationTabs s={s} profile={profile} refreshKey={refreshKey} onChanged={refresh} onJob={track} />
        </>
      )}
    </Stack>
  );
}

export function MigrationsPage() {
  return <RequireProfile>{(profile) => <MigrationsView key={profile.id} profile={profile} />}</RequireProfile>;
}
