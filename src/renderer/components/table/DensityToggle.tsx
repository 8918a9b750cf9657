import { ChoiceControl, type SegmentOption } from '../common/ChoiceControl';
import { type TableDensity, useTableDensity } from './density';

const DENSITIES: ReadonlyArray<SegmentOption<TableDensity>> = [
  { value: 'compact', label: 'Compact' },
  { value: 'comfortable', label: 'Comfortable' },
];

/** Compact (the default) or comfortable rows, for every table at once; remembered for this user. */
export function DensityToggle() {
  const density = useTableDensity((s) => s.density);
  const setDensity = useTableDensity((s) => s.setDensity);
  return (
    <ChoiceControl
      size="xs"
      value={density}
      onChange={setDensity}
      options={DENSITIES}
      ariaLabel="Row density"
      testId="table-density"
    />
  );
}
