import type { ColumnDef, ColumnSizingState, RowData } from '@tanstack/react-table';
import { type ReactNode, type RefObject, useEffect, useLayoutEffect, useState } from 'react';

declare module '@tanstack/react-table' {
  interface ColumnMeta<TData extends RowData, TValue> {
    /** Takes the width the other columns leave (one per table: the long free text, e.g. a name). */
    grow?: boolean;
    /** Never narrower than its content (state badges, dates): "SUCCEEDED", not "S…". */
    keepWhole?: boolean;
    /**
     * Every wide value the column can show (all its badges), measured with the rows, so a state that
     * appears later (a verify that ends, a row further down) still fits. Use probeAll().
     */
    probe?: ReactNode;
    /** Widest the column starts at, however long its longest value (the rest ellipsizes). */
    maxWidth?: number;
    align?: 'left' | 'right';
  }
}

/** A free-text column starts no wider than this; a drag makes it as wide as anyone wants. */
export const MAX_AUTO_WIDTH = 360;
export const MIN_COLUMN_WIDTH = 36;
/** The grow column (a name) is never squeezed below this to make the table fit; the table scrolls instead. */
export const GROW_MIN = 220;

/**
 * Columns sized to their content, like TablePlus: one render with `table-layout: auto` and unwrapped
 * cells lets the browser size every column to its widest visible value and header; those widths are
 * read before paint and the table switches to fixed layout (which makes drag-resizing exact). Measured
 * again when the key changes (density, the set of columns, the first rows arriving).
 */
export function useContentWidths(tableRef: RefObject<HTMLTableElement | null>, key: string, haveRows: boolean) {
  const [measured, setMeasured] = useState<{ key: string; widths: Record<string, number> } | null>(null);
  const measuring = haveRows && measured?.key !== key;
  useLayoutEffect(() => {
    const table = tableRef.current;
    if (!measuring || !table) return;
    const widths: Record<string, number> = {};
    for (const th of table.querySelectorAll<HTMLElement>('thead th[data-column-id]')) {
      const id = th.dataset.columnId;
      if (id) widths[id] = Math.ceil(th.getBoundingClientRect().width);
    }
    setMeasured({ key, widths });
  }, [measuring, key, tableRef]);
  return { measuring, widths: measured?.widths ?? null };
}

/** The scroll box's inner width, followed as the window or a side panel changes it. */
export function useClientWidth(ref: RefObject<HTMLElement | null>): number {
  const [width, setWidth] = useState(0);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    setWidth(el.clientWidth);
    const observer = new ResizeObserver(() => setWidth(el.clientWidth));
    observer.observe(el);
    return () => observer.disconnect();
  }, [ref]);
  return width;
}

/**
 * A cut-in-the-middle column (free text with its whole value as the title, not keepWhole) gives up
 * width down to this before the table scrolls sideways.
 */
export const SHRINK_MIN = 72;

/** Takes `deficit` px from the shrinkable columns, in proportion to what each has above SHRINK_MIN. */
function shrinkToFit<T>(columns: ColumnDef<T>[], shrinkable: (c: ColumnDef<T>) => boolean, deficit: number): ColumnDef<T>[] {
  const slack = (c: ColumnDef<T>) => (shrinkable(c) ? Math.max(0, (c.size ?? 0) - SHRINK_MIN) : 0);
  const total = columns.reduce((sum, c) => sum + slack(c), 0);
  if (total <= 0 || deficit <= 0) return columns;
  const share = Math.min(1, deficit / total);
  return columns.map((c) => (slack(c) > 0 ? { ...c, size: Math.floor((c.size ?? 0) - slack(c) * share) } : c));
}

/**
 * The column definitions with their measured sizes: free text capped at maxWidth, keepWhole columns
 * never below their content, and the grow column (until someone resizes it) filling the width left
 * (its content may be longer: it is cut in the middle, with the whole text as the title). When the
 * others leave the grow column less than GROW_MIN, the cut-in-the-middle columns give up width first
 * (down to SHRINK_MIN each); only then does the table scroll sideways. Hidden columns take no width.
 */
export function sizeColumns<T>(
  columns: ColumnDef<T>[],
  widths: Record<string, number> | null,
  available: number,
  userSizes: ColumnSizingState,
  hidden: ReadonlySet<string> = new Set(),
): ColumnDef<T>[] {
  if (!widths) return columns;
  let sized = columns.map((c): ColumnDef<T> => {
    const measured = widths[c.id ?? ''];
    if (measured === undefined) return c;
    const size = c.meta?.keepWhole ? measured : Math.min(c.meta?.maxWidth ?? MAX_AUTO_WIDTH, measured);
    return { ...c, size, minSize: c.meta?.keepWhole ? measured : MIN_COLUMN_WIDTH };
  });
  const grow = sized.find((c) => c.meta?.grow && userSizes[c.id ?? ''] === undefined);
  if (!grow) return sized;
  const shown = (c: ColumnDef<T>) => !hidden.has(c.id ?? '');
  const widthOf = (c: ColumnDef<T>) => userSizes[c.id ?? ''] ?? c.size ?? MAX_AUTO_WIDTH;
  const othersWidth = () => sized.filter((c) => c.id !== grow.id && shown(c)).reduce((sum, c) => sum + widthOf(c), 0);
  const growFloor = Math.min(GROW_MIN, grow.size ?? GROW_MIN);
  const deficit = othersWidth() + growFloor - available;
  if (available > 0 && deficit > 0) {
    const shrinkable = (c: ColumnDef<T>) =>
      c.id !== grow.id && shown(c) && !c.meta?.keepWhole && c.enableResizing !== false && userSizes[c.id ?? ''] === undefined;
    sized = shrinkToFit(sized, shrinkable, deficit);
  }
  // The grow column takes exactly what is left, so the table fits its box without a horizontal scroll
  // bar; only when the others leave less than GROW_MIN does the table scroll sideways.
  const growSize = Math.max(growFloor, Math.floor(available - othersWidth()));
  return sized.map((c) => (c.id === grow.id ? { ...c, size: growSize } : c));
}
