import { Alert, Box, Button, EmptyState, Group, Loader } from '@mantine/core';
import { Cable, CircleAlert, MousePointerClick } from 'lucide-react';
import type { ReactNode } from 'react';
import type { Profile } from '../../shared/contract/index';
import { navigate } from '../router';
import { useAppStore, useCurrentProfile } from '../state/appStore';
import { SandboxPanel } from './sandbox/SandboxPanel';
import { useFirstRunSandboxStarting } from './sandbox/sandboxStore';

/** First-run state: nothing can be done before a profile (or a local sandbox) exists. */
export function NoProfilesState() {
  return (
    <EmptyState
      mt="xl"
      icon={<Cable size={28} />}
      title="Create a connection profile or start a local sandbox"
      description="A profile says how to reach a SysNDD database (MySQL host, user, optional SSH jump host) and whether it is development, staging or production. A sandbox is a private local MariaDB or MySQL you can experiment on safely."
      data-testid="empty-no-profiles"
    >
      <Group justify="center" mt="md">
        <Button leftSection={<Cable size={16} />} onClick={() => navigate('connections')} data-testid="empty-go-connections">
          Open Connections
        </Button>
      </Group>
      <Box maw={640} mx="auto" mt="lg">
        <SandboxPanel firstRun />
      </Box>
    </EmptyState>
  );
}

/**
 * Whether to show the first-run state: no profile yet, or a sandbox start from that state still running
 * (its profile exists before its migrations and sample data do).
 */
export function useShowFirstRun(): boolean {
  const count = useAppStore((s) => s.profiles.length);
  const sandboxStarting = useFirstRunSandboxStarting();
  return count === 0 || sandboxStarting;
}

/**
 * Renders `children(profile)` when a profile is selected; otherwise tells the person what to do first
 * (create one, or pick one in the header). Pages that work on a database wrap their content in it.
 */
export function RequireProfile({ children }: { children: (profile: Profile) => ReactNode }) {
  const loaded = useAppStore((s) => s.profilesLoaded);
  const error = useAppStore((s) => s.profilesError);
  const firstRun = useShowFirstRun();
  const profile = useCurrentProfile();
  if (!loaded) return <Loader mt="xl" data-testid="profiles-loading" />;
  if (error)
    return (
      <Alert color="red" icon={<CircleAlert size={18} />} title="Could not load the profiles" data-testid="profiles-error">
        {error}
      </Alert>
    );
  if (firstRun) return <NoProfilesState />;
  if (!profile)
    return (
      <EmptyState
        mt="xl"
        icon={<MousePointerClick size={28} />}
        title="Choose a profile"
        description="Pick the database to work on in the profile switcher at the top. Production profiles are never selected for you."
        data-testid="empty-choose-profile"
      />
    );
  return <>{children(profile)}</>;
}
