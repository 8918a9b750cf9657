import { Badge, Loader, Table, Text } from '@mantine/core';
import { formatDateTime } from '../../format';
import { useCall } from '../../hooks/useCall';
import { LoadErrorAlert } from '../common/LoadErrorAlert';
import { PlainTableHead } from '../common/PlainTableHead';
import { useReloadOn } from './useReloadOn';

const STATE_COLOR = { running: 'blue', succeeded: 'green', failed: 'red', cancelled: 'yellow' } as const;

/** Every attempt and repair from our journal, newest first. */
export function HistoryList({ profileId, refreshKey }: { profileId: string; refreshKey: number }) {
  const history = useCall('migrations.history', { profileId, limit: 100 });
  useReloadOn(refreshKey, history.reload);
  if (history.error) return <LoadErrorAlert error={history.error} />;
  if (!history.data) return <Loader />;
  if (history.data.length === 0) return <Text c="dimmed">No journal entries yet: nothing was applied by this console.</Text>;
  return (
    <Table striped data-testid="migration-history">
      <PlainTableHead titles={['When', 'File', 'Action', 'Result', 'By']} />
      <Table.Tbody>
        {history.data.map((a) => (
          <Table.Tr key={a.journalId} data-testid="history-row">
            <Table.Td>{formatDateTime(a.startedAt)}</Table.Td>
            <Table.Td ff="monospace">{a.filename}</Table.Td>
            <Table.Td>
              <Badge variant="outline">{a.action}</Badge>
            </Table.Td>
            <Table.Td>
              <Badge color={STATE_COLOR[a.state]} variant="light" mr="xs">
                {a.state}
              </Badge>
              <Text span size="xs">
                {a.summary}
                {a.executionMs !== null ? ` · ${a.executionMs} ms` : ''}
              </Text>
            </Table.Td>
            <Table.Td>
              <Text size="xs">
                {a.appliedBy} · {a.clientHost}
              </Text>
              <Text size="xs" c="dimmed">
                {a.tool}
              </Text>
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}
