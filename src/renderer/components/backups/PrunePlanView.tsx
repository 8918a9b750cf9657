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
      {plan.remove.length > 0 && (
        <>
          <Text size="xs" fw={600}>
            Would be deleted
          </Text>
          <ScrollArea.Autosize mah={160}>
            <Table fz="xs" verticalSpacing={2} data-testid="backup-prune-remove-list">
              <Table.Tbody>
                {plan.remove.slice(0, SHOWN).map((f) => (
                  <Table.Tr key={f.name} data-testid="backup-prune-removed" data-name={f.name} data-class={f.class}>
                    <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatDateTime(f.createdAt)}</Table.Td>
                    <Table.Td>
                      {f.name} <ClassBadge file={f} />
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </ScrollArea.Autosize>
          <More total={plan.remove.length} />
        </>
      )}
      {plan.keep.length > 0 && (
        <>
          <Text size="xs" fw={600}>
            Kept, and why
          </Text>
          <ScrollArea.Autosize mah={200}>
            <Table fz="xs" verticalSpacing={2} data-testid="backup-prune-keep-list">
              <Table.Tbody>
                {plan.keep.slice(0, SHOWN).map((f) => (
                  <Table.Tr key={f.name} data-testid="backup-prune-kept" data-name={f.name} data-class={f.class}>
                    <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatDateTime(f.createdAt)}</Table.Td>
                    <Table.Td>
                      {f.name} <ClassBadge file={f} />
                    </Table.Td>
                    <Table.Td data-testid="backup-prune-reasons">{f.reasons.join('; ')}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </ScrollArea.Autosize>
          <More total={plan.keep.length} />
        </>
      )}
    </Stack>
  );
}
