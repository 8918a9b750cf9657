import { Alert, Button, Card, Group, Loader, SimpleGrid, Stack, Tabs, Text, Title } from '@mantine/core';
import { CircleAlert, Play, RefreshCw, TriangleAlert } from 'lucide-react';
import { useEffect, useState } from 'react';
import type { JobSnapshot, MigrationStatus, Profile } from '../../shared/contract/index';
import { errorMessage } from '../api';
import { useConfirmedAction } from '../components/ConfirmAction';
import { JobProgress } from '../components/JobProgress';
import { DryRunView } from '../components/migrations/DryRunView';
import { FileViewer } from '../components/migrations/FileViewer';
import { HistoryList } from '../components/migrations/HistoryList';
import { LockCard } from '../components/migrations/LockCard';
import { MigrationFilesList } from '../components/migrations/MigrationFilesList';
import { BulkRepairActions } from '../components/migrations/RepairActions';
import { RequireProfile } from '../components/RequireProfile';
import { useCall } from '../hooks/useCall';
import { isLive, useAppStore } from '../state/appStore';

function Counts({ s }: { s: MigrationStatus }) {
  const items: Array<[string, number, string]> = [
    ['applied', s.counts.applied, 'green'],
    ['pending', s.counts.pending, 'yellow'],
    ['failed', s.counts.failed, 'red'],
    ['drifted', s.counts.drifted, 'red'],
    ['no checksum', s.counts.noChecksum, 'teal'],
    ['missing files', s.counts.missing, 'grape'],
  ];
  return (
    <SimpleGrid cols={{ base: 3, md: 6 }} data-testid="migration-counts">
      {items.map(([label, n, color]) => (
        <Card key={label} withBorder padding="xs" data-testid={`count-${label.replace(' ', '-')}`} data-count={n}>
          <Text size="xl" fw={700} c={n > 0 && label !== 'applied' ? color : undefined}>
            {n}
          </Text>
          <Text size="xs" c="dimmed">
            {label}
          </Text>
        </Card>
      ))}
    </SimpleGrid>
  );
}

function MigrationsView({ profile }: { profile: Profile }) {
  const status = useCall('migrations.status', { profileId: profile.id });
  const [selected, setSelected] = useState<string | null>(null);
  const [jobId, setJobId] = useState<string | null>(null);
  const [refreshKey, setRefreshKey] = useState(0);
  const [starting, setStarting] = useState(false);
  const job = useAppStore((s) => (jobId ? s.jobs[jobId] : undefined));
  const upsertJob = useAppStore((s) => s.upsertJob);
  const running = job ? isLive(job) : false;
  const reloadStatus = status.reload;
  const confirmed = useConfirmedAction();

  // When the run (or resume) ends, everything on the page may have changed.
  useEffect(() => {
    if (job?.finishedAt) {
      reloadStatus();
      setRefreshKey((k) => k + 1);
    }
  }, [job?.finishedAt, reloadStatus]);

  const refresh = () => {
    reloadStatus();
    setRefreshKey((k) => k + 1);
  };
  const track = (j: JobSnapshot) => {
    upsertJob(j);
    setJobId(j.id);
  };

  // Production (or files a restore rewound): the database name typed first; elsewhere it starts at once.
  async function runPending() {
    setStarting(true);
    try {
      await confirmed.run('migrations.migrate', { profileId: profile.id }, 'Run pending migrations', track);
    } finally {
      setStarting(false);
    }
  }

  const s = status.data;
  const file = s?.files.find((f) => f.filename === selected) ?? null;
  return (
    <Stack gap="md">
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
          <Button
            variant="default"
            leftSection={<RefreshCw size={16} />}
            onClick={refresh}
            loading={status.loading}
            data-testid="migrations-refresh"
          >
            Refresh
          </Button>
          <Button
            leftSection={<Play size={16} />}
            onClick={runPending}
            loading={starting}
            disabled={!s || s.counts.pending === 0 || running}
            data-testid="run-pending"
          >
            Run pending{s ? ` (${s.counts.pending})` : ''}
          </Button>
        </Group>
      </Group>
      {status.error && (
        <Alert
          color="red"
          icon={<CircleAlert size={16} />}
          title="Could not read the migration state"
          data-testid="migrations-error"
        >
          {errorMessage(status.error)}
        </Alert>
      )}
      {confirmed.modal}
      {s && s.rewound.length > 0 && (
        <Alert
          color="orange"
          icon={<TriangleAlert size={16} />}
          title="A restore rewound these migrations: they will run again"
          data-testid="migrations-rewound"
        >
          {s.rewound.map((r) => (
            <Text size="sm" key={r.filename}>
              {r.filename}: {r.reason}.
            </Text>
          ))}
          <Text size="sm" mt="xs">
            Run pending asks for the database name before it runs them again.
          </Text>
        </Alert>
      )}
      {job && (
        <Card withBorder data-testid="migration-job">
          <JobProgress job={job} />
        </Card>
      )}
      {!s ? (
        !status.error && <Loader />
      ) : (
        <>
          <Counts s={s} />
          <LockCard key={s.lock.checkedAt} profileId={profile.id} initial={s.lock} live={running} />
          {s.problems.map((p) => (
            <Alert
              key={`${p.code}:${p.filename}:${p.message}`}
              color={p.severity === 'error' ? 'red' : 'yellow'}
              data-testid={`problem-${p.code}`}
            >
              {p.message}
            </Alert>
          ))}
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
              <SimpleGrid cols={{ base: 1, lg: 2 }}>
                <Card withBorder padding="xs">
                  <MigrationFilesList files={s.files} selected={selected} onSelect={setSelected} />
                </Card>
                {file ? (
                  <FileViewer
                    key={`${file.filename}:${refreshKey}`}
                    profile={profile}
                    file={file}
                    onChanged={refresh}
                    onJob={track}
                  />
                ) : (
                  <Text c="dimmed" size="sm">
                    Select a file to see its statements, its drift diff or its last attempt.
                  </Text>
                )}
              </SimpleGrid>
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
                  Adopt records checksums for files SysNDD's own runner applied; baseline marks files of an existing database as
                  applied without running them. Both ask for confirmation and are audited.
                </Text>
                <BulkRepairActions profile={profile} status={s} onChanged={refresh} />
              </Stack>
            </Tabs.Panel>
          </Tabs>
        </>
      )}
    </Stack>
  );
}

export function MigrationsPage() {
  return <RequireProfile>{(profile) => <MigrationsView key={profile.id} profile={profile} />}</RequireProfile>;
}
