import { Group, Text } from '@mantine/core';
import { ShieldAlert, TriangleAlert } from 'lucide-react';
import type { Profile } from '../../shared/contract/index';
import { ENVIRONMENT_STYLE } from '../theme';

export function describeTarget(profile: Profile): string {
  const db = profile.mysql.database ? `/${profile.mysql.database}` : '';
  const via = profile.ssh ? ` via SSH ${profile.ssh.user}@${profile.ssh.host}` : '';
  return `${profile.mysql.user}@${profile.mysql.host}:${profile.mysql.port}${db}${via}`;
}

/**
 * Full-width strip above the toolbar naming the profile and its server. Production is solid red with
 * white bold text so nobody mistakes it for a sandbox; staging is orange; development is a quiet grey.
 */
export function EnvironmentBanner({ profile }: { profile: Profile }) {
  const style = ENVIRONMENT_STYLE[profile.environment];
  const loud = profile.environment !== 'development';
  const Icon = profile.environment === 'production' ? ShieldAlert : TriangleAlert;
  return (
    <Group
      gap="xs"
      px="md"
      h={32}
      wrap="nowrap"
      data-testid="environment-banner"
      data-environment={profile.environment}
      style={{ background: style.background, color: loud ? 'white' : 'var(--mantine-color-gray-8)' }}
    >
      {loud && <Icon size={18} aria-hidden />}
      <Text fw={loud ? 800 : 500} size="sm" style={{ letterSpacing: loud ? 1 : 0 }}>
        {style.label}
      </Text>
      <Text size="sm" fw={loud ? 600 : 400} truncate>
        {profile.name} — {describeTarget(profile)}
      </Text>
      {profile.environment === 'production' && (
        <Text size="sm" fw={700} ml="auto" style={{ whiteSpace: 'nowrap' }}>
          Changes here affect the live SysNDD database
        </Text>
      )}
    </Group>
  );
}
