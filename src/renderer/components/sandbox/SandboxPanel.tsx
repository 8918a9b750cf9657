import { Alert, Button, Card, Code, Group, Loader, Stack, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { CircleAlert, Database, Play, Square } from 'lucide-react';
import { useCallback, useEffect, useRef, useState } from 'react';
import { type JobSnapshot, type SandboxEngine, SandboxStartResult, type SandboxStatus } from '../../../shared/contract/index';
import { api, call } from '../../api';
import { useCall } from '../../hooks/useCall';
import { isLive, useAppStore, useCurrentProfile } from '../../state/appStore';
import { LoadErrorAlert } from '../common/LoadErrorAlert';
import { useBusyAction } from '../common/useBusyAction';
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
 * The newest sandbox job, followed: while a start runs the panel shows its engine and reloads the status at
 * every stage (the port appears half-way); a start that ends while watched selects its profile. `watch`
 * marks a job this panel started.
 */
function useSandboxJob(reloadStatus: () => void, setPicked: (engine: SandboxEngine) => void, onReady?: (id: string) => void) {
  const loadProfiles = useAppStore((s) => s.loadProfiles);
  const selectProfile = useAppStore((s) => s.selectProfile);
  const setFirstRunJobId = useSandboxUi((s) => s.setFirstRunJobId);
  const job = useAppStore((s) => latestSandboxJob(s.jobs));
  // Only a job that ends while this panel watches selects its profile, not one finished long ago.
  const watched = useRef<string | null>(job && isLive(job) ? job.id : null);
  const liveJob = job && isLive(job) ? job : null;
  const liveEngine = liveJob ? engineOfJob(liveJob) : null;

  // A start or stop from any door (another window, the CLI through the same app) changes what is shown.
  useEffect(() => api.subscribe((event) => event.type === 'sandbox.changed' && reloadStatus()), [reloadStatus]);
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
  }, [job, reloadStatus, loadProfiles, selectProfile, onReady, setFirstRunJobId, setPicked]);

  useEffect(() => {
    // A failed or cancelled first-run start hands the page back to the normal empty/choose state.
    if (job && !isLive(job) && job.state !== 'succeeded' && job.id === useSandboxUi.getState().firstRunJobId)
      setFirstRunJobId(null);
  }, [job, setFirstRunJobId]);

  const watch = useCallback((jobId: string) => {
    watched.current = jobId;
  }, []);
  return { job, liveJob, watch };
}

/** The panel's title row: the engine picker, and Stop (a running sandbox) or Start. */
function SandboxHeader(props: {
  status: SandboxStatus | undefined;
  picked: SandboxEngine | null;
  live: boolean;
  starting: boolean;
  stopping: boolean;
  onPick(engine: SandboxEngine): void;
  onStart(): void;
  onStop(): void;
}) {
  const { status: s, live } = props;
  return (
    <Group justify="space-between" gap="xs">
      <Group gap="xs" wrap="nowrap">
        <Database size={18} />
        <Text fw={600}>Local sandbox</Text>
        {s && <EnginePicker status={s} value={props.picked ?? s.engine} disabled={live} onChange={props.onPick} />}
      </Group>
      {s?.available &&
        (s.running && !live ? (
          <Button
            size="xs"
            variant="light"
            color="red"
            leftSection={<Square size={14} />}
            loading={props.stopping}
            onClick={props.onStop}
            data-testid="sandbox-stop"
          >
            Stop
          </Button>
        ) : (
          <Button
            size="xs"
            leftSection={<Play size={14} />}
            loading={props.starting || live}
            disabled={live}
            onClick={props.onStart}
            data-testid="sandbox-start"
          >
            {s.profileId ? 'Start the sandbox' : 'Start a local sandbox'}
          </Button>
        ))}
    </Group>
  );
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
  const setFirstRunJobId = useSandboxUi((s) => s.setFirstRunJobId);
  const { job, liveJob, watch } = useSandboxJob(status.reload, setPicked, onReady);
  const starting = useBusyAction();
  const stopping = useBusyAction();
  const s = status.data;
  const live = liveJob !== null;
  // Not picked: the engine of the selected profile's server (unless that profile is a sandbox itself).
  const fromProfile = !picked && currentProfile && currentProfile.id !== s?.profileId ? currentProfile : null;

  const start = () =>
    starting.run(async () => {
      const started = await call('sandbox.start', { engine: picked ?? undefined, fromProfileId: fromProfile?.id });
      watch(started.id);
      if (firstRun) setFirstRunJobId(started.id);
      upsertJob(started);
    }, 'Could not start the local sandbox');

  const stop = async () => {
    await stopping.run(async () => {
      const stopped = await call('sandbox.stop', { engine: s?.engine });
      notifications.show({
        message: `The local ${ENGINE_LABEL[stopped.engine]} sandbox stopped; its data and profile are kept.`,
      });
    }, 'Could not stop the local sandbox');
    status.reload();
  };

  return (
    <Card withBorder data-testid="sandbox-panel" ta="left">
      <Stack gap="sm">
        <SandboxHeader
          status={s}
          picked={picked}
          live={live}
          starting={starting.busy}
          stopping={stopping.busy}
          onPick={setPicked}
          onStart={() => void start()}
          onStop={() => void stop()}
        />
        <Text size="sm" c="dimmed">
          A private MariaDB or MySQL in the app-data folder, on a loopback port, with a <b>development</b> profile, the bundled
          migrations and a small sample dataset: try backups, restores and migrations without touching a real server.
          {fromProfile ? ` Unless you pick one, it runs the engine of "${fromProfile.name}".` : ''}
        </Text>
        {status.error && <LoadErrorAlert error={status.error} data-testid="sandbox-status-error" />}
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
