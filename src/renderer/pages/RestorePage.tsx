import { Button, Card, Group, Stack, Stepper, Text, Title } from '@mantine/core';
import { ArrowRight, FileSearch } from 'lucide-react';
import { useState } from 'react';
import type { PreflightReport, Profile } from '../../shared/contract/index';
import { call } from '../api';
import { LoadErrorAlert } from '../components/common/LoadErrorAlert';
import { useBusyAction } from '../components/common/useBusyAction';
import { JobProgress } from '../components/JobProgress';
import { RequireProfile } from '../components/RequireProfile';
import { ChooseSource } from '../components/restore/ChooseSource';
import { ConfirmRestore } from '../components/restore/ConfirmRestore';
import { DEFAULT_OPTIONS, type RestoreSelection, restoreArgs, restoreHashParams } from '../components/restore/model';
import { PreflightView } from '../components/restore/PreflightView';
import { RestoreHistory } from '../components/restore/RestoreHistory';
import { RestoreResult } from '../components/restore/RestoreResult';
import { TablePicker } from '../components/restore/TablePicker';
import { usePreflight, useRestoreRun } from '../components/restore/useRestoreRun';
import { isLive, useAppStore } from '../state/appStore';

const STEP = { choose: 0, preflight: 1, confirm: 2, run: 3 } as const;

/** The preflight's report with the table picker, and the way on (or back). */
function PreflightStep(props: {
  report: PreflightReport | null;
  checking: boolean;
  onApplyTables(tables: string[] | null): void;
  onBack(): void;
  onCheckAgain(): void;
  onContinue(): void;
}) {
  const { report, checking } = props;
  return (
    <>
      {report && (
        <Stack gap="md">
          <TablePicker report={report} checking={checking} onApply={props.onApplyTables} />
          <PreflightView report={report} />
        </Stack>
      )}
      <Group justify="space-between" mt="md">
        <Button variant="default" onClick={props.onBack} data-testid="restore-back">
          Back
        </Button>
        <Group gap="xs">
          <Button variant="default" leftSection={<FileSearch size={16} />} loading={checking} onClick={props.onCheckAgain}>
            Check again
          </Button>
          <Button
            rightSection={<ArrowRight size={16} />}
            disabled={!report?.ok}
            onClick={props.onContinue}
            data-testid="restore-continue"
          >
            Continue
          </Button>
        </Group>
      </Group>
    </>
  );
}

/** The running restore, then its result (rollback, discard, start over) and a rollback's progress. */
function RunStep({ run, onStartOver }: { run: ReturnType<typeof useRestoreRun>; onStartOver(): void }) {
  const { job, rollbackJob, record, actions } = run;
  return (
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
          onStartOver={onStartOver}
        />
      )}
      {rollbackJob && (
        <Card withBorder padding="sm" data-testid="restore-rollback-job">
          <JobProgress job={rollbackJob} />
        </Card>
      )}
    </Stack>
  );
}

/** The backup file and the target; Next runs the preflight, and says why when it could not run. */
function ChooseStep(props: {
  profile: Profile;
  selection: RestoreSelection;
  onChange(selection: RestoreSelection): void;
  preflight: ReturnType<typeof usePreflight>;
}) {
  const { preflight } = props;
  return (
    <>
      <ChooseSource
        profile={props.profile}
        value={props.selection}
        onChange={props.onChange}
        checking={preflight.checking}
        onNext={() => preflight.run(null)}
      />
      {preflight.error && (
        <LoadErrorAlert
          mt="md"
          title="The preflight could not run"
          error={preflight.error}
          data-testid="restore-preflight-error"
        />
      )}
    </>
  );
}

/** The selection the wizard starts from: the file and target profile a link (#restore?profile=&file=) names. */
function initialSelection(profile: Profile, profiles: Profile[]): RestoreSelection {
  const hash = restoreHashParams();
  const fromHash = hash.profile && profiles.some((p) => p.id === hash.profile) ? hash.profile : null;
  return { file: hash.file ?? '', targetProfileId: fromHash ?? profile.id, targetDatabase: '', options: DEFAULT_OPTIONS };
}

function RestoreWizard({ profile }: { profile: Profile }) {
  const profiles = useAppStore((s) => s.profiles);
  const [selection, setSelection] = useState<RestoreSelection>(() => initialSelection(profile, profiles));
  const [step, setStep] = useState<number>(STEP.choose);
  const preflight = usePreflight(selection, () => setStep(STEP.preflight));
  const run = useRestoreRun(profile.id);
  const starting = useBusyAction();
  const target = profiles.find((p) => p.id === selection.targetProfileId) ?? null;

  const start = (token: string) =>
    starting.run(async () => {
      run.follow(await call('restore.start', { ...restoreArgs(selection, preflight.tables), confirm: token }));
      setStep(STEP.run);
    }, 'The restore was not started');

  function startOver() {
    setStep(STEP.choose);
    preflight.clear();
    run.reset();
  }

  const running = step === STEP.run;
  const restored = running && run.job?.state === 'succeeded';
  const runStep = <RunStep run={run} onStartOver={startOver} />;
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
          <ChooseStep profile={profile} selection={selection} onChange={setSelection} preflight={preflight} />
        </Stepper.Step>
        <Stepper.Step label="Preflight" description="nothing written yet">
          <PreflightStep
            report={preflight.report}
            checking={preflight.checking}
            onApplyTables={(t) => void preflight.run(t)}
            onBack={() => setStep(STEP.choose)}
            onCheckAgain={() => void preflight.run()}
            onContinue={() => setStep(STEP.confirm)}
          />
        </Stepper.Step>
        <Stepper.Step label="Confirm" description="type RESTORE">
          {preflight.report && target && (
            <ConfirmRestore
              report={preflight.report}
              target={target}
              starting={starting.busy}
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
      <RestoreHistory list={run.history} onRollback={run.actions.rollback} onDiscard={run.actions.discard} />
      {run.actions.modal}
    </Stack>
  );
}

/** Restore page: the wizard (backup → preflight → typed confirmation → progress → result) and the history. */
export function RestorePage() {
  return <RequireProfile>{(profile) => <RestoreWizard key={profile.id} profile={profile} />}</RequireProfile>;
}
