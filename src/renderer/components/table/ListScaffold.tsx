import { type ReactNode, useRef } from 'react';
import { useRowKeyboard } from './rowKeyboard';
import { useVirtualRows } from './virtualRows';
import './dataTable.css';

type DataAttributes = Record<`data-${string}`, string | number | boolean | undefined>;

export interface ListScaffoldProps<T> {
  /** What the list holds, for screen readers ("Migration files"). */
  label: string;
  items: T[];
  getKey(item: T): string;
  rowHeight: number;
  renderRow(item: T, state: { selected: boolean }): ReactNode;
  selectedKey?: string | null;
  onOpen?(item: T): void;
  /** A fixed height (a pane beside a viewer) or a cap (the list is as tall as its rows up to it). */
  height?: number;
  maxHeight?: number;
  testId?: string;
  rowProps?(item: T): DataAttributes;
}

/**
 * The console's one virtual list (mail messages, migration files): rows of a fixed height rendered
 * only where visible, a selected row, click or Enter to open, ↑/↓ between rows with one row in the Tab
 * order. Tables with columns use DataTable, which shares the windowing (useVirtualRows).
 */
export function ListScaffold<T>(props: ListScaffoldProps<T>) {
  const { items, getKey, rowHeight, renderRow, selectedKey, onOpen, height, maxHeight, rowProps } = props;
  const scrollRef = useRef<HTMLDivElement>(null);
  const { virtualizer, items: visible, totalSize } = useVirtualRows(items.length, rowHeight, scrollRef);
  const { tabbable, onRowFocus, onRowKeyDown } = useRowKeyboard({
    count: items.length,
    visible,
    virtualizer,
    scrollRef,
    openKeys: ['Enter', ' '],
    onOpen,
  });

  return (
    <div ref={scrollRef} style={{ height, maxHeight, overflowY: 'auto' }} data-testid={props.testId} data-count={items.length}>
      <ul aria-label={props.label} style={{ height: totalSize, position: 'relative', margin: 0, padding: 0, listStyle: 'none' }}>
        {visible.map((v) => {
          const item = items[v.index];
          if (item === undefined) return null;
          const key = getKey(item);
          const selected = key === selectedKey;
          return (
            <li
              key={key}
              className="vl-row"
              data-index={v.index}
              data-selected={selected || undefined}
              aria-current={selected || undefined}
              tabIndex={v.index === tabbable ? 0 : -1}
              onFocus={() => onRowFocus(v.index)}
              onClick={onOpen ? () => onOpen(item) : undefined}
              onKeyDown={(e) => onRowKeyDown(e, v.index, item)}
              style={{
                position: 'absolute',
                top: 0,
                left: 0,
                width: '100%',
                height: rowHeight,
                transform: `translateY(${v.start}px)`,
                cursor: onOpen ? 'pointer' : undefined,
                background: selected ? 'var(--mantine-primary-color-light)' : undefined,
              }}
              {...rowProps?.(item)}
            >
              {renderRow(item, { selected })}
            </li>
          );
        })}
      </ul>
    </div>
  );
}
