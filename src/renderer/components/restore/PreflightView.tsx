import { Alert, Badge, Card, Group, List, ScrollArea, SimpleGrid, Stack, Table, Text, ThemeIcon, Title } from '@mantine/core';
import { CircleCheck, CircleX, TriangleAlert } from 'lucide-react';
import type { PreflightCheck, PreflightReport, ReplacedTable } from '../../../shared/contract/index';
import { formatBytes, formatDateTime } from '../../format';
import { LabeledValue } from '../common/LabeledValue';
import { CrossEngineCard } from './CrossEngineCard';

const STATUS = {
  ok: { color: 'green', Icon: CircleCheck },
  warn: { color: 'yellow', Icon: TriangleAlert },
  fail: { color: 'red', Icon: CircleX },
} as const;

const ACTION_COLOR: Record<ReplacedTable['action'], string> = { replace: 'blue', create: 'green', remove: 'orange' };

function CheckLine({ check }: { check: PreflightCheck }) {
  const { color, Icon } = STATUS[check.status];
  return (
    <List.Item
      icon={
        <ThemeIcon color={color} variant="light" size={22} radius="xl">
          <Icon size={14} />
        </ThemeIcon>
      }
      data-testid="preflight-check"
      data-id={check.id}
      data-status={check.status}
    >
      <Text size="sm">{check.message}</Text>
    </List.Item>
  );
}

function rows(n: number | null, exact = true): string {
  if (n === null) return '—';
  return `${exact ? '' : '~'}${n.toLocaleString()}`;
}

/** Every check with its outcome; ids repeat (one per leftover kind, per file problem), the message does not. */
function ChecksCard({ report }: { report: PreflightReport }) {
  return (
    <Card withBorder padding="sm">
      <Title order={5} mb="xs">
        Checks
      </Title>
      <List spacing={6} center>
        {report.checks.map((c) => (
          // Ids repeat (one per leftover kind, per file problem); with the message a line is unique.
          <CheckLine key={`${c.id}:${c.message}`} check={c} />
        ))}
      </List>
    </Card>
  );
}

/** What the file is and holds: format, size, source server, counts (when the file was scanned). */
function BackupFacts({ report }: { report: PreflightReport }) {
  const s = report.source;
  const o = s.objects;
  return (
    <Card withBorder padding="sm">
      <Title order={5} mb="xs">
        Backup
      </Title>
      <LabeledValue label="File" breakAll>
        {report.file.path}
      </LabeledValue>
      <SimpleGrid cols={2} spacing="xs" mt="xs">
        <LabeledValue label="Format">
          {report.file.format === 'sysndd-admin' ? 'SysNDD Admin backup' : 'mysqldump / mariadb-dump'}
          {report.file.compressed ? ', gzip' : ''} · {formatBytes(report.file.size)}
        </LabeledValue>
        <LabeledValue label="Database in the file">{s.database ?? '—'}</LabeledValue>
        <LabeledValue label="Made on">
          {s.serverVersion ?? '—'}
          {s.createdAt ? ` · ${formatDateTime(s.createdAt)}` : ''}
        </LabeledValue>
        <LabeledValue label="Tables · rows" testId="preflight-source-counts">
          {s.scanned ? `${s.tables} · ${rows(s.rows)}` : 'read while loading'}
        </LabeledValue>
        <LabeledValue label="Views · triggers · routines · events">
          {s.scanned ? `${o.views} · ${o.triggers} · ${o.routines} · ${o.events}` : 'read while loading'}
        </LabeledValue>
      </SimpleGrid>
    </Card>
  );
}

/** Where it goes: profile, server, database (new, replaced whole, or some tables), account, objects, space. */
function TargetFacts({ report }: { report: PreflightReport }) {
  const live = report.replace.liveObjects;
  return (
    <Card withBorder padding="sm">
      <Title order={5} mb="xs">
        Target
      </Title>
      <SimpleGrid cols={2} spacing="xs">
        <LabeledValue label="Profile">
          {report.target.profileName}{' '}
          <Badge size="xs" variant="light">
            {report.target.environment}
          </Badge>
        </LabeledValue>
        <LabeledValue label="Server">
          {report.target.host}:{report.target.port} · {report.target.serverVersion}
        </LabeledValue>
        <LabeledValue label="Database" testId="preflight-target-db">
          {report.target.database}{' '}
          {report.target.exists
            ? report.scope
              ? `(exists: only ${report.scope.length} table(s) replaced)`
              : '(exists: replaced as a whole)'
            : '(new: created)'}
        </LabeledValue>
        <LabeledValue label="As">{report.target.account}</LabeledValue>
        <LabeledValue label="Live objects replaced">
          {live.views} views · {live.triggers} triggers · {live.routines} routines · {live.events} events
        </LabeledValue>
        <LabeledValue label="Space">
          needs ~{formatBytes(report.space.neededBytes)}; live {formatBytes(report.space.liveBytes)} kept in __prev
        </LabeledValue>
      </SimpleGrid>
      <Text size="xs" c="dimmed" mt="xs">
        {report.space.note}
      </Text>
    </Card>
  );
}

/** The tables replaced, created or removed, with live and backup row counts. */
function ReplacedTables({ report }: { report: PreflightReport }) {
  return (
    <Card withBorder padding="sm">
      <Group justify="space-between" mb="xs">
        <Title order={5}>What will be replaced</Title>
        <Text size="xs" c="dimmed">
          {report.replace.tables.length} table(s); the current ones move to a __prev schema for rollback
        </Text>
      </Group>
      <ScrollArea.Autosize mah={280}>
        <Table striped data-testid="preflight-tables">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Table</Table.Th>
              <Table.Th>Action</Table.Th>
              <Table.Th ta="right">Live rows</Table.Th>
              <Table.Th ta="right">Rows in the backup</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {report.replace.tables.map((t) => (
              <Table.Tr key={t.name} data-testid="preflight-table" data-name={t.name} data-action={t.action}>
                <Table.Td>{t.name}</Table.Td>
                <Table.Td>
                  <Badge size="sm" variant="light" color={ACTION_COLOR[t.action]}>
                    {t.action}
                  </Badge>
                </Table.Td>
                <Table.Td ta="right">{rows(t.liveRows, t.liveRowsExact)}</Table.Td>
                <Table.Td ta="right">{rows(t.backupRows)}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </ScrollArea.Autosize>
    </Card>
  );
}

/**
 * Step 2: everything checked before any write (restore.preflight): the file, privileges, locks, space,
 * leftovers, and which tables and objects of the target are replaced.
 */
export function PreflightView({ report }: { report: PreflightReport }) {
  return (
    <Stack gap="md" data-testid="preflight-report" data-ok={report.ok}>
      <Alert
        color={report.ok ? 'green' : 'red'}
        icon={report.ok ? <CircleCheck size={18} /> : <CircleX size={18} />}
        title={report.ok ? 'Preflight passed' : 'Preflight failed: this restore would be refused'}
        data-testid="preflight-summary"
      >
        {report.ok
          ? 'Nothing has been written yet. Check the target and the tables below, then continue to confirm.'
          : 'Nothing has been written. Fix what is marked in red (or choose another file or target) and check again.'}
      </Alert>
      <ChecksCard report={report} />
      <CrossEngineCard report={report} />
      <SimpleGrid cols={{ base: 1, md: 2 }}>
        <BackupFacts report={report} />
        <TargetFacts report={report} />
      </SimpleGrid>
      <ReplacedTables report={report} />
      {report.leftovers.length > 0 && (
        <Alert color="yellow" icon={<TriangleAlert size={16} />} title="Schemas left by earlier restores">
          {report.leftovers.map((l) => `${l.schema} (${l.kind}${l.known ? '' : ', not in this app’s records'})`).join(', ')}
        </Alert>
      )}
    </Stack>
  );
}
