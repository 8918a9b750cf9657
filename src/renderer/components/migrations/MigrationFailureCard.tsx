import { Alert, Button, Code, CopyButton, Group, Stack, Text } from '@mantine/core';
import { ChevronDown, ChevronRight, CircleAlert, Copy, Play } from 'lucide-react';
import { useState } from 'react';
import type { JobSnapshot, Profile } from '../../../shared/contract/index';
import { useConfirmedAction } from '../ConfirmAction';
import { useResumeMigration } from './RepairActions';

/**
 * A message from the runner split into what happened (for people) and the CLI line it names as the way out
 * (for scripts). The GUI shows the sentence and a button; the command only under "Copy as command".
 */
export function splitCliHint(message: string): { text: string; command: string | null } {
  const m = /(?:Resume later with|then resume): (sysndd-admin migrate repair resume \S+ --from \d+ --confirm)/.exec(message);
  if (!m || m.index === undefined) return { text: message, command: null };
  const text = message.slice(0, m.index).replace(/\s*(Fix the file \(or the database\),)?\s*$/, '');
  return { text, command: m[1] ?? null };
}

/** The filename and the statement to resume from, as the runner's hint names them. */
function resumePoint(command: string | null): { filename: string; from: number } | null {
  const m = command ? /resume (\S+) --from (\d+)/.exec(command) : null;
  return m?.[1] && m[2] ? { filename: m[1], from: Number(m[2]) } : null;
}

/**
 * A failed or cancelled migration run: what stopped, a Resume button (confirmed like every repair), and the
 * equivalent CLI command tucked under "Copy as command".
 */
export function MigrationFailureCard({
  job,
  profile,
  onJob,
}: {
  job: JobSnapshot;
  profile: Profile;
  onJob(job: JobSnapshot): void;
}) {
  const { run, modal } = useConfirmedAction();
  const resumeFrom = useResumeMigration(run, onJob);
  const [showCommand, setShowCommand] = useState(false);
  const { text, command } = splitCliHint(job.error?.message ?? '');
  const resume = resumePoint(command);
  const cancelled = job.state === 'cancelled';
  return (
    <Alert
      color={cancelled ? 'orange' : 'red'}
      icon={<CircleAlert size={16} />}
      title={cancelled ? 'The migration run was cancelled' : 'A migration failed'}
      data-testid="migration-failure"
      data-state={job.state}
    >
      <Stack gap="xs">
        <Text size="sm" data-testid="migration-failure-text">
          {text}
        </Text>
        {job.error && (
          <Text size="xs" c="dimmed">
            Code {job.error.code}
          </Text>
        )}
        <Group gap="xs">
          {resume && (
            <Button
              size="xs"
              leftSection={<Play size={14} />}
              onClick={() => resumeFrom({ profileId: profile.id, filename: resume.filename }, resume.from)}
              data-testid="migration-failure-resume"
            >
              Resume from statement {resume.from}
            </Button>
          )}
          {command && (
            <Button
              size="xs"
              variant="subtle"
              leftSection={showCommand ? <ChevronDown size={14} /> : <ChevronRight size={14} />}
              onClick={() => setShowCommand((v) => !v)}
              data-testid="migration-failure-command-toggle"
            >
              Copy as command
            </Button>
          )}
        </Group>
        {command && showCommand && (
          <Group gap="xs" wrap="nowrap">
            <Code data-testid="migration-failure-command">{command}</Code>
            <CopyButton value={command}>
              {({ copied, copy }) => (
                <Button size="compact-xs" variant="default" leftSection={<Copy size={12} />} onClick={copy}>
                  {copied ? 'Copied' : 'Copy'}
                </Button>
              )}
            </CopyButton>
          </Group>
        )}
      </Stack>
      {modal}
    </Alert>
  );
}
