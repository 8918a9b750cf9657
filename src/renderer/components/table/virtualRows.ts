import { useVirtualizer } from '@tanstack/react-virtual';
import { type RefObject, useEffect } from 'react';

/**
 * Fixed-height rows rendered only where the scroll box shows them (TanStack Virtual): 10,000 backups
 * keep a few dozen rows in the DOM. Shared by DataTable and ListScaffold so both scroll the same way.
 */
export function useVirtualRows(count: number, rowHeight: number, scrollRef: RefObject<HTMLElement | null>, overscan = 12) {
  const virtualizer = useVirtualizer({
    count,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => rowHeight,
    overscan,
  });
  // A density switch changes every row's height: drop the cached sizes so offsets follow.
  // biome-ignore lint/correctness/useExhaustiveDependencies: rowHeight is the trigger; estimateSize reads it.
  useEffect(() => {
    virtualizer.measure();
  }, [virtualizer, rowHeight]);
  const items = virtualizer.getVirtualItems();
  const first = items[0];
  const last = items[items.length - 1];
  return {
    virtualizer,
    items,
    /** Space above and below the rendered rows, so the scroll bar spans the whole list. */
    padTop: first ? first.start : 0,
    padBottom: last ? virtualizer.getTotalSize() - last.end : 0,
    totalSize: virtualizer.getTotalSize(),
  };
}
