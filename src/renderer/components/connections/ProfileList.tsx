import { Badge, Box, ColorSwatch, Group, Stack, Text, UnstyledButton } from '@mantine/core';
import type { Profile } from '../../../shared/contract/profiles';

const ENV_COLOR = { development: 'gray', staging: 'orange', production: 'red' } as const;

export function targetOf(p: Profile): string {
  const db = `${p.mysql.user}@${p.mysql.host}:${p.mysql.port}${p.mysql.database ? `/${p.mysql.database}` : ''}`;
  return p.ssh ? `${db} via ${p.ssh.host}${p.ssh.jump ? ` (jump ${p.ssh.jump.host})` : ''}` : db;
}

/** Saved profiles, production first so it is never overlooked; the selected one is highlighted. */
export function ProfileList({
  profiles,
  selectedId,
  onSelect,
}: {
  profiles: Profile[];
  selectedId: string | null;
  onSelect(id: string): void;
}) {
  const order = { production: 0, staging: 1, development: 2 } as const;
  const sorted = [...profiles].sort((a, b) => order[a.environment] - order[b.environment] || a.name.localeCompare(b.name));
  return (
    <Stack gap={4} data-testid="connections-list">
      {sorted.map((p) => (
        <UnstyledButton
          key={p.id}
          onClick={() => onSelect(p.id)}
          data-testid={`connections-item-${p.id}`}
          data-name={p.name}
          data-selected={p.id === selectedId ? 'true' : 'false'}
          p="xs"
          style={{
            borderRadius: 6,
            border: `1px solid ${p.id === selectedId ? 'var(--mantine-color-blue-5)' : 'var(--mantine-color-gray-3)'}`,
            background: p.id === selectedId ? 'var(--mantine-color-blue-0)' : undefined,
          }}
        >
          <Group gap="xs" wrap="nowrap">
            {p.color ? <ColorSwatch color={p.color} size={14} /> : <Box w={14} />}
            <Box style={{ flex: 1, minWidth: 0 }}>
              <Group gap={6} wrap="nowrap">
                <Text fw={600} size="sm" truncate>
                  {p.name}
                </Text>
                <Badge size="xs" color={ENV_COLOR[p.environment]} variant={p.environment === 'production' ? 'filled' : 'light'}>
                  {p.environment}
                </Badge>
              </Group>
              <Text size="xs" c="dimmed" truncate>
                {targetOf(p)}
              </Text>
            </Box>
          </Group>
        </UnstyledButton>
      ))}
    </Stack>
  );
}
