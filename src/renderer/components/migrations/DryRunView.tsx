import { Alert, Card, Group, Loader, Stack, Text } from '@mantine/core';
import type { Profile } from '../../../shared/contract/index';
import { errorMessage } from '../../api';
import { useCall } from '../../hooks/useCall';
import { MigrationStateBadge } from './MigrationStateBadge';
import { StatementList } from './StatementList';
import { useReloadOn } from './useReloadOn';

/** The free, truthful dry run: exactly what a run would send, and which statements cannot be rolled back. */
export function DryRunView({
  profile,
  migrationsDir,
  refreshKey,
}: {
  profile: Profile;
  migrationsDir?: string;
  refreshKey: number;
}) {
  const plan = useCall('migrations.dryRun', { profileId: profile.id, ...(migrationsDir ? { migrationsDir } : {}) });
  useReloadOn(refreshKey, plan.reload);
  if (plan.error) return <Alert color="red">{errorMessage(plan.error)}</Alert>;
  if (!plan.data) return <Loader />;
  const r = plan.data;
  if (r.files.length === 0) return <Text c="dimmed">Nothing pending: a run would send no statement.</Text>;
  return (
    <Stack gap="md" data-testid="dry-run">
      <Text size="sm" data-testid="dry-run-totals">
        {r.totals.files} file(s), {r.totals.statements} statement(s); {r.totals.implicitCommit} commit implicitly and cannot be
        rolled back.
      </Text>
      {r.files.map((f) => (
        <Card withBorder key={f.filename} data-testid={`dry-run-file-${f.filename}`}>
          <Group justify="space-between" mb="xs">
            <Text fw={600} ff="monospace">
              {f.filename}
              {f.fromStatement > 1 ? ` — resumes at statement ${f.fromStatement}` : ''}
            </Text>
            <MigrationStateBadge state={f.state} />
          </Group>
          {f.error && <Alert color="red">{f.error}</Alert>}
          {f.warnings.map((w) => (
            <Alert key={w} color="yellow" mb="xs">
              {w}
            </Alert>
          ))}
          <StatementList statements={f.statements} fromStatement={f.fromStatement} />
        </Card>
      ))}
    </Stack>
  );
}
