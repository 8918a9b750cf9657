import { Alert, Loader, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { CircleAlert } from 'lucide-react';
import { errorMessage } from '../api';
import { DemoJobCard } from '../components/about/DemoJobCard';
import { SystemCard } from '../components/about/SystemCard';
import { useCall } from '../hooks/useCall';

/**
 * About / Diagnostics: what support asks for (version, door, folders, secret store, Node, event-loop delay) and
 * the demo job. Kept off the Overview, which is for the database's state.
 */
export function AboutPage() {
  const system = useCall('system.info', {});
  return (
    <Stack gap="md">
      <Title order={2}>About and diagnostics</Title>
      <Text size="sm" c="dimmed">
        Facts about this console for support requests and bug reports.
      </Text>
      <SimpleGrid cols={{ base: 1, lg: 2 }}>
        {system.data ? (
          <SystemCard info={system.data} reload={system.reload} />
        ) : system.error ? (
          <Alert
            color="red"
            icon={<CircleAlert size={16} />}
            title="Could not reach the back end"
            data-testid="about-system-error"
          >
            {errorMessage(system.error)}
          </Alert>
        ) : (
          <Loader />
        )}
        <DemoJobCard />
      </SimpleGrid>
    </Stack>
  );
}
