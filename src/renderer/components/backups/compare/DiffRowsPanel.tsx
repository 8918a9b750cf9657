import { Button, Group, Stack, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { FileCode, ListRestart, Rows3 } from 'lucide-react';
import { useState } from 'react';
import type { DiffCounts, DiffKind, DiffSummary } from '../../../../shared/contract/index';
import { call } from '../../../api';
import { useConfirmedAction } from '../../ConfirmAction';
import { ChoiceControl } from '../../common/ChoiceControl';
import { LoadErrorAlert } from '../../common/LoadErrorAlert';
import { useBusyAction } from '../../common/useBusyAction';
import { DiffRowsTable, rowKey } from './DiffRowsTable';
import { DiffSqlModal } from './DiffSqlModal';
import { DIFF_ROWS_PAGE, useDiffRows } from './useDiffRows';

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

/** The kind shown (with its count) and the button that loads its rows. */
function DiffKindBar(props: {
  kind: DiffKind;
  counts: DiffCounts;
  loaded: boolean;
  loading: boolean;
  onKind(kind: DiffKind): void;
  onShow(): void;
}) {
  const { kind, counts, loaded } = props;
  return (
    <Group justify="space-between" gap="xs">
      <ChoiceControl
        size="xs"
        value={kind}
        onChange={props.onKind}
        options={(['removed', 'changed', 'added'] as const).map((k) => ({ value: k, label: `${KIND_LABEL[k]} (${counts[k]})` }))}
        testId="diff-kind"
      />
      <Button
        size="xs"
        variant="default"
        leftSection={<Rows3 size={14} />}
        loading={props.loading && !loaded}
        disabled={counts[kind] === 0}
        onClick={props.onShow}
        data-testid="diff-show-rows"
      >
        {loaded ? 'Reload rows' : 'Show rows'}
      </Button>
    </Group>
  );
}

/** Below the rows: how many are loaded and selected, "Load more", and what to do with the selection. */
function DiffRowsFooter(props: {
  loaded: number;
  total: number;
  chosen: number;
  more: boolean;
  loading: boolean;
  canAct: boolean;
  exporting: boolean;
  onMore(): void;
  onExport(): void;
  onPutBack(): void;
}) {
  return (
    <Group gap="xs">
      <Text size="xs" c="dimmed" data-testid="diff-loaded">
        {props.loaded.toLocaleString()} of {props.total.toLocaleString()} loaded · {props.chosen} selected
      </Text>
      {props.more && (
        <Button size="compact-xs" variant="subtle" loading={props.loading} onClick={props.onMore} data-testid="diff-more">
          Load {DIFF_ROWS_PAGE} more
        </Button>
      )}
      <Group gap="xs" ml="auto">
        <Button
          size="xs"
          variant="default"
          leftSection={<FileCode size={14} />}
          disabled={!props.canAct}
          loading={props.exporting}
          onClick={props.onExport}
          data-testid="diff-export"
        >
          Export as SQL
        </Button>
        <Button
          size="xs"
          color="red"
          leftSection={<ListRestart size={14} />}
          disabled={!props.canAct}
          onClick={props.onPutBack}
          data-testid="diff-put-back"
        >
          Put back selected rows
        </Button>
      </Group>
    </Group>
  );
}

/**
 * Rows on demand: one kind at a time, loaded page by page (keyset paging in the main process); select rows,
 * export them as SQL (INSERT … ON DUPLICATE KEY UPDATE; copy or download), or put them back into the live
 * table (the shared confirmation: RESTORE, or the database name on production; audited).
 */
export function DiffRowsPanel({ summary, counts, onCounts }: DiffRowsPanelProps) {
  const [kind, setKind] = useState<DiffKind>(counts.removed > 0 ? 'removed' : counts.changed > 0 ? 'changed' : 'added');
  const { rows, next, loading, error, load, selected, setSelected } = useDiffRows(summary.diffId, kind);
  const [sql, setSql] = useState<string | null>(null);
  const exporting = useBusyAction();
  const confirmed = useConfirmedAction();

  const chosen = (rows ?? []).filter((r) => selected.has(rowKey(r))).map((r) => r.key);
  const selection = () => ({ diffId: summary.diffId, kinds: [kind as 'removed' | 'changed'], keys: chosen });
  const where = `${summary.database}.${summary.table}`;

  const exportSql = () =>
    exporting.run(async () => setSql((await call('backups.diff.export', selection())).sql ?? ''), 'The export failed');

  function putBack() {
    const n = chosen.length;
    void confirmed.run('backups.diff.putBack', selection(), `Put back ${n} row${n === 1 ? '' : 's'} into ${where}`, (r) => {
      notifications.show({
        color: 'green',
        title: 'Rows put back',
        message: `${r.rows} row(s) written into ${where} from the backup.`,
      });
      onCounts(r.counts);
      setSelected(new Set());
      void load(null);
    });
  }

  return (
    <Stack gap="xs" data-testid="diff-rows-panel">
      <DiffKindBar
        kind={kind}
        counts={counts}
        loaded={rows !== null}
        loading={loading}
        onKind={setKind}
        onShow={() => void load(null)}
      />
      {error && <LoadErrorAlert title="Could not read the rows" error={error} />}
      {rows && (
        <>
          <DiffRowsTable summary={summary} kind={kind} rows={rows} selected={selected} onSelect={setSelected} />
          <DiffRowsFooter
            loaded={rows.length}
            total={counts[kind]}
            chosen={chosen.length}
            more={next !== null}
            loading={loading}
            canAct={kind !== 'added' && chosen.length > 0}
            exporting={exporting.busy}
            onMore={() => next && void load(next)}
            onExport={() => void exportSql()}
            onPutBack={putBack}
          />
        </>
      )}
      <DiffSqlModal sql={sql} filename={`${summary.table}_${kind}_rows.sql`} onClose={() => setSql(null)} />
      {confirmed.modal}
    </Stack>
  );
}
