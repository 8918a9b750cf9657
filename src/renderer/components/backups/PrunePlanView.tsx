import { Badge, ScrollArea, Stack, Table, Text, Tooltip } from '@mantine/core';
import type { PrunePlan } from '../../../shared/contract/index';
import { formatBytes, formatDateTime } from '../../format';

/** Rows drawn per list: a folder of thousands of backups is summarised, the counts say how many more. */
const SHOWN = 50;

type Planned = PrunePlan['keep'][number];

function ClassBadge({ file }: { file: Planned }) {
  if (file.class !== 'safety') return null;
  return (
    <Tooltip label="Taken before a restore or a migration: kept by its own rule (days), never counted in “the last N”." withArrow>
      <Badge size="xs" variant="light" color="orange">
        pre-restore / pre-migration
      </Badge>
    </Tooltip>
  );
}

function More({ total }: { total: number }) {
  if (total <= SHOWN) return null;
  return (
    <Text size="xs" c="dimmed">
      … and {(total - SHOWN).toLocaleString()} more
    </Text>
  );
}

/** One side of the plan (deleted or kept): its first SHOWN files, newest first as planned, and how many more. */
function PlannedFiles({
  title,
  files,
  maxHeight,
  testId,
  rowTestId,
  withReasons = false,
}: {
  title: string;
  files: Planned[];
  maxHeight: number;
  testId: string;
  rowTestId: string;
  /** Kept files say which rules keep them; deleted ones have no reason but the rule itself. */
  withReasons?: boolean;
}) {
  if (files.length === 0) return null;
  return (
    <>
      <Text size="xs" fw={600}>
        {title}
      </Text>
      <ScrollArea.Autosize mah={maxHeight}>
        <Table fz="xs" verticalSpacing={2} data-testid={testId}>
          <Table.Tbody>
            {files.slice(0, SHOWN).map((f) => (
              <Table.Tr key={f.name} data-testid={rowTestId} data-name={f.name} data-class={f.class}>
                <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatDateTime(f.createdAt)}</Table.Td>
                <Table.Td>
                  {f.name} <ClassBadge file={f} />
                </Table.Td>
                {withReasons && <Table.Td data-testid="backup-prune-reasons">{f.reasons.join('; ')}</Table.Td>}
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </ScrollArea.Autosize>
      <More total={files.length} />
    </>
  );
}

/**
 * A retention plan before it is applied: the files that would be deleted, and every kept file with why it
 * is kept (each rule that keeps it: among the last N, younger than N days, the pre-restore/pre-migration
 * rule, the newest verified backup, the backup of a restore that can still be rolled back).
 */
export function PrunePlanView({ plan }: { plan: PrunePlan }) {
  return (
    <Stack gap="xs" data-testid="backup-prune-plan" data-remove={plan.remove.length} data-keep={plan.keep.length}>
      <Text size="sm">
        {plan.remove.length === 0
          ? `Nothing to delete; ${plan.keep.length.toLocaleString()} kept.`
          : `${plan.remove.length.toLocaleString()} backup(s) would be deleted (${formatBytes(plan.bytesFreed)}); ${plan.keep.length.toLocaleString()} kept.`}
      </Text>
      <PlannedFiles
        title="Would be deleted"
        files={plan.remove}
        maxHeight={160}
        testId="backup-prune-remove-list"
        rowTestId="backup-prune-removed"
      />
      <PlannedFiles
        title="Kept, and why"
        files={plan.keep}
        maxHeight={200}
        testId="backup-prune-keep-list"
        rowTestId="backup-prune-kept"
        withReasons
      />
    </Stack>
  );
}
