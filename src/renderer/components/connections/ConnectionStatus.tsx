import { Badge, Group, Text } from '@mantine/core';
import { useEffect, useState } from 'react';
import type { PoolStats, ConnectionStatus as Status } from '../../../shared/contract/connections';
import type { ConnectionState } from '../../../shared/contract/events';
import { api, call } from '../../api';

const COLORS: Record<ConnectionState, string> = {
  disconnected: 'gray',
  connecting: 'blue',
  connected: 'green',
  reconnecting: 'orange',
  failed: 'red',
};

/**
 * Live tunnel/connection state of a profile (connected / reconnecting / failed) from `connection.state`
 * events, with the pool figures refreshed on every change. An edit of the profile (`updatedAt`, or any
 * `profiles.changed`) reloads too: the main process drops a link made with the old settings, so the line
 * never says "connected · direct" for a profile that now goes through SSH.
 */
export function ConnectionStatus({ profileId, updatedAt }: { profileId: string; updatedAt: string }) {
  const [status, setStatus] = useState<Status | null>(null);
  const [pool, setPool] = useState<PoolStats | null>(null);

  // biome-ignore lint/correctness/useExhaustiveDependencies: `updatedAt` is a trigger (the settings changed).
  useEffect(() => {
    let alive = true;
    setStatus(null);
    setPool(null);
    const load = () => {
      call('connections.state', { profileId })
        .then((s) => alive && setStatus(s))
        .catch(() => {});
      call('connections.poolStats', { profileId })
        .then((p) => alive && setPool(p))
        .catch(() => {});
    };
    load();
    const off = api.subscribe((e) => {
      if ((e.type === 'connection.state' && e.profileId === profileId) || e.type === 'profiles.changed') load();
    });
    return () => {
      alive = false;
      off();
    };
  }, [profileId, updatedAt]);

  if (!status) return null;
  return (
    <Group gap="xs" data-testid="connection-status" data-state={status.state}>
      <Badge color={COLORS[status.state]} variant="light">
        {status.state}
      </Badge>
      <Text size="sm" c="dimmed">
        {status.via === 'direct' ? 'direct' : status.via === 'ssh' ? 'SSH tunnel' : 'SSH via jump host'}
        {status.reconnects ? ` · ${status.reconnects} reconnect(s)` : ''}
        {pool ? ` · pool ${pool.total}/${pool.max} (${pool.active} active, ${pool.idle} idle, ${pool.queued} queued)` : ''}
      </Text>
      {status.lastError && status.state !== 'connected' && (
        <Text size="sm" c="red.8">
          {status.lastError.message}
        </Text>
      )}
    </Group>
  );
}
