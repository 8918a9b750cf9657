import { ActionIcon, Badge, Card, Group, ScrollArea, Table, Text, Title, Tooltip } from '@mantine/core';
import { RefreshCw, Trash2, Undo2 } from 'lucide-react';
import type { RestorePhase, RestoreRecord } from '../../../shared/contract/index';
import { formatDateTime } from '../../format';
import type { CallState } from '../../hooks/useCall';
import { LoadErrorAlert } from '../common/LoadErrorAlert';
import { PlainTableHead } from '../common/PlainTableHead';
import { fileName } from './model';

const PHASE_COLOR: Partial<Record<RestorePhase, string>> = {
  completed: 'green',
  failed: 'red',
  cancelled: 'yellow',
  'rolled-back': 'orange',
  discarded: 'gray',
};

export interface RestoreHistoryProps {
  list: CallState<RestoreRecord[]>;
  onRollback(record: RestoreRecord): void;
  onDiscard(record: RestoreRecord): void;
}

/** Earlier restores of this profile: outcome, and rollback / discard while the previous tables are kept. */
export function RestoreHistory({ list, onRollback, onDiscard }: RestoreHistoryProps) {
  const records = list.data ?? [];
  return (
    <Card withBorder padding="sm" data-testid="restore-history">
      <Group justify="space-between" mb="xs">
        <Title order={5}>Earlier restores</Title>
        <ActionIcon variant="subtle" onClick={list.reload} loading={list.loading} aria-label="Reload the restore history">
          <RefreshCw size={16} />
        </ActionIcon>
      </Group>
      {list.error && <LoadErrorAlert error={list.error} />}
      {records.length === 0 ? (
        <Text size="sm" c="dimmed">
          No restores with this profile yet.
        </Text>
      ) : (
        <ScrollArea.Autosize mah={240}>
          <Table striped>
            <PlainTableHead titles={['When', 'Database', 'From', 'Outcome', 'By', '']} />
            <Table.Tbody>
              {records.map((r) => (
                <Table.Tr key={r.id} data-testid="restore-history-row" data-phase={r.phase}>
                  <Table.Td>{formatDateTime(r.createdAt)}</Table.Td>
                  <Table.Td>{r.targetDatabase}</Table.Td>
                  <Table.Td>
                    <Text size="sm" truncate maw={260} title={r.file}>
                      {fileName(r.file)}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Tooltip
                      label={r.error?.message ?? r.prevSchema ?? ''}
                      disabled={!r.error && !r.prevSchema}
                      multiline
                      w={360}
                    >
                      <Badge size="sm" variant="light" color={PHASE_COLOR[r.phase] ?? 'blue'}>
                        {r.phase}
                      </Badge>
                    </Tooltip>
                  </Table.Td>
                  <Table.Td>{r.actor}</Table.Td>
                  <Table.Td>
                    {r.rollbackAvailable && (
                      <Group gap={4} justify="flex-end" wrap="nowrap">
                        <Tooltip label="Roll back">
                          <ActionIcon variant="subtle" color="orange" onClick={() => onRollback(r)} aria-label="Roll back">
                            <Undo2 size={16} />
                          </ActionIcon>
                        </Tooltip>
                        <Tooltip label="Discard the previous tables">
                          <ActionIcon variant="subtle" color="gray" onClick={() => onDiscard(r)} aria-label="Discard">
                            <Trash2 size={16} />
                          </ActionIcon>
                        </Tooltip>
                      </Group>
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </ScrollArea.Autosize>
      )}
    </Card>
  );
}
