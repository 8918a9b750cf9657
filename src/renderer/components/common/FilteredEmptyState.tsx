import { EmptyState } from '@mantine/core';
import type { ReactNode } from 'react';

interface EmptyWording {
  title: string;
  description: string;
}

export interface FilteredEmptyStateProps {
  icon: ReactNode;
  /** Filters set: say nothing matches them (and how to see more) rather than that there is nothing yet. */
  filtered: boolean;
  whenFiltered: EmptyWording;
  whenEmpty: EmptyWording;
  'data-testid': string;
}

/** The empty state of a filterable list: "no match" while filtered, "nothing yet" (and what will appear) otherwise. */
export function FilteredEmptyState({ icon, filtered, whenFiltered, whenEmpty, ...props }: FilteredEmptyStateProps) {
  const wording = filtered ? whenFiltered : whenEmpty;
  return <EmptyState mt="lg" icon={icon} title={wording.title} description={wording.description} {...props} />;
}
