import { Alert, Button, Card, Group, Stack, Stepper, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { ArrowRight, CircleAlert, FileSearch } from 'lucide-react';
import { useCallback, useEffect, useState } from 'react';
import type { JobSnapshot, PreflightReport, Profile, RestoreRecord } from '../../shared/contract/index';
import { call, errorMessage } from '../api';
import { JobProgress } from '../components/JobProgress';
import { RequireProfile } from '../components/RequireProfile';
import { ChooseSource } from '../components/restore/ChooseSource';
import { ConfirmRestore } from '../components/restore/ConfirmRestore';
import {
  DEFAULT_OPTIONS,
  type RestoreJobResult,
  type RestoreSelection,
  restoreArgs,
  restoreHashParams,
} from '../components/restore/model';
import { PreflightView } from '../components/restore/PreflightView';
import { RestoreHistory } from '../components/restore/RestoreHistory';
import { RestoreResult } from '../components/restore/RestoreResult';
import { TablePicker } from '../components/restore/TablePicker';
import { useRestoreActions } from '../components/restore/useRestoreActions';
import { useCall } from '../hooks/useCall';
import { isLive, useAppStore } from '../state/appStore';

const STEP = { choose: 0, preflight: 1, confirm: 2, run: 3 } as const;

/** The record behind a restore job (its id is the job id); null for a refusal, which leaves no record. */
async function loadRecord(job: JobSnapshot): Promise<RestoreRecord | null> {
  const id = (job.result as RestoreJobResult | null)?.restoreId ?? job.id;
  return call('restore.get', { id }).catch(() => null);
}

function RestoreWizard({ profile }: { profile: Profile }) {
  const profiles = useAppStore((s) => s.profiles);
  const upsertJob = useAppStore((s) => s.upsertJob);
  const [selection, setSelection] = useState<RestoreSelection>(() => {
    const hash = restoreHashParams();
    const fromHash = hash.profile && profiles.some((p) => p.id === hash.profile) ? hash.profile : null;
    return { file: hash.file ?? '', targetProfileId: fromHash ?? profile.id, targetDatabase: '', options: DEFAULT_OPTIONS };
  });
  const [step, setStep] = useState<number>(STEP.choose);
  const [report, setReport] = useState<PreflightReport | null>(null);
  /** A table restore's tables (the picker after the preflight); null restores the whole database. */
  const [tables, setTables] = useState<string[] | null>(null);
  const [checking, setChecking] = useState(false);
  const [preflightError, setPreflightError] = useState<string | null>(null);
  const [starting, setStarting] = useState(false);
  const [jobId, setJobId] = useState<string | null>(null);
  const [rollbackJobId, setRollbackJobId] = useState<string | null>(null);
  const [record, setRecord] = useState<RestoreRecord | null>(null);
  const job = useAppStore((s) => (jobId ? s.jobs[jobId] : undefined));
  const rollbackJob = useAppStore((s) => (rollbackJobId ? s.jobs[rollbackJobId] : undefined));
  const history = useCall('restore.list', { profileId: profile.id, limit: 20 });
  const reloadHistory = history.reload;
  const target = profiles.find((p) => p.id === selection.targetProfileId) ?? null;

  const refreshRecord = useCallback(async () => {
    if (job && !isLive(job)) setRecord(await loadRecord(job));
    reloadHistory();
  }, [job, reloadHistory]);

  // The result step needs the record (rollback availability) once the restore, or a rollback, has ended.
  const finished = job && !isLive(job) ? job.id : null;
  const rollbackFinished = rollbackJob && !isLive(rollbackJob) ? rollbackJob.id : null;
  // biome-ignore lint/correctness/useExhaustiveDependencies: reload exactly when one of the two jobs ends.
  useEffect(() => {
    void refreshRecord();
  }, [finished, rollbackFinished]);

  const actions = useRestoreActions({ onJob: (j) => setRollbackJobId(j.id), onChanged: () => void refreshRecord() });

  async function runPreflight(scope: string[] | null = tables) {
    setChecking(true);
    setPreflightError(null);
    try {
      setReport(await call('restore.preflight', restoreArgs(selection, scope)));
      setTables(scope);
      setStep(STEP.preflight);
    } catch (err) {
      setPreflightError(errorMessage(err));
    } finally {
      setChecking(false);
    }
  }

  async function start(token: string) {
    setStarting(true);
    try {
      const started = await call('restore.start', { ...restoreArgs(selection, tables), confirm: token });
      upsertJob(started);
      setJobId(started.id);
      setStep(STEP.run);
    } catch (err) {
      notifications.show({ color: 'red', title: 'The restore was not started', message: errorMessage(err) });
    } finally {
      setStarting(false);
    }
  }

  function startOver() {
    setStep(STEP.choose);
    setReport(null);
    setJobId(null);
    setRollbackJobId(null);
    setRecord(null);
  }

  const running = step === STEP.run;
  const restored = running && job?.state === 'succeeded';
  const runStep = (
    <Stack gap="md">
      {job && (
        <Card withBorder padding="sm" data-testid="restore-job">
          <JobProgress job={job} />
        </Card>
      )}
      {job && !isLive(job) && (
        <RestoreResult
          job={job}
          record={record}
          onRollback={actions.rollback}
          onDiscard={actions.discard}
          onStartOver={startOver}
        />
      )}
      {rollbackJob && (
        <Card withBorder padding="sm" data-testid="restore-rollback-job">
          <JobProgress job={rollbackJob} />
        </Card>
      )}
    </Stack>
  );
  return (
    <Stack gap="md">
      <Title order={2}>Restore</Title>
      <Text size="sm" c="dimmed">
        A backup is loaded into a shadow schema and verified, then swapped in with one atomic RENAME. The current tables stay in a
        __prev schema for a one-click rollback until you discard them.
      </Text>
      <Stepper
        active={restored ? STEP.run + 1 : step}
        onStepClick={(s) => !running && s < step && setStep(s)}
        allowNextStepsSelect={false}
        size="sm"
        data-testid="restore-stepper"
        data-step={step}
      >
        <Stepper.Step label="Backup" description="file and target">
          <ChooseSource
            profile={profile}
            value={selection}
            onChange={setSelection}
            checking={checking}
            onNext={() => runPreflight(null)}
          />
          {preflightError && (
            <Alert
              mt="md"
              color="red"
              icon={<CircleAlert size={16} />}
              title="The preflight could not run"
              data-testid="restore-preflight-error"
            >
              {preflightError}
            </Alert>
          )}
        </Stepper.Step>
        <Stepper.Step label="Preflight" description="nothing written yet">
          {report && (
            <Stack gap="md">
              <TablePicker report={report} checking={checking} onApply={(t) => void runPreflight(t)} />
              <PreflightView report={report} />
            </Stack>
          )}
          <Group justify="space-between" mt="md">
            <Button variant="default" onClick={() => setStep(STEP.choose)} data-testid="restore-back">
              Back
            </Button>
            <Group gap="xs">
              <Button variant="default" leftSection={<FileSearch size={16} />} loading={checking} onClick={() => runPreflight()}>
                Check again
              </Button>
              <Button
                rightSection={<ArrowRight size={16} />}
                disabled={!report?.ok}
                onClick={() => setStep(STEP.confirm)}
                data-testid="restore-continue"
              >
                Continue
              </Button>
            </Group>
          </Group>
        </Stepper.Step>
        <Stepper.Step label="Confirm" description="type RESTORE">
          {report && target && (
            <ConfirmRestore
              report={report}
              target={target}
              starting={starting}
              onBack={() => setStep(STEP.preflight)}
              onStart={start}
            />
          )}
        </Stepper.Step>
        <Stepper.Step label="Restore" description="progress and result">
          {runStep}
        </Stepper.Step>
        {/* A restore that succeeded ticks its step too (the stepper's completed state), its result still shown. */}
        <Stepper.Completed>{runStep}</Stepper.Completed>
      </Stepper>
      <RestoreHistory list={history} onRollback={actions.rollback} onDiscard={actions.discard} />
      {actions.modal}
    </Stack>
  );
}

/** Restore page: the wizard (backup → preflight → typed confirmation → progress → result) and the history. */
export function RestorePage() {
  return <RequireProfile>{(profile) => <RestoreWizard key={profile.id} profile={profile} />}</RequireProfile>;
}
