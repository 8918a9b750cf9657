import { EmptyState } from '@mantine/core';
import { Construction } from 'lucide-react';

/** Shown for a planned navigation entry whose page is not part of this build. */
export function NotAvailablePanel({ label }: { label: string }) {
  return (
    <EmptyState
      mt="xl"
      icon={<Construction size={28} />}
      title={`${label} is not available in this build yet`}
      description="This part of the console has not been added to this version. Everything it will do is also planned for the sysndd-admin CLI; see `sysndd-admin --help`."
      data-testid="page-not-available"
    />
  );
}
