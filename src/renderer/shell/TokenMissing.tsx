import { Center, Code, EmptyState, Stack, Text } from '@mantine/core';
import { KeyRound } from 'lucide-react';

/** Browser mode opened without `#token=…` (e.g. a bookmark in a new tab): say how to get in. */
export function TokenMissing() {
  return (
    <Center h="100vh" p="md">
      <EmptyState
        icon={<KeyRound size={28} />}
        title="This console needs its access token"
        data-testid="token-missing"
        description={
          <Stack gap="xs" align="center">
            <Text size="sm">
              Open the full address printed by <Code>sysndd-admin serve</Code> or <Code>npm start</Code>. It ends with
              <Code>#token=…</Code>; the token stays in this tab only.
            </Text>
            <Text size="sm" c="dimmed">
              Each server start prints a new token, so old links stop working when the server restarts.
            </Text>
          </Stack>
        }
      />
    </Center>
  );
}
