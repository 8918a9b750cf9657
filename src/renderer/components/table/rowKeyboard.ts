import type { Virtualizer } from '@tanstack/react-virtual';
import { type KeyboardEvent, type RefObject, useState } from 'react';

interface RowKeyboardOptions<T> {
  /** How many rows there are in all, rendered or not. */
  count: number;
  /** The rows the virtualizer renders now. */
  visible: readonly { index: number }[];
  /** Brings a row that is not rendered yet into the DOM before it is focused. */
  virtualizer: Pick<Virtualizer<HTMLElement, Element>, 'scrollToIndex'>;
  scrollRef: RefObject<HTMLElement | null>;
  /** The element a row is (`tr` in a table), to focus once it is scrolled into the DOM; any by default. */
  rowSelector?: string;
  /** The keys that open a row: Enter in a table, Enter or Space in a list. */
  openKeys: readonly string[];
  onOpen?: (item: T) => void;
}

/**
 * Keyboard use of virtual rows, shared by DataTable and ListScaffold: one row is in the Tab order
 * (roving tabindex), ↑/↓ move between rows (scrolling a virtual one into the DOM first), the open
 * keys open the focused row.
 */
export function useRowKeyboard<T>(options: RowKeyboardOptions<T>) {
  const { count, visible, virtualizer, scrollRef, rowSelector = '', openKeys, onOpen } = options;
  const [activeIndex, setActiveIndex] = useState(0);
  const tabbable = visible.some((v) => v.index === activeIndex) ? activeIndex : (visible[0]?.index ?? 0);

  function onRowKeyDown(e: KeyboardEvent<HTMLElement>, index: number, item: T) {
    if (e.target !== e.currentTarget) return; // a checkbox or button inside the row keeps its own keys
    if (onOpen && openKeys.includes(e.key)) {
      e.preventDefault();
      onOpen(item);
      return;
    }
    const next = e.key === 'ArrowDown' ? index + 1 : e.key === 'ArrowUp' ? index - 1 : null;
    if (next === null || next < 0 || next >= count) return;
    e.preventDefault();
    virtualizer.scrollToIndex(next);
    requestAnimationFrame(() => scrollRef.current?.querySelector<HTMLElement>(`${rowSelector}[data-index="${next}"]`)?.focus());
  }

  return { tabbable, onRowFocus: setActiveIndex, onRowKeyDown };
}
