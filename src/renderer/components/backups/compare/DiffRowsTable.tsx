import { Box, Checkbox, Text } from '@mantine/core';
import { type ColumnDef, flexRender, getCoreRowModel, type Row, useReactTable } from '@tanstack/react-table';
import { useVirtualizer, type Virtualizer } from '@tanstack/react-virtual';
import { useMemo, useRef } from 'react';
import type { DiffKind, DiffRow, DiffSummary } from '../../../../shared/contract/index';

const ROW_HEIGHT = 30;

/** A row's identity in the selection: its primary-key values. */
export function rowKey(row: DiffRow): string {
  return JSON.stringify(row.key);
}

function show(v: string | null | undefined): string {
  return v === null || v === undefined ? 'NULL' : v;
}

function Cell({ kind, row, column }: { kind: DiffKind; row: DiffRow; column: string }) {
  if (kind === 'changed') {
    const before = row.backup?.[column];
    const now = row.live?.[column];
    if (before !== now)
      return (
        <Text size="xs" truncate title={`backup: ${show(before)}\nlive: ${show(now)}`} c="orange.8" fw={500}>
          {show(before)} → {show(now)}
        </Text>
      );
  }
  const v = (kind === 'added' ? row.live : row.backup)?.[column];
  return (
    <Text size="xs" truncate title={show(v)} c={v === null ? 'dimmed' : undefined}>
      {show(v)}
    </Text>
  );
}

export interface DiffRowsTableProps {
  summary: DiffSummary;
  kind: DiffKind;
  rows: DiffRow[];
  selected: ReadonlySet<string>;
  onSelect(next: Set<string>): void;
}

/** The checkbox column: select all loaded rows in the header, one row per cell (nothing for added rows). */
function selectColumn(
  selectable: boolean,
  rows: DiffRow[],
  selected: ReadonlySet<string>,
  onSelect: (next: Set<string>) => void,
): ColumnDef<DiffRow> {
  return {
    id: 'select',
    header: () =>
      selectable ? (
        <Checkbox
          size="xs"
          aria-label="Select all loaded rows"
          checked={rows.length > 0 && rows.every((r) => selected.has(rowKey(r)))}
          indeterminate={selected.size > 0 && !rows.every((r) => selected.has(rowKey(r)))}
          onChange={(e) => onSelect(e.currentTarget.checked ? new Set(rows.map(rowKey)) : new Set())}
          data-testid="diff-select-all"
        />
      ) : null,
    cell: (c) =>
      selectable ? (
        <Checkbox
          size="xs"
          aria-label="Select row"
          checked={selected.has(rowKey(c.row.original))}
          onChange={(e) => {
            const next = new Set(selected);
            if (e.currentTarget.checked) next.add(rowKey(c.row.original));
            else next.delete(rowKey(c.row.original));
            onSelect(next);
          }}
          data-testid="diff-row-select"
        />
      ) : null,
  };
}

/** One column per table column, the key columns marked; cells show what changed for the kind. */
function valueColumns(summary: DiffSummary, kind: DiffKind): ColumnDef<DiffRow>[] {
  return summary.columns.map<ColumnDef<DiffRow>>((column) => ({
    id: column,
    header: () => (
      <Text size="xs" fw={600} truncate title={column}>
        {column}
        {summary.primaryKey.includes(column) ? ' (key)' : ''}
      </Text>
    ),
    cell: (c) => <Cell kind={kind} row={c.row.original} column={column} />,
  }));
}

/** The visible rows only, positioned in a spacer as tall as all of them. */
function VirtualDiffRows(props: {
  tableRows: Row<DiffRow>[];
  virtualizer: Virtualizer<HTMLDivElement, Element>;
  grid: string;
  line: string;
  selected: ReadonlySet<string>;
}) {
  const { tableRows, virtualizer, grid, line, selected } = props;
  return (
    <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
      {virtualizer.getVirtualItems().map((item) => {
        const row = tableRows[item.index];
        if (!row) return null;
        return (
          <div
            key={row.id}
            data-testid="diff-row"
            data-key={row.id}
            style={{
              position: 'absolute',
              top: 0,
              left: 0,
              width: '100%',
              height: ROW_HEIGHT,
              transform: `translateY(${item.start}px)`,
              display: 'grid',
              gridTemplateColumns: grid,
              gap: 6,
              alignItems: 'center',
              padding: '0 8px',
              borderBottom: line,
              background: selected.has(row.id) ? 'var(--mantine-color-blue-light)' : undefined,
            }}
          >
            {row.getVisibleCells().map((cell) => (
              <div key={cell.id} style={{ minWidth: 0, overflow: 'hidden' }}>
                {flexRender(cell.column.columnDef.cell, cell.getContext())}
              </div>
            ))}
          </div>
        );
      })}
    </div>
  );
}

/**
 * The loaded rows of one kind: TanStack Table for the columns, TanStack Virtual for the rows (only the
 * visible ones are in the DOM). Removed rows show the backup's values, added rows the live ones, changed
 * rows "backup → live" in the columns that differ. Added rows cannot be selected (nothing to put back).
 */
export function DiffRowsTable({ summary, kind, rows, selected, onSelect }: DiffRowsTableProps) {
  const selectable = kind !== 'added';
  const columns = useMemo<ColumnDef<DiffRow>[]>(
    () => [selectColumn(selectable, rows, selected, onSelect), ...valueColumns(summary, kind)],
    [summary, kind, rows, selected, onSelect, selectable],
  );
  const table = useReactTable({ data: rows, columns, getCoreRowModel: getCoreRowModel(), getRowId: rowKey });
  const tableRows = table.getRowModel().rows;
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: tableRows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
  });
  const grid = `32px repeat(${summary.columns.length}, minmax(90px, 1fr))`;
  const minWidth = 32 + summary.columns.length * 96;
  const line = '1px solid var(--mantine-color-default-border)';

  return (
    <Box style={{ border: line, borderRadius: 4, overflowX: 'auto' }}>
      <Box style={{ minWidth }}>
        {table.getHeaderGroups().map((g) => (
          <Box key={g.id} style={{ display: 'grid', gridTemplateColumns: grid, gap: 6, padding: '4px 8px', borderBottom: line }}>
            {g.headers.map((h) => (
              <div key={h.id} style={{ minWidth: 0 }}>
                {flexRender(h.column.columnDef.header, h.getContext())}
              </div>
            ))}
          </Box>
        ))}
        <div
          ref={scrollRef}
          style={{ height: Math.min(360, Math.max(ROW_HEIGHT * 2, tableRows.length * ROW_HEIGHT)), overflowY: 'auto' }}
          data-testid="diff-rows"
          data-count={tableRows.length}
          data-kind={kind}
        >
          <VirtualDiffRows tableRows={tableRows} virtualizer={virtualizer} grid={grid} line={line} selected={selected} />
        </div>
      </Box>
    </Box>
  );
}
