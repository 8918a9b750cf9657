import { Alert, Card, Code, Group, Loader, Stack, Tabs, Text } from '@mantine/core';
import { CircleAlert } from 'lucide-react';
import type { JobSnapshot, MigrationFileStatus, Profile } from '../../../shared/contract/index';
import { errorMessage } from '../../api';
import { useCall } from '../../hooks/useCall';
import { DiffView } from './DiffView';
import { MigrationStateBadge } from './MigrationStateBadge';
import { FileRepairActions } from './RepairActions';
import { StatementList } from './StatementList';

/** One migration: its statements (flagged), the raw text, the drift diff, the last attempt, and repairs. */
export function FileViewer({
  profile,
  file,
  migrationsDir,
  onChanged,
  onJob,
}: {
  profile: Profile;
  file: MigrationFileStatus;
  migrationsDir?: string;
  onChanged(): void;
  onJob(job: JobSnapshot): void;
}) {
  const missing = file.state === 'missing';
  const content = useCall(
    'migrations.fileContent',
    missing ? null : { profileId: profile.id, filename: file.filename, ...(migrationsDir ? { migrationsDir } : {}) },
  );
  const attempt = file.lastAttempt;
  return (
    <Card withBorder data-testid="file-viewer" data-filename={file.filename}>
      <Group justify="space-between" mb="xs">
        <Text fw={600} ff="monospace">
          {file.filename}
        </Text>
        <MigrationStateBadge state={file.state} />
      </Group>
      {attempt && (
        <Alert color="red" icon={<CircleAlert size={16} />} mb="sm" data-testid="attempt-summary">
          {attempt.summary}
          {attempt.stillRunningOnServer && ` (session ${attempt.stillRunningOnServer.connectionId} still busy on the server)`}
        </Alert>
      )}
      <FileRepairActions profile={profile} file={file} migrationsDir={migrationsDir} onChanged={onChanged} onJob={onJob} />
      {missing ? (
        <Text size="sm" c="dimmed" mt="sm">
          This file is recorded in schema_version but is not in the migrations folder.
        </Text>
      ) : content.error ? (
        <Alert color="red" mt="sm">
          {errorMessage(content.error)}
        </Alert>
      ) : !content.data ? (
        <Loader mt="sm" />
      ) : (
        <Tabs defaultValue={content.data.diff ? 'diff' : 'statements'} mt="sm">
          <Tabs.List>
            <Tabs.Tab value="statements">Statements ({content.data.plan.statements.length})</Tabs.Tab>
            <Tabs.Tab value="text">File</Tabs.Tab>
            {content.data.diff && (
              <Tabs.Tab value="diff" color="red" data-testid="tab-diff">
                Changed since applied
              </Tabs.Tab>
            )}
          </Tabs.List>
          <Tabs.Panel value="statements" pt="sm">
            <Stack gap="xs">
              {content.data.plan.error && <Alert color="red">{content.data.plan.error}</Alert>}
              {content.data.plan.warnings.map((w) => (
                <Alert key={w} color="yellow">
                  {w}
                </Alert>
              ))}
              <StatementList
                statements={content.data.plan.statements}
                fromStatement={attempt?.resumeFrom ?? 1}
                journal={attempt?.statements ?? []}
              />
            </Stack>
          </Tabs.Panel>
          <Tabs.Panel value="text" pt="sm">
            <Text size="xs" c="dimmed" mb={4}>
              sha256 {content.data.checksum}
            </Text>
            <Code block data-testid="file-text" style={{ maxHeight: 480, overflow: 'auto' }}>
              {content.data.text}
            </Code>
          </Tabs.Panel>
          {content.data.diff && (
            <Tabs.Panel value="diff" pt="sm">
              <DiffView diff={content.data.diff} />
            </Tabs.Panel>
          )}
        </Tabs>
      )}
    </Card>
  );
}
