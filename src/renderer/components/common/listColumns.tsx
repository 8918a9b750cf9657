import type { ColumnDef } from '@tanstack/react-table';
import type { ReactNode } from 'react';
import { DateCell, probeAll } from '../table/cells';

/** A date-and-time column: sorted by its ISO text, shown local, never cut. */
export function dateColumn<T>(id: string, header: string, iso: (row: T) => string): ColumnDef<T> {
  return { id, header, accessorFn: iso, cell: (c) => <DateCell iso={iso(c.row.original)} />, meta: { keepWhole: true } };
}

/**
 * A column of badges for a field whose value comes from a fixed set (a state, a result); the column's id
 * is the field's name. Sized to the widest badge of the set, never cut.
 */
export function badgeColumn<T, K extends keyof T & string>(
  field: K,
  header: string,
  options: readonly T[K][],
  badge: (value: T[K]) => ReactNode,
): ColumnDef<T> {
  return {
    id: field,
    header,
    accessorFn: (row) => row[field],
    cell: (c) => badge(c.row.original[field]),
    meta: { keepWhole: true, probe: probeAll(options.map(badge)) },
  };
}
