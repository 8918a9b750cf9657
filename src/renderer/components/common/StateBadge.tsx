import { Badge } from '@mantine/core';

/** How a run ended, coloured alike wherever it shows: job states and audit results share these words. */
export const ENDING_COLOR = { succeeded: 'green', failed: 'red', cancelled: 'yellow' } as const;

/** A state word in a light badge of its state's colour (a job's state, an audited action's result). */
export function StateBadge<S extends string>({ state, colors, testId }: { state: S; colors: Record<S, string>; testId: string }) {
  return (
    <Badge color={colors[state]} variant="light" data-testid={testId}>
      {state}
    </Badge>
  );
}
