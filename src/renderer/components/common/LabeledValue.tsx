import { Text } from '@mantine/core';
import type { ReactNode } from 'react';

interface LabeledValueProps {
  label: ReactNode;
  children: ReactNode;
  testId?: string;
  /** Weight of the value: 500 where the values are the result the page is about. */
  fw?: number;
  /** Paths, checksums and file names are long unbroken strings: let them wrap anywhere. */
  breakAll?: boolean;
}

/** One fact of a details grid: a small dimmed label above its value. */
export function LabeledValue({ label, children, testId, fw, breakAll = false }: LabeledValueProps) {
  return (
    <div>
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Text size="sm" fw={fw} style={breakAll ? { wordBreak: 'break-all' } : undefined} data-testid={testId}>
        {children}
      </Text>
    </div>
  );
}
