import { Button, Card, Group, Modal, Select, SimpleGrid, Stack, Text } from '@mantine/core';
import { GitCompare } from 'lucide-react';
import { useState } from 'react';
import type { BackupEntry, DiffCounts, DiffSummary } from '../../../../shared/contract/index';
import { useCall } from '../../../hooks/useCall';
import { isLive } from '../../../state/appStore';
import { LoadErrorAlert } from '../../common/LoadErrorAlert';
import { JobProgress } from '../../JobProgress';
import { DiffRowsPanel } from './DiffRowsPanel';
import { useTableDiff } from './useTableDiff';

function Count({ label, value, hint, testId }: { label: string; value: number; hint: string; testId: string }) {
  return (
    <Card withBorder padding="xs">
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Text size="xl" fw={600} data-testid={testId} data-value={value}>
        {value.toLocaleString()}
      </Text>
      <Text size="xs" c="dimmed">
        {hint}
      </Text>
    </Card>
  );
}

export interface CompareModalProps {
  profileId: string;
  /** The backup to compare (ours, on this computer); null keeps the modal closed. */
  entry: BackupEntry | null;
  onClose(): void;
}

/** The five counts of a finished comparison, and the columns only one side has. */
function CompareCounts({ summary, counts }: { summary: DiffSummary; counts: DiffCounts }) {
  return (
    <>
      <SimpleGrid cols={{ base: 2, md: 5 }} spacing="xs" data-testid="compare-counts">
        <Count label="Added" value={counts.added} hint="in live, not in the backup" testId="diff-count-added" />
        <Count label="Removed" value={counts.removed} hint="in the backup, deleted since" testId="diff-count-removed" />
        <Count label="Changed" value={counts.changed} hint="same key, other values" testId="diff-count-changed" />
        <Count label="Rows in the backup" value={counts.backupRows} hint={summary.table} testId="diff-count-backup" />
        <Count label="Rows live" value={counts.liveRows} hint={summary.database} testId="diff-count-live" />
      </SimpleGrid>
      {summary.notCompared.length > 0 && (
        <Text size="xs" c="dimmed">
          Not compared (only one side has them): {summary.notCompared.join(', ')}.
        </Text>
      )}
    </>
  );
}

/** The table to compare (from the backup's manifest) and the Compare button. */
function ComparePicker(props: {
  tables: string[];
  loadingTables: boolean;
  table: string | null;
  onTable(table: string | null): void;
  disabled: boolean;
  starting: boolean;
  onCompare(): void;
}) {
  return (
    <Group align="flex-end" gap="xs">
      <Select
        label="Table"
        placeholder={props.loadingTables ? 'reading the manifest…' : 'choose a table'}
        data={props.tables}
        value={props.table}
        onChange={props.onTable}
        searchable
        w={320}
        size="xs"
        comboboxProps={{ withinPortal: true }}
        data-testid="compare-table"
      />
      <Button
        size="xs"
        leftSection={<GitCompare size={14} />}
        disabled={!props.table || props.disabled}
        loading={props.starting}
        onClick={props.onCompare}
        data-testid="compare-run"
      >
        Compare
      </Button>
      <Text size="xs" c="dimmed" maw={520}>
        The table is loaded from the backup into a scratch schema and compared with the live table by primary key; nothing live is
        written until you put rows back.
      </Text>
    </Group>
  );
}

/**
 * "Compare with live…": one table of a backup against the live table by primary key. The diff job loads the
 * table into a scratch schema (progress from the job), then the counts come first and the rows on demand.
 * Closing drops the scratch copy.
 */
export function CompareModal({ profileId, entry, onClose }: CompareModalProps) {
  const manifest = useCall('backups.manifest', entry ? { profileId, name: entry.name } : null);
  const [table, setTable] = useState<string | null>(null);
  const diff = useTableDiff(profileId);
  const { job, summary, counts } = diff;
  const tables = (manifest.data?.manifest?.tables ?? []).filter((t) => t.type === 'table').map((t) => t.name);

  function close() {
    diff.reset();
    setTable(null);
    onClose();
  }

  return (
    <Modal
      opened={entry !== null}
      onClose={close}
      title={`Compare with live: ${entry?.name ?? ''}`}
      size="90%"
      data-testid="compare-modal"
    >
      <Stack gap="sm">
        <ComparePicker
          tables={tables}
          loadingTables={manifest.loading}
          table={table}
          onTable={setTable}
          disabled={job !== undefined && isLive(job)}
          starting={diff.starting}
          onCompare={() => entry?.localPath && table && void diff.compare(entry.localPath, table)}
        />
        {manifest.error && <LoadErrorAlert title="Could not read the backup's tables" error={manifest.error} />}
        {diff.error && <LoadErrorAlert title="The comparison failed" data-testid="compare-error" error={diff.error} />}
        {job && (
          <Card withBorder padding="xs" data-testid="compare-job">
            <JobProgress job={job} />
          </Card>
        )}
        {summary && counts && (
          <>
            <CompareCounts summary={summary} counts={counts} />
            <DiffRowsPanel key={summary.diffId} summary={summary} counts={counts} onCounts={diff.setCounts} />
          </>
        )}
      </Stack>
    </Modal>
  );
}
