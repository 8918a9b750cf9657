import { Alert, Badge, Button, Card, Code, Group, Loader, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { CircleAlert, Play, RefreshCw } from 'lucide-react';
import { useState } from 'react';
import type { Profile, SystemInfo } from '../../shared/contract/index';
import { call, errorMessage } from '../api';
import { PendingMigrationsBadge } from '../components/migrations/PendingMigrationsBadge';
import { ReadinessPanel } from '../components/overview/ReadinessPanel';
import { NoProfilesState, useShowFirstRun } from '../components/RequireProfile';
import { useCall } from '../hooks/useCall';
import { describeTarget } from '../shell/EnvironmentBanner';
import { useAppStore, useCurrentProfile } from '../state/appStore';
import { ENVIRONMENT_STYLE } from '../theme';

function SystemCard({ info, reload }: { info: SystemInfo; reload(): void }) {
  const rows: Array<[string, string]> = [
    ['Version', info.appVersion],
    ['Door', info.door],
    ['App-data folder', info.home],
    ['Secret store', `${info.secretBackend.name}${info.secretBackend.persistent ? '' : ' (not saved between runs)'}`],
    ['Node', info.node],
    ['Platform', info.platform],
    [
      'Event-loop delay',
      `p50 ${info.eventLoop.p50.toFixed(1)} ms · p99 ${info.eventLoop.p99.toFixed(1)} ms · max ${info.eventLoop.max.toFixed(1)} ms`,
    ],
  ];
  return (
    <Card withBorder data-testid="overview-system">
      <Group justify="space-between" mb="xs">
        <Text fw={600}>This console</Text>
        <Button size="compact-sm" variant="subtle" leftSection={<RefreshCw size={14} />} onClick={reload}>
          Refresh
        </Button>
      </Group>
      <Table withRowBorders={false} verticalSpacing={4}>
        <Table.Tbody>
          {rows.map(([label, value]) => (
            <Table.Tr key={label}>
              <Table.Td c="dimmed" w={150}>
                {label}
              </Table.Td>
              <Table.Td data-testid={`overview-system-${label.toLowerCase().replace(/[^a-z]+/g, '-')}`}>
                {label === 'App-data folder' ? <Code>{value}</Code> : value}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {info.secretBackend.warning && (
        <Alert mt="sm" color="yellow" icon={<CircleAlert size={16} />} data-testid="overview-secret-warning">
          {info.secretBackend.warning}
        </Alert>
      )}
    </Card>
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

function DemoJobCard() {
  const [starting, setStarting] = useState(false);
  const openDrawer = useAppStore((s) => s.setJobsDrawerOpen);
  const upsertJob = useAppStore((s) => s.upsertJob);
  async function runDemo() {
    setStarting(true);
    try {
      upsertJob(await call('jobs.demo', { steps: 40, stepMs: 150 }));
      openDrawer(true);
    } catch (err) {
      notifications.show({ color: 'red', title: 'Could not start the demo job', message: errorMessage(err) });
    } finally {
      setStarting(false);
    }
  }
  return (
    <Card withBorder>
      <Text fw={600} mb="xs">
        Jobs
      </Text>
      <Text size="sm" c="dimmed" mb="sm">
        Long operations (backups, restores, migrations, mail round trips) run as jobs with live progress, an ETA and a cancel
        button. A harmless demo job shows how that looks.
      </Text>
      <Button leftSection={<Play size={16} />} loading={starting} onClick={runDemo} data-testid="overview-run-demo">
        Run a demo job
      </Button>
    </Card>
  );
}

export function OverviewPage() {
  const system = useCall('system.info', {});
  const profile = useCurrentProfile();
  const loaded = useAppStore((s) => s.profilesLoaded);
  const firstRun = useShowFirstRun();
  return (
    <Stack gap="md">
      <Title order={2}>Overview</Title>
      {loaded && firstRun && <NoProfilesState />}
      {profile && !firstRun && <ReadinessPanel key={profile.id} profile={profile} />}
      <SimpleGrid cols={{ base: 1, lg: 2 }}>
        {system.data ? (
          <SystemCard info={system.data} reload={system.reload} />
        ) : system.error ? (
          <Alert
            color="red"
            icon={<CircleAlert size={16} />}
            title="Could not reach the back end"
            data-testid="overview-system-error"
          >
            {errorMessage(system.error)}
          </Alert>
        ) : (
          <Loader />
        )}
        <Stack gap="md">
          <ProfileCard profile={profile} />
          <DemoJobCard />
        </Stack>
      </SimpleGrid>
    </Stack>
  );
}
