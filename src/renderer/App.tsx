import { AppShell, Burger, Group, NavLink, ScrollArea, Text, Title } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { Stethoscope } from 'lucide-react';
import { useEffect, useMemo } from 'react';
import { useRoutePath } from './router';
import { routes } from './routes';
import { ActorMenu } from './shell/ActorMenu';
import { EnvironmentBanner } from './shell/EnvironmentBanner';
import { ErrorBoundary } from './shell/ErrorBoundary';
import { JobsDrawer, JobsDrawerButton } from './shell/JobsDrawer';
import { NotAvailablePanel } from './shell/NotAvailablePanel';
import { buildNav } from './shell/navigation';
import { ProfileSwitcher } from './shell/ProfileSwitcher';
import { startAppSync, useCurrentProfile } from './state/appStore';

const TOOLBAR_HEIGHT = 56;
const BANNER_HEIGHT = 32;

/** The console frame: environment banner, toolbar (profile switcher, jobs), navigation, current page. */
export function App() {
  const [navOpen, { toggle: toggleNav, close: closeNav }] = useDisclosure(false);
  const path = useRoutePath();
  const profile = useCurrentProfile();
  const nav = useMemo(() => buildNav(routes), []);
  const current = nav.find((n) => n.path === path) ?? nav[0]!;

  useEffect(() => startAppSync(), []);
  useEffect(() => {
    document.title = profile ? `${current.label} · ${profile.name} · SysNDD Admin` : `${current.label} · SysNDD Admin`;
  }, [current.label, profile]);

  const Page = current.route?.component;
  return (
    <AppShell
      header={{ height: TOOLBAR_HEIGHT + (profile ? BANNER_HEIGHT : 0) }}
      navbar={{ width: 220, breakpoint: 'sm', collapsed: { mobile: !navOpen } }}
      padding="md"
    >
      <AppShell.Header>
        {profile && <EnvironmentBanner profile={profile} />}
        <Group h={TOOLBAR_HEIGHT} px="md" justify="space-between" wrap="nowrap">
          <Group gap="xs" wrap="nowrap">
            <Burger opened={navOpen} onClick={toggleNav} hiddenFrom="sm" size="sm" aria-label="Toggle navigation" />
            <Stethoscope size={22} aria-hidden />
            <Title order={4} style={{ whiteSpace: 'nowrap' }}>
              SysNDD Admin
            </Title>
          </Group>
          <Group gap="sm" wrap="nowrap">
            <ProfileSwitcher />
            <JobsDrawerButton />
            <ActorMenu />
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="xs" data-testid="navbar">
        <ScrollArea>
          {nav.map((item) => (
            <NavLink
              key={item.path}
              href={`#/${item.path}`}
              label={item.label}
              leftSection={<item.icon size={18} aria-hidden />}
              active={item.path === current.path}
              onClick={closeNav}
              data-testid={`nav-${item.path}`}
              rightSection={
                item.route ? undefined : (
                  <Text size="xs" c="dimmed">
                    soon
                  </Text>
                )
              }
            />
          ))}
        </ScrollArea>
      </AppShell.Navbar>
      <AppShell.Main data-testid={`page-${current.path}`}>
        <ErrorBoundary resetKey={current.path}>{Page ? <Page /> : <NotAvailablePanel label={current.label} />}</ErrorBoundary>
      </AppShell.Main>
      <JobsDrawer />
    </AppShell>
  );
}
