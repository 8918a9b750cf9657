import { Alert, Button, CopyButton, Group, Modal, SegmentedControl, Stack, Text, Textarea } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { CircleAlert, Download, FileCode, ListRestart, Rows3 } from 'lucide-react';
import { useCallback, useEffect, useState } from 'react';
import type { DiffCounts, DiffKind, DiffRow, DiffSummary } from '../../../../shared/contract/index';
import { call, errorMessage } from '../../../api';
import { useConfirmedAction } from '../../ConfirmAction';
import { DiffRowsTable, rowKey } from './DiffRowsTable';

const PAGE = 200;
const KIND_LABEL: Record<DiffKind, string> = {
  removed: 'Removed since the backup',
  changed: 'Changed since the backup',
  added: 'Added since the backup',
};

export interface DiffRowsPanelProps {
  summary: DiffSummary;
  counts: DiffCounts;
  /** After a put-back: the new counts from the main process. */
  onCounts(counts: DiffCounts): void;
}

/**
 * Rows on demand: one kind at a time, loaded page by page (keyset paging in the main process); select rows,
 * export them as SQL (INSERT … ON DUPLICATE KEY UPDATE; copy or download), or put them back into the live
 * table (the shared confirmation: RESTORE, or the database name on production; audited).
 */
export function DiffRowsPanel({ summary, counts, onCounts }: DiffRowsPanelProps) {
  const [kind, setKind] = useState<DiffKind>(counts.removed > 0 ? 'removed' : counts.changed > 0 ? 'changed' : 'added');
  const [rows, setRows] = useState<DiffRow[] | null>(null);
  const [next, setNext] = useState<Array<string | null> | null>(null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [sql, setSql] = useState<string | null>(null);
  const [exporting, setExporting] = useState(false);
  const confirmed = useConfirmedAction();

  const load = useCallback(
    async (after: Array<string | null> | null) => {
      setLoading(true);
      setError(null);
      try {
        const page = await call('backups.diff.rows', {
          diffId: summary.diffId,
          kind,
          limit: PAGE,
          ...(after ? { after } : {}),
        });
        setRows((old) => (after && old ? [...old, ...page.rows] : page.rows));
        setNext(page.next);
      } catch (err) {
        setError(errorMessage(err));
      } finally {
        setLoading(false);
      }
    },
    [summary.diffId, kind],
  );

  // A new kind starts empty: rows are loaded when asked for.
  // biome-ignore lint/correctness/useExhaustiveDependencies: reset exactly when the kind changes.
  useEffect(() => {
    setRows(null);
    setNext(null);
    setSelected(new Set());
  }, [kind]);

  const chosen = (rows ?? []).filter((r) => selected.has(rowKey(r))).map((r) => r.key);
  const canAct = kind !== 'added' && chosen.length > 0;
  const selection = () => ({ diffId: summary.diffId, kinds: [kind as 'removed' | 'changed'], keys: chosen });

  async function exportSql() {
    setExporting(true);
    try {
      const r = await call('backups.diff.export', selection());
      setSql(r.sql ?? '');
    } catch (err) {
      notifications.show({ color: 'red', title: 'The export failed', message: errorMessage(err) });
    } finally {
      setExporting(false);
    }
  }

  function download() {
    if (sql === null) return;
    const url = URL.createObjectURL(new Blob([sql], { type: 'application/sql' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = `${summary.table}_${kind}_rows.sql`;
    a.click();
    URL.revokeObjectURL(url);
  }

  function putBack() {
    const n = chosen.length;
    void confirmed.run(
      'backups.diff.putBack',
      selection(),
      `Put back ${n} row${n === 1 ? '' : 's'} into ${summary.database}.${summary.table}`,
      (r) => {
        notifications.show({
          color: 'green',
          title: 'Rows put back',
          message: `${r.rows} row(s) written into ${summary.database}.${summary.table} from the backup.`,
        });
        onCounts(r.counts);
        setSelected(new Set());
        void load(null);
      },
    );
  }

  const total = counts[kind];
  return (
    <Stack gap="xs" data-testid="diff-rows-panel">
      <Group justify="space-between" gap="xs">
        <SegmentedControl
          size="xs"
          value={kind}
          onChange={(v) => setKind(v as DiffKind)}
          data={(['removed', 'changed', 'added'] as const).map((k) => ({ value: k, label: `${KIND_LABEL[k]} (${counts[k]})` }))}
          data-testid="diff-kind"
        />
        <Button
          size="xs"
          variant="default"
          leftSection={<Rows3 size={14} />}
          loading={loading && rows === null}
          disabled={total === 0}
          onClick={() => void load(null)}
          data-testid="diff-show-rows"
        >
          {rows === null ? 'Show rows' : 'Reload rows'}
        </Button>
      </Group>
      {error && (
        <Alert color="red" icon={<CircleAlert size={16} />} title="Could not read the rows">
          {error}
        </Alert>
      )}
      {rows && (
        <>
          <DiffRowsTable summary={summary} kind={kind} rows={rows} selected={selected} onSelect={setSelected} />
          <Group gap="xs">
            <Text size="xs" c="dimmed" data-testid="diff-loaded">
              {rows.length.toLocaleString()} of {total.toLocaleString()} loaded · {chosen.length} selected
            </Text>
            {next && (
              <Button
                size="compact-xs"
                variant="subtle"
                loading={loading}
                onClick={() => void load(next)}
                data-testid="diff-more"
              >
                Load {PAGE} more
              </Button>
            )}
            <Group gap="xs" ml="auto">
              <Button
                size="xs"
                variant="default"
                leftSection={<FileCode size={14} />}
                disabled={!canAct}
                loading={exporting}
                onClick={() => void exportSql()}
                data-testid="diff-export"
              >
                Export as SQL
              </Button>
              <Button
                size="xs"
                color="red"
                leftSection={<ListRestart size={14} />}
                disabled={!canAct}
                onClick={putBack}
                data-testid="diff-put-back"
              >
                Put back selected rows
              </Button>
            </Group>
          </Group>
        </>
      )}
      <Modal
        opened={sql !== null}
        onClose={() => setSql(null)}
        title="Selected rows as SQL"
        size="xl"
        data-testid="diff-sql-modal"
      >
        <Stack gap="xs">
          <Textarea
            value={sql ?? ''}
            readOnly
            autosize
            minRows={6}
            maxRows={18}
            styles={{ input: { fontFamily: 'monospace', fontSize: 12 } }}
            data-testid="diff-sql"
          />
          <Group justify="flex-end" gap="xs">
            <CopyButton value={sql ?? ''}>
              {({ copied, copy }) => (
                <Button size="xs" variant="default" onClick={copy}>
                  {copied ? 'Copied' : 'Copy'}
                </Button>
              )}
            </CopyButton>
            <Button size="xs" leftSection={<Download size={14} />} onClick={download} data-testid="diff-sql-download">
              Download .sql
            </Button>
          </Group>
        </Stack>
      </Modal>
      {confirmed.modal}
    </Stack>
  );
}
