import { Box, Table } from '@mantine/core';
import {
  type CellContext,
  type ColumnDef,
  type ColumnSizingState,
  flexRender,
  getCoreRowModel,
  getFilteredRowModel,
  getSortedRowModel,
  type Row,
  type SortingState,
  useReactTable,
} from '@tanstack/react-table';
import { type KeyboardEvent, useMemo, useRef, useState } from 'react';
import { useHiddenColumns } from './columnVisibility';
import { sizeColumns, useClientWidth, useContentWidths } from './columnWidths';
import { FONT_SIZE, ROW_HEIGHT, type TableDensity, useTableDensity } from './density';
import { HeaderCell } from './HeaderCell';
import { MiddleEllipsis } from './MiddleEllipsis';
import { useRowKeyboard } from './rowKeyboard';
import { useVirtualRows } from './virtualRows';
import './dataTable.css';

/** How many rows the content widths come from (about two screens of compact rows). */
const MEASURED_ROWS = 50;

type DataAttributes = Record<`data-${string}`, string | number | boolean | undefined>;

export interface DataTableProps<T> {
  /** Names the test ids: NAME-table (the scroll box, with data-count), NAME-sort-COLUMN, NAME-resize-COLUMN. */
  name: string;
  /** What the table lists, for screen readers ("Audit log"). */
  label: string;
  data: T[];
  /** Every column needs an id (sorting, sizing and test ids use it). */
  columns: ColumnDef<T>[];
  getRowId(row: NoInfer<T>): string;
  initialSorting?: SortingState;
  /** Quick filter: rows where any column's value contains this text (case-insensitive). */
  filter?: string;
  onRowClick?(row: NoInfer<T>): void;
  selectedId?: string | null;
  /** Extra attributes per row (test ids, states). */
  rowProps?(row: NoInfer<T>): DataAttributes;
  /** The scroll box's cap; the header stays visible while the rows scroll under it. */
  maxHeight?: number | string;
  /** Columns hidden until the person shows them (ColumnChooser with the same name; the choice is remembered). */
  defaultHidden?: readonly string[];
}

/** A column without its own cell shows its value middle-ellipsized, the whole value as the title. */
function DefaultCell<T>(ctx: CellContext<T, unknown>) {
  const value = ctx.getValue();
  const text = value === null || value === undefined || value === '' ? '—' : String(value);
  return <MiddleEllipsis text={text} />;
}

function matchesFilter<T>(row: Row<T>, columnId: string, needle: unknown): boolean {
  const value = row.getValue(columnId);
  return value !== null && value !== undefined && String(value).toLowerCase().includes(String(needle).toLowerCase());
}

/** The table model: sorting, quick filter, content-sized and user-resized columns (TanStack Table). */
function useTableModel<T>(props: DataTableProps<T>, density: TableDensity) {
  const { data, columns, filter = '' } = props;
  const [sorting, setSorting] = useState<SortingState>(props.initialSorting ?? []);
  const [columnSizing, setColumnSizing] = useState<ColumnSizingState>({});
  const hiddenIds = useHiddenColumns(props.name, props.defaultHidden);
  const hidden = useMemo(() => new Set(hiddenIds), [hiddenIds]);
  const columnVisibility = useMemo(() => Object.fromEntries(hiddenIds.map((id) => [id, false])), [hiddenIds]);
  const scrollRef = useRef<HTMLDivElement>(null);
  const tableRef = useRef<HTMLTableElement>(null);
  const available = useClientWidth(scrollRef);
  const columnKey = columns
    .map((c) => c.id)
    .filter((id) => !hidden.has(id ?? ''))
    .join(',');
  // Measured again when rows come or go (a new backup, a filter), not on every progress update.
  const { measuring, widths } = useContentWidths(tableRef, `${density}:${columnKey}:${data.length}`, data.length > 0);
  const sized = useMemo(
    () => sizeColumns(columns, widths, available, columnSizing, hidden),
    [columns, widths, available, columnSizing, hidden],
  );
  const table = useReactTable({
    data,
    columns: sized,
    defaultColumn: { cell: DefaultCell },
    state: { sorting, globalFilter: filter, columnSizing, columnVisibility },
    onSortingChange: setSorting,
    onColumnSizingChange: setColumnSizing,
    enableColumnResizing: true,
    columnResizeMode: 'onChange',
    globalFilterFn: matchesFilter,
    getColumnCanGlobalFilter: () => true,
    getCoreRowModel: getCoreRowModel(),
    getSortedRowModel: getSortedRowModel(),
    getFilteredRowModel: getFilteredRowModel(),
    getRowId: props.getRowId,
  });
  return { table, measuring, scrollRef, tableRef };
}

/** Empty space standing for the rows above or below the rendered window (keeps the scroll bar honest). */
function SpacerRow({ height, colSpan }: { height: number; colSpan: number }) {
  if (height <= 0) return null;
  return (
    <tr aria-hidden style={{ height }}>
      <td colSpan={colSpan} style={{ padding: 0, border: 0 }} />
    </tr>
  );
}

interface DataRowProps<T> {
  row: Row<T>;
  index: number;
  height: number;
  tabbable: boolean;
  selected: boolean;
  onOpen?(row: T): void;
  onFocus(): void;
  onKeyDown(e: KeyboardEvent<HTMLTableRowElement>): void;
  extra?: DataAttributes;
}

function DataRow<T>({ row, index, height, tabbable, selected, onOpen, onFocus, onKeyDown, extra }: DataRowProps<T>) {
  return (
    <tr
      className="dt-row"
      data-index={index}
      aria-rowindex={index + 2}
      data-odd={index % 2 === 1 || undefined}
      data-clickable={onOpen ? true : undefined}
      data-selected={selected || undefined}
      tabIndex={tabbable ? 0 : -1}
      onFocus={onFocus}
      style={{ height }}
      onClick={onOpen ? () => onOpen(row.original) : undefined}
      onKeyDown={onKeyDown}
      {...extra}
    >
      {row.getVisibleCells().map((cell) => (
        <td key={cell.id} style={{ textAlign: cell.column.columnDef.meta?.align ?? 'left' }}>
          {flexRender(cell.column.columnDef.cell, cell.getContext())}
        </td>
      ))}
    </tr>
  );
}

/**
 * The console's one table: sort (click a header), quick filter, drag-resizable columns sized to their
 * content, compact or comfortable rows (one setting for every table), values cut in the middle with the
 * whole text on hover and on a focused row, and virtual rows so 10,000 entries scroll smoothly.
 * TanStack Table does the model, TanStack Virtual the windowing; the layout is a real <table>.
 */
export function DataTable<T>(props: DataTableProps<T>) {
  const { name, filter = '', onRowClick, selectedId, rowProps, maxHeight = 'min(70vh, 640px)' } = props;
  const density = useTableDensity((s) => s.density);
  const rowHeight = ROW_HEIGHT[density];
  const { table, measuring, scrollRef, tableRef } = useTableModel(props, density);
  const rows = table.getRowModel().rows;
  const { virtualizer, items, padTop, padBottom } = useVirtualRows(rows.length, rowHeight, scrollRef);
  const colSpan = table.getVisibleLeafColumns().length;
  // The measuring pass sizes columns from the first rows whatever the virtualizer shows: on the first
  // render it has not seen its scroll box yet and would offer no rows, leaving only the headers to size by.
  const shownIndexes = measuring ? rows.slice(0, MEASURED_ROWS).map((_, i) => i) : items.map((item) => item.index);
  const { tabbable, onRowFocus, onRowKeyDown } = useRowKeyboard({
    count: rows.length,
    visible: items,
    virtualizer,
    scrollRef,
    rowSelector: 'tr',
    openKeys: ['Enter'],
    onOpen: onRowClick,
  });

  return (
    <Box
      ref={scrollRef}
      style={{ maxHeight, overflow: 'auto', border: '1px solid var(--mantine-color-default-border)', borderRadius: 4 }}
      data-testid={`${name}-table`}
      data-count={rows.length}
      data-density={density}
      data-measuring={measuring || undefined}
    >
      <Table
        ref={tableRef}
        className="dt-table"
        data-density={density}
        layout={measuring ? 'auto' : 'fixed'}
        aria-label={props.label}
        aria-rowcount={rows.length + 1}
        fz={FONT_SIZE[density]}
        tabularNums
        style={{ width: measuring ? 'max-content' : table.getTotalSize() }}
      >
        <thead>
          {table.getHeaderGroups().map((group) => (
            <tr key={group.id} style={{ height: rowHeight + 4 }}>
              {group.headers.map((header) => (
                <HeaderCell key={header.id} header={header} name={name} measuring={measuring} />
              ))}
            </tr>
          ))}
        </thead>
        <tbody>
          {measuring && (
            <tr aria-hidden data-probe style={{ visibility: 'hidden' }}>
              {table.getVisibleLeafColumns().map((column) => (
                <td key={column.id}>{column.columnDef.meta?.probe ?? null}</td>
              ))}
            </tr>
          )}
          {!measuring && <SpacerRow height={padTop} colSpan={colSpan} />}
          {shownIndexes.map((index) => {
            const row = rows[index];
            if (!row) return null;
            return (
              <DataRow
                key={row.id}
                row={row}
                index={index}
                height={rowHeight}
                tabbable={index === tabbable}
                selected={selectedId === row.id}
                onOpen={onRowClick}
                onFocus={() => onRowFocus(index)}
                onKeyDown={(e) => onRowKeyDown(e, index, row.original)}
                extra={rowProps?.(row.original)}
              />
            );
          })}
          {rows.length === 0 && (
            <tr data-testid={`${name}-no-match`}>
              <td colSpan={colSpan} style={{ height: rowHeight * 2, textAlign: 'center', color: 'var(--mantine-color-dimmed)' }}>
                {filter ? `No row contains “${filter}”.` : 'Nothing to show.'}
              </td>
            </tr>
          )}
          {!measuring && <SpacerRow height={padBottom} colSpan={colSpan} />}
        </tbody>
      </Table>
    </Box>
  );
}
