import { Button, Group } from '@mantine/core';
import type { ReactNode } from 'react';
import { FilterTextInput } from './FilterTextInput';
import type { FilterValues, TableFilters } from './useTableFilters';

export interface FilterBarProps<F extends FilterValues<F>> {
  table: TableFilters<F>;
  /** Prefix of the test ids: the text box is `<prefix>-filter-text`. */
  testIdPrefix: string;
  textLabel?: string;
  textPlaceholder?: string;
  textWidth?: number;
  /** The page's Select filters, between the text box and "Clear filters". */
  children?: ReactNode;
  /** Shown at the right end of the bar (row density, a row count). */
  aside?: ReactNode;
}

/** The filter row above a list page's table: free text, the page's selects, "Clear filters" once any is set. */
export function FilterBar<F extends FilterValues<F>>({
  table,
  testIdPrefix,
  textLabel = 'Filter rows',
  textPlaceholder = 'any text shown',
  textWidth = 200,
  children,
  aside,
}: FilterBarProps<F>) {
  return (
    <Group gap="sm" align="flex-end" justify="space-between">
      <Group gap="sm" align="flex-end">
        <FilterTextInput
          label={textLabel}
          placeholder={textPlaceholder}
          value={table.text}
          onChange={table.setText}
          width={textWidth}
          testId={`${testIdPrefix}-filter-text`}
        />
        {children}
        {table.filtered && (
          <Button variant="subtle" onClick={table.clear}>
            Clear filters
          </Button>
        )}
      </Group>
      {aside}
    </Group>
  );
}
