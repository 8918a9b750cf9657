import { SegmentedControl, Text } from '@mantine/core';

export interface SegmentOption<V extends string> {
  value: V;
  label: string;
}

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
      <SegmentedControl
        data-testid={testId}
        value={value}
        // The control only offers the options given, so its value is always one of V.
        onChange={(next) => onChange(next as V)}
        data={[...options]}
      />
    </div>
  );
}
