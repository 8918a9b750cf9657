import { Alert, Button, Card, Code, Group, Loader, Stack, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { CircleAlert, Database, Play, Square } from 'lucide-react';
import { useEffect, useRef, useState } from 'react';
import { type JobSnapshot, type SandboxEngine, SandboxStartResult } from '../../../shared/contract/index';
import { api, call, errorMessage } from '../../api';
import { useCall } from '../../hooks/useCall';
import { isLive, useAppStore, useCurrentProfile } from '../../state/appStore';
import { JobProgress } from '../JobProgress';
import { ENGINE_LABEL, EnginePicker, SandboxStatusLine } from './SandboxStatusLine';
import { useSandboxUi } from './sandboxStore';

/** The newest sandbox job this window knows about (one may be running when the panel mounts). */
function latestSandboxJob(jobs: Record<string, JobSnapshot>): JobSnapshot | null {
  let latest: JobSnapshot | null = null;
  for (const job of Object.values(jobs)) {
    if (job.kind === 'sandbox' && (!latest || job.createdAt > latest.createdAt)) latest = job;
  }
  return latest;
}

/** The engine a sandbox job starts, from its title ("Start the local MySQL sandbox", SandboxService). */
function engineOfJob(job: JobSnapshot): SandboxEngine {
  return job.title.includes(ENGINE_LABEL.mysql) ? 'mysql' : 'mariadb';
}

export interface SandboxPanelProps {
  /** Shown on the first-run state: the page keeps this panel up until the start job ends. */
  firstRun?: boolean;
  /** Called with the sandbox profile once a start succeeded (the page may select it). */
  onReady?(profileId: string): void;
}

/**
 * "Start a local sandbox": a private MariaDB or MySQL in the app-data folder with a development profile
 * and sample data (`sandbox.*`). The engine is picked here; left alone, a start takes the engine of the
 * selected profile's server (so its backups open as they are). Start runs as a job shown with JobProgress;
 * while it runs the status line follows the job, and the status reloads on every sandbox event.
 */
export function SandboxPanel({ firstRun = false, onReady }: SandboxPanelProps) {
  const [picked, setPicked] = useState<SandboxEngine | null>(null);
  const status = useCall('sandbox.status', picked ? { engine: picked } : {});
  const currentProfile = useCurrentProfile();
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
  const liveJob = job && isLive(job) ? job : null;
  const liveEngine = liveJob ? engineOfJob(liveJob) : null;

  // A start or stop from any door (another window, the CLI through the same app) changes what is shown.
  useEffect(() => api.subscribe((event) => event.type === 'sandbox.changed' && reloadStatus()), [reloadStatus]);
  // The panel follows a running start: its engine, and a fresh status at every step (the port appears half-way).
  const liveStage = liveJob?.progress?.stage;
  // biome-ignore lint/correctness/useExhaustiveDependencies: each new stage of the start job reloads the status.
  useEffect(() => {
    if (!liveEngine) return;
    setPicked(liveEngine);
    reloadStatus();
  }, [liveEngine, liveStage, reloadStatus]);

  useEffect(() => {
    if (!job || job.id !== watched.current || isLive(job)) return;
    watched.current = null;
    reloadStatus();
    if (job.state !== 'succeeded') return;
    const parsed = SandboxStartResult.safeParse(job.result);
    if (!parsed.success) return;
    const { profileId, port, engine } = parsed.data;
    setPicked(engine);
    void loadProfiles().then(() => {
      selectProfile(profileId);
      onReady?.(profileId);
      setFirstRunJobId(null);
    });
    notifications.show({ color: 'green', message: `The local ${ENGINE_LABEL[engine]} sandbox is running on 127.0.0.1:${port}.` });
  }, [job, reloadStatus, loadProfiles, selectProfile, onReady, setFirstRunJobId]);

  useEffect(() => {
    // A failed or cancelled first-run start hands the page back to the normal empty/choose state.
    if (job && !isLive(job) && job.state !== 'succeeded' && job.id === useSandboxUi.getState().firstRunJobId)
      setFirstRunJobId(null);
  }, [job, setFirstRunJobId]);

  async function start() {
    setStarting(true);
    try {
      // Not picked: the engine of the selected profile's server (unless that profile is a sandbox itself).
      const fromProfileId = !picked && currentProfile && currentProfile.id !== s?.profileId ? currentProfile.id : undefined;
      const started = await call('sandbox.start', { engine: picked ?? undefined, fromProfileId });
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
      const stopped = await call('sandbox.stop', { engine: s?.engine });
      notifications.show({
        message: `The local ${ENGINE_LABEL[stopped.engine]} sandbox stopped; its data and profile are kept.`,
      });
    } catch (err) {
      notifications.show({ color: 'red', title: 'Could not stop the local sandbox', message: errorMessage(err) });
    } finally {
      setStopping(false);
      reloadStatus();
    }
  }

  const s = status.data;
  const live = liveJob !== null;
  return (
    <Card withBorder data-testid="sandbox-panel" ta="left">
      <Stack gap="sm">
        <Group justify="space-between" gap="xs">
          <Group gap="xs" wrap="nowrap">
            <Database size={18} />
            <Text fw={600}>Local sandbox</Text>
            {s && <EnginePicker status={s} value={picked ?? s.engine} disabled={live} onChange={setPicked} />}
          </Group>
          {s?.available &&
            (s.running && !live ? (
              <Button
                size="xs"
                variant="light"
                color="red"
                leftSection={<Square size={14} />}
                loading={stopping}
                onClick={stop}
                data-testid="sandbox-stop"
              >
                Stop
              </Button>
            ) : (
              <Button
                size="xs"
                leftSection={<Play size={14} />}
                loading={starting || live}
                disabled={live}
                onClick={start}
                data-testid="sandbox-start"
              >
                {s.profileId ? 'Start the sandbox' : 'Start a local sandbox'}
              </Button>
            ))}
        </Group>
        <Text size="sm" c="dimmed">
          A private MariaDB or MySQL in the app-data folder, on a loopback port, with a <b>development</b> profile, the bundled
          migrations and a small sample dataset: try backups, restores and migrations without touching a real server.
          {!picked && currentProfile && currentProfile.id !== s?.profileId
            ? ` Unless you pick one, it runs the engine of "${currentProfile.name}".`
            : ''}
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
            title={`${ENGINE_LABEL[s.engine]} server binaries are not installed`}
            data-testid="sandbox-unavailable"
          >
            {s.unavailableReason}
          </Alert>
        )}
        {s && <SandboxStatusLine status={s} liveJob={liveJob} />}
        {s?.available && (
          <Text size="xs" c="dimmed">
            Data folder: <Code>{s.dataDir}</Code> · the password is kept there too (not in your secret store)
          </Text>
        )}
        {/* A finished start disappears; a failed or cancelled one stays so its error can be read. */}
        {job && (live || job.state !== 'succeeded') && <JobProgress job={job} />}
      </Stack>
    </Card>
  );
}
