import { Alert, Badge, Code, Group, Stack, Table, Text } from '@mantine/core';
import { CircleCheck, CircleMinus, CircleX } from 'lucide-react';
import type { ConnectionTestReport } from '../../../shared/contract/connections';

function StageIcon({ status }: { status: 'ok' | 'failed' | 'skipped' }) {
  if (status === 'ok') return <CircleCheck size={18} color="var(--mantine-color-green-7)" aria-label="ok" />;
  if (status === 'failed') return <CircleX size={18} color="var(--mantine-color-red-7)" aria-label="failed" />;
  return <CircleMinus size={18} color="var(--mantine-color-gray-5)" aria-label="skipped" />;
}

/** The staged connection report: one row per stage with its latency, what was found, and the cause on failure. */
export function TestReport({ report }: { report: ConnectionTestReport }) {
  return (
    <Stack gap="sm" data-testid="test-report" data-ok={report.ok ? 'true' : 'false'}>
      <Group gap="sm">
        <Badge color={report.ok ? 'green' : 'red'} size="lg" data-testid="test-report-result">
          {report.ok ? 'All stages passed' : 'Failed'}
        </Badge>
        <Text size="sm" c="dimmed">
          {report.profileName} · {report.totalMs} ms · {new Date(report.startedAt).toLocaleTimeString()}
        </Text>
      </Group>
      {report.failure && (
        <Alert
          color="red"
          title={report.stages.find((s) => s.id === report.failure?.stage)?.label}
          data-testid="test-report-failure"
        >
          <Text size="sm">{report.failure.message}</Text>
          <Text size="sm" fw={500} mt={4}>
            {report.stages.find((s) => s.id === report.failure?.stage)?.cause}
          </Text>
        </Alert>
      )}
      <Table striped withTableBorder verticalSpacing={4} layout="fixed" data-testid="test-report-stages">
        <Table.Thead>
          <Table.Tr>
            <Table.Th w={28} />
            <Table.Th w={210}>Stage</Table.Th>
            <Table.Th w={90} ta="right">
              Latency
            </Table.Th>
            <Table.Th>Result</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {report.stages.map((s) => (
            <Table.Tr key={s.id} data-testid={`test-stage-${s.id}`} data-status={s.status}>
              <Table.Td>
                <StageIcon status={s.status} />
              </Table.Td>
              <Table.Td>{s.label}</Table.Td>
              <Table.Td ta="right">{s.latencyMs === null ? '' : `${s.latencyMs.toFixed(1)} ms`}</Table.Td>
              <Table.Td>
                <Text size="sm" c={s.status === 'skipped' ? 'dimmed' : undefined} style={{ overflowWrap: 'anywhere' }}>
                  {s.status === 'failed' && s.code ? <Code mr={6}>{s.code}</Code> : null}
                  {s.detail}
                </Text>
                {s.status === 'failed' && s.cause && (
                  <Text size="sm" c="red.8" data-testid={`test-stage-cause-${s.id}`}>
                    → {s.cause}
                  </Text>
                )}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {report.grants.length > 0 && (
        <Stack gap={2} data-testid="test-report-grants">
          <Text size="sm" fw={500}>
            Grants
          </Text>
          {report.grants.map((g) => (
            <Code key={g} block>
              {g}
            </Code>
          ))}
        </Stack>
      )}
    </Stack>
  );
}
