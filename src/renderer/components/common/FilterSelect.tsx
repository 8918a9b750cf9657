import { type ComboboxData, Select } from '@mantine/core';
import { useAppStore } from '../../state/appStore';
import type { FilterValues, TableFilters } from './useTableFilters';

export interface FilterSelectProps<F extends FilterValues<F>, K extends keyof F> {
  table: TableFilters<F>;
  /** The filter this select sets; cleared, it is null again (any). */
  name: K;
  label: string;
  placeholder: string;
  /** The values offered; the filter's type (F[K]) must admit every one of them. */
  data: ComboboxData;
  w: number;
  searchable?: boolean;
  'data-testid': string;
}

/** One clearable select of a list page's filter bar, bound to one filter of useTableFilters. */
export function FilterSelect<F extends FilterValues<F>, K extends keyof F>({ table, name, ...props }: FilterSelectProps<F, K>) {
  return (
    <Select
      {...props}
      value={table.filters[name]}
      // The data offered are values of F[K] (see `data`), so what Mantine hands back is one of them.
      onChange={(v) => table.setFilter(name, v as F[K])}
      clearable
    />
  );
}

/** The "Profile" select of a filter bar: any saved profile, by name. */
export function ProfileFilterSelect<F extends FilterValues<F> & { profileId: string | null }>({
  table,
  'data-testid': testId,
}: {
  table: TableFilters<F>;
  'data-testid': string;
}) {
  const profiles = useAppStore((s) => s.profiles);
  return (
    <FilterSelect
      table={table}
      name="profileId"
      label="Profile"
      placeholder="Any profile"
      data={profiles.map((p) => ({ value: p.id, label: p.name }))}
      w={180}
      data-testid={testId}
    />
  );
}
