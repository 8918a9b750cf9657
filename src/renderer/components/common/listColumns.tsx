import type { ColumnDef } from '@tanstack/react-table';
import type { ReactNode } from 'react';
import { DateCell, probeAll } from '../table/cells';

/** A date-and-time column: sorted by its ISO text, shown local, never cut. */
export function dateColumn<T>(id: string, header: string, iso: (row: T) => string): ColumnDef<T> {
  return { id, header, accessorFn: iso, cell: (c) => <DateCell iso={iso(c.row.original)} />, meta: { keepWhole: true } };
}

/** A column of badges for a value from a fixed set; sized to the widest badge of the set, never cut. */
export function badgeColumn<T, V extends string>(
  id: string,
  header: string,
  value: (row: T) => V,
  options: readonly V[],
  badge: (value: V) => ReactNode,
): ColumnDef<T> {
  return {
    id,
    header,
    accessorFn: value,
    cell: (c) => badge(value(c.row.original)),
    meta: { keepWhole: true, probe: probeAll(options.map(badge)) },
  };
}
