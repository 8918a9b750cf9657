import { Badge, Code, Group, Stack, Text } from '@mantine/core';
import type { MigrationPlannedStatement, MigrationStatementRecord } from '../../../shared/contract/index';
import { BehaviourBadge } from './MigrationStateBadge';

const JOURNAL_COLOR: Record<MigrationStatementRecord['state'], string> = {
  started: 'blue',
  executed: 'cyan',
  committed: 'green',
  failed: 'red',
  'rolled-back': 'yellow',
  unknown: 'orange',
};

/** The runner's journal preview of a statement (whitespace collapsed, 120 characters): see main/migrations/plan.ts. */
function previewOf(text: string, max = 120): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return oneLine.length > max ? `${oneLine.slice(0, max - 1)}…` : oneLine;
}

/** Statements as the runner sends them, each flagged; optionally with what the journal knows about each. */
export function StatementList({
  statements,
  fromStatement = 1,
  journal = [],
}: {
  statements: MigrationPlannedStatement[];
  fromStatement?: number;
  journal?: MigrationStatementRecord[];
}) {
  const byIndex = new Map(journal.map((j) => [j.index, j]));
  return (
    <Stack gap={6} data-testid="statement-list">
      {statements.map((s) => {
        const j = byIndex.get(s.index);
        return (
          <Stack
            key={s.index}
            gap={2}
            data-testid="dry-run-statement"
            data-index={s.index}
            data-behaviour={s.behaviour}
            opacity={s.index < fromStatement ? 0.55 : 1}
          >
            <Group gap="xs">
              <Text size="xs" fw={600}>
                {s.index}.
              </Text>
              <Text size="xs" c="dimmed">
                line {s.startLine}
              </Text>
              <BehaviourBadge behaviour={s.behaviour} reason={s.reason} />
              <Text size="xs">{s.verb}</Text>
              {s.index < fromStatement && (
                <Badge size="xs" variant="outline" color="gray">
                  already committed
                </Badge>
              )}
              {j && (
                <Badge size="xs" color={JOURNAL_COLOR[j.state]} data-testid="statement-journal-state">
                  {j.state}
                </Badge>
              )}
            </Group>
            <Code block style={{ whiteSpace: 'pre-wrap', maxHeight: 220, overflow: 'auto' }}>
              {s.text}
            </Code>
            {j?.errorMessage &&
              (previewOf(s.text) === j.preview ? (
                <Text size="xs" c="red" data-testid="statement-error">
                  {j.errorMessage}{' '}
                  <Text span size="xs" c="dimmed">
                    ({j.errorCode})
                  </Text>
                </Text>
              ) : (
                // The file was edited after the failure: the old error belongs to the old text, not to this one.
                <Text size="xs" c="dimmed" data-testid="statement-error-stale">
                  Edited since it failed. The last run failed on the earlier text <Code>{j.preview}</Code>: {j.errorMessage}
                </Text>
              ))}
          </Stack>
        );
      })}
    </Stack>
  );
}
