import { SegmentedControl } from '@mantine/core';
import { type TableDensity, useTableDensity } from './density';

/** Compact (the default) or comfortable rows, for every table at once; remembered for this user. */
export function DensityToggle() {
  const density = useTableDensity((s) => s.density);
  const setDensity = useTableDensity((s) => s.setDensity);
  return (
    <SegmentedControl
      size="xs"
      value={density}
      onChange={(v) => setDensity(v as TableDensity)}
      data={[
        { value: 'compact', label: 'Compact' },
        { value: 'comfortable', label: 'Comfortable' },
      ]}
      aria-label="Row density"
      data-testid="table-density"
    />
  );
}
