import { Button, Group, NumberInput, Select, Stack, Text, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { CheckCheck, FileCheck, Flag, Play, Stamp } from 'lucide-react';
import { useState } from 'react';
import type { JobSnapshot, MigrationFileStatus, MigrationStatus, Profile } from '../../../shared/contract/index';
import { useAppStore } from '../../state/appStore';
import { useConfirmedAction } from '../ConfirmAction';

interface Props {
  profile: Profile;
  migrationsDir?: string;
  onChanged(): void;
  onJob(job: JobSnapshot): void;
}

type ConfirmedRun = ReturnType<typeof useConfirmedAction>['run'];
/** What every repair of one file names: the profile, the folder, the file. */
type FileRef = { profileId: string; migrationsDir?: string; filename: string };

/**
 * Runs a half-applied file again from a statement, confirmed like every repair; the resume job is tracked
 * in the store and handed to `onJob` (the page follows it). From the file's repairs or a failure's hint.
 */
export function useResumeMigration(run: ConfirmedRun, onJob: (job: JobSnapshot) => void) {
  const upsertJob = useAppStore((s) => s.upsertJob);
  return (file: FileRef, fromStatement: number) =>
    run('migrations.repair.resume', { ...file, fromStatement }, `Resume ${file.filename}`, (job) => {
      upsertJob(job);
      onJob(job);
    });
}

/** A half-applied file: run it again from a chosen statement (the failed one by default). */
function ResumeRepair({
  file,
  base,
  run,
  onJob,
}: {
  file: MigrationFileStatus;
  base: FileRef;
  run: ConfirmedRun;
  onJob(job: JobSnapshot): void;
}) {
  const resume = useResumeMigration(run, onJob);
  const [from, setFrom] = useState<number>(file.lastAttempt?.resumeFrom ?? 1);
  return (
    <Group align="flex-end" gap="xs">
      <NumberInput
        label="Resume from statement"
        min={1}
        max={(file.lastAttempt?.statementTotal ?? 1) + 1}
        value={from}
        onChange={(v) => setFrom(Number(v) || 1)}
        w={220}
        data-testid="resume-from"
      />
      <Button leftSection={<Play size={14} />} onClick={() => resume(base, from)} data-testid="repair-resume">
        Resume
      </Button>
    </Group>
  );
}

/** Record a file as applied without running it (its changes were made by hand): a reason is required. */
function MarkAppliedRepair({
  file,
  base,
  run,
  onDone,
}: {
  file: MigrationFileStatus;
  base: FileRef;
  run: ConfirmedRun;
  onDone(): void;
}) {
  const [reason, setReason] = useState('');
  return (
    <Group align="flex-end" gap="xs">
      <TextInput
        label="Reason (required to mark applied)"
        placeholder="e.g. column added by hand on 2026-05-01"
        value={reason}
        onChange={(e) => setReason(e.currentTarget.value)}
        w={320}
        data-testid="mark-applied-reason"
      />
      <Button
        variant="light"
        leftSection={<Stamp size={14} />}
        disabled={!reason.trim()}
        onClick={() => run('migrations.repair.markApplied', { ...base, reason }, `Mark ${file.filename} applied`, onDone)}
        data-testid="repair-mark-applied"
      >
        Mark applied
      </Button>
    </Group>
  );
}

/** Repairs for one file, offered only where they make sense for its state. */
export function FileRepairActions({ profile, file, migrationsDir, onChanged, onJob }: Props & { file: MigrationFileStatus }) {
  const { run, modal } = useConfirmedAction();
  const base = { profileId: profile.id, migrationsDir, filename: file.filename };
  const done = (message: string) => () => {
    notifications.show({ color: 'green', message });
    onChanged();
  };
  const halfApplied = file.state === 'failed' || file.state === 'interrupted';
  if (!halfApplied && file.state !== 'drifted' && file.state !== 'applied-no-checksum' && file.state !== 'pending') return null;
  return (
    <Stack gap="xs" data-testid="file-repairs">
      <Text fw={600} size="sm">
        Repair
      </Text>
      {halfApplied && <ResumeRepair file={file} base={base} run={run} onJob={onJob} />}
      {(halfApplied || file.state === 'pending') && (
        <MarkAppliedRepair file={file} base={base} run={run} onDone={done(`${file.filename} marked applied.`)} />
      )}
      {file.state === 'drifted' && (
        <Button
          variant="light"
          color="red"
          leftSection={<FileCheck size={14} />}
          onClick={() =>
            run(
              'migrations.repair.acceptChecksum',
              base,
              `Accept new content of ${file.filename}`,
              done('New checksum accepted.'),
            )
          }
          data-testid="repair-accept-checksum"
        >
          Accept new checksum
        </Button>
      )}
      {file.state === 'applied-no-checksum' && (
        <Button
          variant="light"
          leftSection={<CheckCheck size={14} />}
          onClick={() =>
            run(
              'migrations.repair.adopt',
              { profileId: profile.id, migrationsDir, filenames: [file.filename] },
              `Adopt ${file.filename}`,
              done('Adopted.'),
            )
          }
          data-testid="repair-adopt"
        >
          Adopt (record checksum)
        </Button>
      )}
      {modal}
    </Stack>
  );
}

/** Whole-database repairs: adopt every file applied by SysNDD's runner; baseline an existing database. */
export function BulkRepairActions({
  profile,
  status,
  migrationsDir,
  onChanged,
}: Omit<Props, 'onJob'> & { status: MigrationStatus }) {
  const { run, modal } = useConfirmedAction();
  const [upTo, setUpTo] = useState<string | null>(null);
  const candidates = status.files.filter((f) => f.prefix !== null && f.state !== 'missing').map((f) => f.filename);
  const done = (r: { message: string }) => {
    notifications.show({ color: 'green', message: r.message });
    onChanged();
  };
  return (
    <Group align="flex-end" gap="xs" data-testid="bulk-repairs">
      <Button
        variant="default"
        leftSection={<CheckCheck size={14} />}
        disabled={status.counts.noChecksum === 0}
        onClick={() =>
          run('migrations.repair.adopt', { profileId: profile.id, migrationsDir }, 'Adopt files applied by SysNDD', done)
        }
        data-testid="repair-adopt-all"
      >
        Adopt all ({status.counts.noChecksum})
      </Button>
      <Select
        placeholder="Baseline up to…"
        data={candidates}
        value={upTo}
        onChange={setUpTo}
        w={300}
        data-testid="baseline-up-to"
      />
      <Button
        variant="default"
        leftSection={<Flag size={14} />}
        disabled={!upTo}
        onClick={() =>
          upTo && run('migrations.baseline', { profileId: profile.id, migrationsDir, upTo }, `Baseline up to ${upTo}`, done)
        }
        data-testid="repair-baseline"
      >
        Baseline
      </Button>
      {modal}
    </Group>
  );
}
