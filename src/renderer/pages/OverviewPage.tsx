import { Anchor, Badge, Card, Code, Group, Stack, Text, Title } from '@mantine/core';
import { KeyRound } from 'lucide-react';
import type { Profile } from '../../shared/contract/index';
import { PendingMigrationsBadge } from '../components/migrations/PendingMigrationsBadge';
import { ReadinessPanel } from '../components/overview/ReadinessPanel';
import { NoProfilesState, useShowFirstRun } from '../components/RequireProfile';
import { useCall } from '../hooks/useCall';
import { describeTarget } from '../shell/EnvironmentBanner';
import { useAppStore, useCurrentProfile } from '../state/appStore';
import { ENVIRONMENT_STYLE } from '../theme';

/** Without an OS keyring saved passwords die with the process: one line here, the details on About. */
function KeyringNotice() {
  const backend = useCall('system.info', {}).data?.secretBackend;
  if (!backend || backend.persistent) return null;
  return (
    <Group gap="xs" wrap="nowrap" data-testid="overview-keyring-notice">
      <KeyRound size={16} color="var(--mantine-color-yellow-8)" aria-hidden />
      <Text size="sm">Saved passwords are kept only until the console closes (no OS keyring).</Text>
      <Anchor href="#/about" size="sm" data-testid="overview-keyring-fix">
        How to fix
      </Anchor>
    </Group>
  );
}

function ProfileCard({ profile }: { profile: Profile | null }) {
  const count = useAppStore((s) => s.profiles.length);
  return (
    <Card withBorder data-testid="overview-profile">
      <Text fw={600} mb="xs">
        Current profile
      </Text>
      {profile ? (
        <Stack gap={6}>
          <Group gap="xs">
            <Text fw={500}>{profile.name}</Text>
            <Badge
              color={ENVIRONMENT_STYLE[profile.environment].color}
              variant={profile.environment === 'production' ? 'filled' : 'light'}
            >
              {profile.environment}
            </Badge>
          </Group>
          <Text size="sm">
            <Code>{describeTarget(profile)}</Code>
          </Text>
          <PendingMigrationsBadge profileId={profile.id} />
          {profile.ssh?.jump && (
            <Text size="sm" c="dimmed">
              Jump host: {profile.ssh.jump.user}@{profile.ssh.jump.host}:{profile.ssh.jump.port}
            </Text>
          )}
          <Text size="sm" c="dimmed">
            Stored secrets: {profile.secrets.length ? profile.secrets.join(', ') : 'none (you will be asked when needed)'}
          </Text>
        </Stack>
      ) : (
        <Text size="sm" c="dimmed">
          {count ? 'No profile selected: choose one at the top.' : 'No profiles yet.'}
        </Text>
      )}
    </Card>
  );
}

/**
 * The database's state at a glance: the readiness table with what to do first, then the profile. The
 * console's own internals (door, Node, event loop, demo job) live on the About page.
 */
export function OverviewPage() {
  const profile = useCurrentProfile();
  const loaded = useAppStore((s) => s.profilesLoaded);
  const firstRun = useShowFirstRun();
  return (
    <Stack gap="md">
      <Title order={2}>Overview</Title>
      <KeyringNotice />
      {loaded && firstRun && <NoProfilesState />}
      {profile && !firstRun && <ReadinessPanel key={profile.id} profile={profile} />}
      <ProfileCard profile={profile} />
    </Stack>
  );
}
