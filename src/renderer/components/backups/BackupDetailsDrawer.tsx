import {
  Alert,
  Badge,
  Button,
  Code,
  Drawer,
  Group,
  Loader,
  ScrollArea,
  SimpleGrid,
  Stack,
  Table,
  Text,
  Title,
} from '@mantine/core';
import { History, TriangleAlert } from 'lucide-react';
import type { BackupEntry, BackupManifest } from '../../../shared/contract/index';
import { formatBytes, formatDateTime } from '../../format';
import { useCall } from '../../hooks/useCall';
import { LabeledValue } from '../common/LabeledValue';
import { LoadErrorAlert } from '../common/LoadErrorAlert';
import { BackupFileActions } from './BackupFileActions';
import { LocationBadge, StatusBadge, VerifiedBadge } from './backupBadges';

function Fact({ label, value, testId }: { label: string; value: string; testId?: string }) {
  return (
    <LabeledValue label={label} testId={testId} breakAll>
      {value}
    </LabeledValue>
  );
}

const ENGINE_NAME = { mariadb: 'MariaDB', mysql: 'MySQL' } as const;

/** The source server as the catalog knows it (the manifest's engine, else read from a dump's version header). */
function SourceEngineBadge({ entry }: { entry: BackupEntry }) {
  if (!entry.serverEngine && !entry.serverVersion) return null;
  const engine = entry.serverEngine ? ENGINE_NAME[entry.serverEngine] : 'server';
  return (
    <Badge variant="outline" color={entry.serverEngine === 'mysql' ? 'blue' : 'teal'} data-testid="backup-detail-engine">
      from {engine}
      {entry.serverVersion ? ` ${entry.serverVersion}` : ''}
    </Badge>
  );
}

function ManifestView({ m }: { m: BackupManifest }) {
  const c = m.counts;
  return (
    <Stack gap="sm">
      <SimpleGrid cols={2} spacing="xs">
        <Fact label="Database" value={`${m.source.database} on ${m.source.host}`} />
        <Fact
          label="Server"
          value={`${m.source.engine ? `${ENGINE_NAME[m.source.engine]} ` : ''}${m.source.serverVersion}`}
          testId="backup-detail-server"
        />
        <Fact label="Profile" value={m.source.profileName} />
        <Fact label="Snapshot" value={m.source.consistency} />
        <Fact
          label="Binary log position"
          value={m.source.binlog ? `${m.source.binlog.file}:${m.source.binlog.position}` : 'not recorded (binary log off)'}
        />
        <Fact label="GTID" value={m.source.gtid ?? '—'} />
        <Fact label="Character set" value={`${m.source.charset} / ${m.source.collation}`} />
        <Fact
          label="schema_version head"
          value={m.schemaVersionHead ?? '(no schema_version table)'}
          testId="backup-detail-schema-version"
        />
        <Fact
          label="Objects"
          value={`${c.tables} tables, ${c.views} views, ${c.routines} routines, ${c.triggers} triggers, ${c.events} events, ${c.sequences} sequences`}
          testId="backup-detail-counts"
        />
        <Fact
          label="Written by"
          value={`${m.tool.name} ${m.tool.version}, ${m.members.length} gzip members${m.durationMs ? `, ${(m.durationMs / 1000).toFixed(1)} s` : ''}`}
        />
      </SimpleGrid>
      {m.warnings.map((w) => (
        <Alert key={w} color="yellow" icon={<TriangleAlert size={16} />} p="xs">
          <Text size="xs">{w}</Text>
        </Alert>
      ))}
      <Title order={5}>Tables</Title>
      <Table striped withTableBorder fz="xs" data-testid="backup-detail-tables">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Table</Table.Th>
            <Table.Th ta="right">Rows</Table.Th>
            <Table.Th ta="right">SQL size</Table.Th>
            <Table.Th>Engine</Table.Th>
            <Table.Th>CHECKSUM TABLE</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {m.tables.map((t) => (
            <Table.Tr key={t.name}>
              <Table.Td>
                {t.name}
                {t.type === 'sequence' ? ' (sequence)' : ''}
              </Table.Td>
              <Table.Td ta="right">{t.rows.toLocaleString()}</Table.Td>
              <Table.Td ta="right">{formatBytes(t.rawBytes)}</Table.Td>
              <Table.Td>{t.engine ?? '—'}</Table.Td>
              <Table.Td>
                <Code>{t.checksum ?? '—'}</Code>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Stack>
  );
}

/** Everything known about one backup: catalog facts and, for our format, the manifest. */
export function BackupDetailsDrawer({
  profileId,
  entry,
  onClose,
  onRestore,
}: {
  profileId: string;
  entry: BackupEntry | null;
  onClose(): void;
  onRestore(e: BackupEntry): void;
}) {
  const details = useCall('backups.manifest', entry ? { profileId, name: entry.name } : null);
  return (
    <Drawer opened={entry !== null} onClose={onClose} position="right" size="xl" title={entry?.name} data-testid="backup-details">
      {entry && (
        <ScrollArea.Autosize mah="calc(100vh - 80px)">
          <Stack gap="md">
            <Group gap="xs">
              <LocationBadge location={entry.location} />
              <StatusBadge status={entry.status} />
              <VerifiedBadge verified={entry.verified} />
              <SourceEngineBadge entry={entry} />
            </Group>
            <SimpleGrid cols={2} spacing="xs">
              <Fact label="Created" value={formatDateTime(entry.createdAt)} />
              <Fact label="Size" value={formatBytes(entry.size)} />
              <Fact
                label="Format"
                value={
                  entry.format === 'sysndd-admin'
                    ? 'SysNDD Admin backup v1 (verified format)'
                    : 'plain SQL dump (mysqldump / mariadb-dump)'
                }
              />
              <Fact label="Tables" value={entry.tableCount === null ? 'unknown until downloaded' : String(entry.tableCount)} />
              {entry.localPath && <Fact label="On this computer" value={entry.localPath} testId="backup-detail-local-path" />}
              {entry.remotePath && <Fact label="On the SSH host" value={entry.remotePath} />}
            </SimpleGrid>
            <Group>
              {entry.localPath && (
                <Button
                  leftSection={<History size={16} />}
                  variant="light"
                  onClick={() => onRestore(entry)}
                  data-testid="backup-detail-restore"
                >
                  Restore…
                </Button>
              )}
              <BackupFileActions profileId={profileId} entry={entry} />
            </Group>
            {details.loading && <Loader size="sm" />}
            {details.error && <LoadErrorAlert title="Could not read this backup" error={details.error} />}
            {details.data?.manifest && <ManifestView m={details.data.manifest} />}
            {details.data && !details.data.manifest && entry.format === 'foreign' && (
              <Text size="sm" c="dimmed">
                A plain dump has no manifest: SysNDD Admin counted its CREATE TABLE statements and checked for the dump tool’s
                completion line.
              </Text>
            )}
          </Stack>
        </ScrollArea.Autosize>
      )}
    </Drawer>
  );
}
