import { Group, UnstyledButton } from '@mantine/core';
import { flexRender, type Header } from '@tanstack/react-table';
import { ArrowDown, ArrowUp } from 'lucide-react';
import type { KeyboardEvent } from 'react';

const RESIZE_STEP = 16;

function label<T>(header: Header<T, unknown>): string {
  const h = header.column.columnDef.header;
  return typeof h === 'string' && h ? h : header.column.id;
}

function ariaSort(sorted: false | 'asc' | 'desc'): 'ascending' | 'descending' | 'none' {
  return sorted === 'asc' ? 'ascending' : sorted === 'desc' ? 'descending' : 'none';
}

/**
 * The drag handle on a header's right edge: drag (mouse or touch), double-click to fit the content
 * again, or focus it and press ←/→ (the keyboard way to resize a column).
 */
function ResizeHandle<T>({ header, name }: { header: Header<T, unknown>; name: string }) {
  const column = header.column;
  const resize = header.getResizeHandler();
  function onKeyDown(e: KeyboardEvent) {
    if (e.key !== 'ArrowLeft' && e.key !== 'ArrowRight') return;
    e.preventDefault();
    const next = column.getSize() + (e.key === 'ArrowRight' ? RESIZE_STEP : -RESIZE_STEP);
    header.getContext().table.setColumnSizing((s) => ({ ...s, [column.id]: next }));
  }
  return (
    // biome-ignore lint/a11y/useSemanticElements: an <hr> cannot be dragged or focused; this is the WAI-ARIA focusable separator (window splitter) pattern.
    <div
      role="separator"
      aria-orientation="vertical"
      aria-label={`Resize column ${label(header)}`}
      aria-valuenow={Math.round(column.getSize())}
      aria-valuemin={column.columnDef.minSize ?? 0}
      aria-valuemax={4000}
      tabIndex={0}
      className="dt-resizer"
      data-resizing={column.getIsResizing() || undefined}
      data-testid={`${name}-resize-${column.id}`}
      onMouseDown={resize}
      onTouchStart={resize}
      onDoubleClick={() => column.resetSize()}
      onKeyDown={onKeyDown}
      onClick={(e) => e.stopPropagation()}
    />
  );
}

/** A header: the label as a sort button (aria-sort on the cell), and the resize handle. */
export function HeaderCell<T>({ header, name, measuring }: { header: Header<T, unknown>; name: string; measuring: boolean }) {
  const column = header.column;
  const sorted = column.getIsSorted();
  const content = flexRender(column.columnDef.header, header.getContext());
  const align = column.columnDef.meta?.align === 'right' ? 'flex-end' : 'flex-start';
  return (
    <th
      data-column-id={column.id}
      aria-sort={column.getCanSort() ? ariaSort(sorted) : undefined}
      style={{ width: measuring ? undefined : header.getSize(), position: 'sticky' }}
    >
      {column.getCanSort() ? (
        <UnstyledButton
          onClick={column.getToggleSortingHandler()}
          fw={600}
          fz="inherit"
          w="100%"
          data-testid={`${name}-sort-${column.id}`}
          title={`Sort by ${label(header)}`}
        >
          <Group gap={2} wrap="nowrap" justify={align}>
            <span style={{ overflow: 'hidden', textOverflow: 'ellipsis' }}>{content}</span>
            {/* The arrow's slot is always there, so sorting never changes a column's measured width. */}
            <span style={{ width: 11, flex: '0 0 11px', display: 'inline-flex' }} aria-hidden>
              {sorted === 'asc' && <ArrowUp size={11} />}
              {sorted === 'desc' && <ArrowDown size={11} />}
            </span>
          </Group>
        </UnstyledButton>
      ) : (
        content
      )}
      {column.getCanResize() && <ResizeHandle header={header} name={name} />}
    </th>
  );
}
