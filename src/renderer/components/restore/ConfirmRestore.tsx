import { Alert, Button, Card, Group, List, Stack, Text, TextInput, Title } from '@mantine/core';
import { DatabaseBackup, TriangleAlert } from 'lucide-react';
import { useState } from 'react';
import type { PreflightReport, Profile } from '../../../shared/contract/index';
import { EnvironmentBanner } from '../../shell/EnvironmentBanner';
import { fileName, TOKEN } from './model';

export interface ConfirmRestoreProps {
  report: PreflightReport;
  target: Profile;
  starting: boolean;
  onBack(): void;
  onStart(token: string): void;
}

/**
 * Step 3: the target named in full under its environment banner, what happens, and the typed token. The
 * button stays disabled until exactly RESTORE is typed; the main process checks the token again and
 * refuses anything else with CONFIRMATION_REQUIRED.
 */
export function ConfirmRestore({ report, target, starting, onBack, onStart }: ConfirmRestoreProps) {
  const [typed, setTyped] = useState('');
  const t = report.target;
  const replaced = report.replace.tables.length;
  const ok = typed === TOKEN;
  return (
    <Stack gap="md">
      <Card withBorder padding={0} data-testid="restore-target-card">
        <EnvironmentBanner profile={target} />
        <Stack gap={4} p="md">
          <Title order={4} data-testid="restore-target-summary">
            Restore into {t.database} on {t.host}:{t.port}
          </Title>
          <Text size="sm">
            Profile <b>{t.profileName}</b> ({t.environment}), server {t.serverVersion}, as {t.account}.
          </Text>
          <Text size="sm">
            From <b>{fileName(report.file.path)}</b>
            {report.source.database ? ` (database ${report.source.database})` : ''}.
          </Text>
        </Stack>
      </Card>
      <Alert color="yellow" icon={<TriangleAlert size={18} />} title="What happens">
        <List size="sm" spacing={2}>
          <List.Item>The file is loaded into a shadow schema and verified; {t.database} is not touched meanwhile.</List.Item>
          {t.exists && (
            <List.Item>
              A pre-restore backup of {t.database} is written after verification, just before the swap (Backups page).
            </List.Item>
          )}
          {report.scope ? (
            <List.Item data-testid="restore-confirm-tables" data-tables={report.scope.join(',')}>
              Only {report.scope.length === 1 ? 'this table is' : `these ${report.scope.length} tables are`} replaced:{' '}
              <b>{report.scope.join(', ')}</b>. One atomic RENAME swaps them in; their current versions move to {t.database}
              __prev_… for a rollback. Every other table, view, routine and event stays as it is.
            </List.Item>
          ) : (
            <List.Item data-testid="restore-confirm-tables" data-tables="all">
              All tables are replaced: one atomic RENAME swaps {replaced} table(s) in; the current tables move to {t.database}
              __prev_… for a rollback until you discard them.
            </List.Item>
          )}
          <List.Item>Cancelling or a failure before the swap leaves {t.database} exactly as it is.</List.Item>
        </List>
      </Alert>
      <TextInput
        label={`Type ${TOKEN} to confirm`}
        description="Exactly, in capitals. This is recorded in the audit log."
        value={typed}
        onChange={(e) => setTyped(e.currentTarget.value)}
        autoComplete="off"
        spellCheck={false}
        w={320}
        error={typed && !ok && !TOKEN.startsWith(typed) ? `Type ${TOKEN} exactly` : undefined}
        data-testid="restore-confirm-input"
      />
      <Group justify="space-between">
        <Button variant="default" onClick={onBack} data-testid="restore-back">
          Back
        </Button>
        <Button
          color="red"
          leftSection={<DatabaseBackup size={16} />}
          disabled={!ok}
          loading={starting}
          onClick={() => onStart(typed)}
          data-testid="restore-start"
        >
          Restore {t.database}
        </Button>
      </Group>
    </Stack>
  );
}
