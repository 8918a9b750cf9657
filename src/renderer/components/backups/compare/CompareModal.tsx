import { Button, Card, Group, Modal, Select, SimpleGrid, Stack, Text } from '@mantine/core';
import { GitCompare } from 'lucide-react';
import { useEffect, useState } from 'react';
import type { BackupEntry, DiffCounts, DiffSummary } from '../../../../shared/contract/index';
import { call, errorMessage } from '../../../api';
import { useCall } from '../../../hooks/useCall';
import { isLive, useAppStore } from '../../../state/appStore';
import { LoadErrorAlert } from '../../common/LoadErrorAlert';
import { JobProgress } from '../../JobProgress';
import { DiffRowsPanel } from './DiffRowsPanel';

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

/**
 * "Compare with live…": one table of a backup against the live table by primary key. The diff job loads the
 * table into a scratch schema (progress from the job), then the counts come first and the rows on demand.
 * Closing drops the scratch copy.
 */
export function CompareModal({ profileId, entry, onClose }: CompareModalProps) {
  const manifest = useCall('backups.manifest', entry ? { profileId, name: entry.name } : null);
  const upsertJob = useAppStore((s) => s.upsertJob);
  const [table, setTable] = useState<string | null>(null);
  const [jobId, setJobId] = useState<string | null>(null);
  const [starting, setStarting] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [summary, setSummary] = useState<DiffSummary | null>(null);
  const [counts, setCounts] = useState<DiffCounts | null>(null);
  const job = useAppStore((s) => (jobId ? s.jobs[jobId] : undefined));
  const tables = (manifest.data?.manifest?.tables ?? []).filter((t) => t.type === 'table').map((t) => t.name);

  // The job's id is the diff's id: read the counts once it has succeeded.
  const succeeded = job?.state === 'succeeded' ? job.id : null;
  useEffect(() => {
    if (!succeeded) return;
    call('backups.diff.get', { diffId: succeeded })
      .then((s) => {
        setSummary(s);
        setCounts(s.counts);
      })
      .catch((err: unknown) => setError(errorMessage(err)));
  }, [succeeded]);

  function dropCopy() {
    if (succeeded) void call('backups.diff.close', { diffId: succeeded }).catch(() => undefined);
  }

  async function compare() {
    if (!entry?.localPath || !table) return;
    dropCopy();
    setStarting(true);
    setError(null);
    setSummary(null);
    setCounts(null);
    try {
      const started = await call('backups.diff', { profileId, file: entry.localPath, table });
      upsertJob(started);
      setJobId(started.id);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setStarting(false);
    }
  }

  function close() {
    dropCopy();
    setJobId(null);
    setSummary(null);
    setCounts(null);
    setTable(null);
    setError(null);
    onClose();
  }

  const running = job !== undefined && isLive(job);
  return (
    <Modal
      opened={entry !== null}
      onClose={close}
      title={`Compare with live: ${entry?.name ?? ''}`}
      size="90%"
      data-testid="compare-modal"
    >
      <Stack gap="sm">
        <Group align="flex-end" gap="xs">
          <Select
            label="Table"
            placeholder={manifest.loading ? 'reading the manifest…' : 'choose a table'}
            data={tables}
            value={table}
            onChange={setTable}
            searchable
            w={320}
            size="xs"
            comboboxProps={{ withinPortal: true }}
            data-testid="compare-table"
          />
          <Button
            size="xs"
            leftSection={<GitCompare size={14} />}
            disabled={!table || running}
            loading={starting}
            onClick={() => void compare()}
            data-testid="compare-run"
          >
            Compare
          </Button>
          <Text size="xs" c="dimmed" maw={520}>
            The table is loaded from the backup into a scratch schema and compared with the live table by primary key; nothing
            live is written until you put rows back.
          </Text>
        </Group>
        {manifest.error && <LoadErrorAlert title="Could not read the backup's tables" error={manifest.error} />}
        {error && <LoadErrorAlert title="The comparison failed" data-testid="compare-error" error={error} />}
        {job && (
          <Card withBorder padding="xs" data-testid="compare-job">
            <JobProgress job={job} />
          </Card>
        )}
        {summary && counts && (
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
            <DiffRowsPanel key={summary.diffId} summary={summary} counts={counts} onCounts={setCounts} />
          </>
        )}
      </Stack>
    </Modal>
  );
}
