import { SegmentedControl, type SegmentedControlProps } from '@mantine/core';

export interface SegmentOption<V extends string> {
  value: V;
  label: string;
  /** Shown but not choosable (a source that is not set up). */
  disabled?: boolean;
}

interface ChoiceControlProps<V extends string> {
  value: V;
  /** NoInfer: V comes from the value and options, so a state setter fits here as it is. */
  onChange(value: NoInfer<V>): void;
  options: ReadonlyArray<SegmentOption<V>>;
  size?: SegmentedControlProps['size'];
  testId?: string;
  /** For a control with no visible label beside it. */
  ariaLabel?: string;
}

/** A SegmentedControl typed by its options: what it hands back is one of them, so no caller needs a cast. */
export function ChoiceControl<V extends string>({ value, onChange, options, size, testId, ariaLabel }: ChoiceControlProps<V>) {
  return (
    <SegmentedControl<V>
      size={size}
      value={value}
      onChange={onChange}
      // Mantine's data is a mutable array; the options stay read-only for the callers' constants.
      data={[...options]}
      aria-label={ariaLabel}
      data-testid={testId}
    />
  );
}
