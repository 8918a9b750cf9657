import { Text } from '@mantine/core';
import { ChoiceControl, type SegmentOption } from './ChoiceControl';

interface LabeledSegmentedControlProps<V extends string> {
  label: string;
  value: V;
  onChange(value: V): void;
  options: ReadonlyArray<SegmentOption<V>>;
  testId?: string;
}

/** A SegmentedControl with a field label above it (Mantine's control has none), styled like an input's label. */
export function LabeledSegmentedControl<V extends string>({
  label,
  value,
  onChange,
  options,
  testId,
}: LabeledSegmentedControlProps<V>) {
  return (
    <div>
      <Text size="sm" fw={500} mb={4}>
        {label}
      </Text>
      <ChoiceControl value={value} onChange={onChange} options={options} testId={testId} />
    </div>
  );
}
