import { Alert, Badge, Button, Card, Code, Group, Loader, Stack, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { CircleAlert, Database, Play, Square } from 'lucide-react';
import { useEffect, useRef, useState } from 'react';
import { type JobSnapshot, SandboxStartResult, type SandboxStatus } from '../../../shared/contract/index';
import { call, errorMessage } from '../../api';
import { useCall } from '../../hooks/useCall';
import { isLive, useAppStore } from '../../state/appStore';
import { JobProgress } from '../JobProgress';
import { useSandboxUi } from './sandboxStore';

/** The newest sandbox job this window knows about (one may be running when the panel mounts). */
function latestSandboxJob(jobs: Record<string, JobSnapshot>): JobSnapshot | null {
  let latest: JobSnapshot | null = null;
  for (const job of Object.values(jobs)) {
    if (job.kind === 'sandbox' && (!latest || job.createdAt > latest.createdAt)) latest = job;
  }
  return latest;
}

function StatusLine({ status }: { status: SandboxStatus }) {
  if (!status.available) return null;
  return (
    <Group gap="xs" data-testid="sandbox-status" data-running={String(status.running)}>
      <Badge color={status.running ? 'green' : 'gray'} variant="light">
        {status.running ? 'running' : 'stopped'}
      </Badge>
      <Text size="sm" c="dimmed">
        {status.running && status.port !== null
          ? `127.0.0.1:${status.port}, database ${status.database}`
          : status.profileId
            ? 'Data and profile are kept; start it again to continue where you left off.'
            : 'Not created yet.'}
      </Text>
    </Group>
  );
}

export interface SandboxPanelProps {
  /** Shown on the first-run state: the page keeps this panel up until the start job ends. */
  firstRun?: boolean;
  /** Called with the sandbox profile once a start succeeded (the page may select it). */
  onReady?(profileId: string): void;
}

/**
 * "Start a local sandbox": a private MariaDB in the app-data folder with a development profile and
 * sample data (`sandbox.*`). Start runs as a job shown with JobProgress (bar, ETA, cancel); when it
 * succeeds the new profile is loaded and selected. Without MariaDB server binaries it says what to install.
 */
export function SandboxPanel({ firstRun = false, onReady }: SandboxPanelProps) {
  const status = useCall('sandbox.status', {});
  const upsertJob = useAppStore((s) => s.upsertJob);
  const loadProfiles = useAppStore((s) => s.loadProfiles);
  const selectProfile = useAppStore((s) => s.selectProfile);
  const setFirstRunJobId = useSandboxUi((s) => s.setFirstRunJobId);
  const job = useAppStore((s) => latestSandboxJob(s.jobs));
  const [starting, setStarting] = useState(false);
  const [stopping, setStopping] = useState(false);
  // Only a job that ends while this panel watches selects its profile, not one finished long ago.
  const watched = useRef<string | null>(job && isLive(job) ? job.id : null);
  const reloadStatus = status.reload;

  useEffect(() => {
    if (!job || job.id !== watched.current || isLive(job)) return;
    watched.current = null;
    reloadStatus();
    if (job.state !== 'succeeded') return;
    const parsed = SandboxStartResult.safeParse(job.result);
    if (!parsed.success) return;
    const { profileId, port } = parsed.data;
    void loadProfiles().then(() => {
      selectProfile(profileId);
      onReady?.(profileId);
      setFirstRunJobId(null);
    });
    notifications.show({ color: 'green', message: `The local sandbox is running on 127.0.0.1:${port}.` });
  }, [job, reloadStatus, loadProfiles, selectProfile, onReady, setFirstRunJobId]);

  useEffect(() => {
    // A failed or cancelled first-run start hands the page back to the normal empty/choose state.
    if (job && !isLive(job) && job.state !== 'succeeded' && job.id === useSandboxUi.getState().firstRunJobId)
      setFirstRunJobId(null);
  }, [job, setFirstRunJobId]);

  async function start() {
    setStarting(true);
    try {
      const started = await call('sandbox.start', {});
      watched.current = started.id;
      if (firstRun) setFirstRunJobId(started.id);
      upsertJob(started);
    } catch (err) {
      notifications.show({ color: 'red', title: 'Could not start the local sandbox', message: errorMessage(err) });
    } finally {
      setStarting(false);
    }
  }

  async function stop() {
    setStopping(true);
    try {
      await call('sandbox.stop', {});
      notifications.show({ message: 'The local sandbox stopped; its data and profile are kept.' });
    } catch (err) {
      notifications.show({ color: 'red', title: 'Could not stop the local sandbox', message: errorMessage(err) });
    } finally {
      setStopping(false);
      reloadStatus();
    }
  }

  const s = status.data;
  const live = job !== null && isLive(job);
  return (
    <Card withBorder data-testid="sandbox-panel" ta="left">
      <Stack gap="sm">
        <Group justify="space-between" gap="xs">
          <Group gap="xs" wrap="nowrap">
            <Database size={18} />
            <Text fw={600}>Local sandbox</Text>
          </Group>
          {s?.available &&
            (s.running ? (
              <Button
                size="xs"
                variant="light"
                color="red"
                leftSection={<Square size={14} />}
                loading={stopping}
                disabled={live}
                onClick={stop}
                data-testid="sandbox-stop"
              >
                Stop
              </Button>
            ) : (
              <Button
                size="xs"
                leftSection={<Play size={14} />}
                loading={starting}
                disabled={live}
                onClick={start}
                data-testid="sandbox-start"
              >
                {s.profileId ? 'Start the sandbox' : 'Start a local sandbox'}
              </Button>
            ))}
        </Group>
        <Text size="sm" c="dimmed">
          A private MariaDB in the app-data folder, on a loopback port, with a <b>development</b> profile, the bundled migrations
          and a small sample dataset: try backups, restores and migrations without touching a real server.
        </Text>
        {status.error && (
          <Alert color="red" icon={<CircleAlert size={16} />} data-testid="sandbox-status-error">
            {errorMessage(status.error)}
          </Alert>
        )}
        {!s && !status.error && <Loader size="sm" />}
        {s && !s.available && (
          <Alert
            color="yellow"
            icon={<CircleAlert size={16} />}
            title="MariaDB server binaries are not installed"
            data-testid="sandbox-unavailable"
          >
            {s.unavailableReason}
          </Alert>
        )}
        {s && <StatusLine status={s} />}
        {s?.available && (
          <Text size="xs" c="dimmed">
            Data folder: <Code>{s.dataDir}</Code>
          </Text>
        )}
        {/* A finished start disappears; a failed or cancelled one stays so its error can be read. */}
        {job && (live || job.state !== 'succeeded') && <JobProgress job={job} />}
      </Stack>
    </Card>
  );
}
