import { Alert, Card, Group, Text } from '@mantine/core';
import { Lock, LockOpen } from 'lucide-react';
import { useEffect, useState } from 'react';
import type { MigrationLockState } from '../../../shared/contract/index';
import { call } from '../../api';
import { RefreshButton } from '../common/RefreshButton';
import { useInlineErrorAction } from '../common/useInlineErrorAction';

/** GET_LOCK('sysndd_migration'): free, or who holds it (a SysNDD API replica, another console...). */
export function LockCard({
  profileId,
  initial,
  live = false,
}: {
  profileId: string;
  initial: MigrationLockState;
  live?: boolean;
}) {
  const [lock, setLock] = useState(initial);
  const { busy, error, run } = useInlineErrorAction();
  const shown = lock.checkedAt > initial.checkedAt ? lock : initial;
  const refresh = () => run(async () => setLock(await call('migrations.lockState', { profileId })));
  // While a run is going on the holder changes (ours, then free): keep the card current.
  useEffect(() => {
    if (!live) return;
    const timer = setInterval(() => {
      call('migrations.lockState', { profileId })
        .then(setLock)
        .catch(() => undefined);
    }, 1500);
    return () => clearInterval(timer);
  }, [live, profileId]);
  const h = shown.holder;
  return (
    <Card withBorder data-testid="lock-card" data-held={shown.held}>
      <Group justify="space-between" wrap="nowrap">
        {/* The holder's description wraps; the button never shrinks (it read "Checl" beside a long holder). */}
        <Group gap="xs" wrap="nowrap" style={{ flex: 1, minWidth: 0 }}>
          {shown.held ? (
            <Lock size={16} color="var(--mantine-color-blue-6)" style={{ flexShrink: 0 }} />
          ) : (
            <LockOpen size={16} style={{ flexShrink: 0 }} />
          )}
          <Text size="sm" data-testid="lock-text" style={{ minWidth: 0, overflowWrap: 'anywhere' }}>
            {shown.held && h
              ? `Migration lock held by connection ${h.connectionId}${h.user ? ` (${h.user}@${h.host})` : ''}${h.timeSeconds !== null ? `, ${h.timeSeconds} s in state` : ''}${shown.holderRun ? ` — ${shown.holderRun.tool} by ${shown.holderRun.appliedBy} on ${shown.holderRun.clientHost}, applying ${shown.holderRun.filename}` : ''}`
              : `Migration lock ${shown.name} is free`}
          </Text>
        </Group>
        <RefreshButton
          size="compact-sm"
          variant="subtle"
          iconSize={14}
          loading={busy}
          onClick={refresh}
          style={{ flexShrink: 0 }}
          testId="lock-refresh"
          label="Check"
        />
      </Group>
      {shown.clusterWarning && (
        <Alert color="yellow" mt="xs">
          {shown.clusterWarning}
        </Alert>
      )}
      {error && (
        <Text size="xs" c="red" mt="xs">
          {error}
        </Text>
      )}
    </Card>
  );
}
