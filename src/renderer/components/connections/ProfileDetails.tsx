import { Card, Group, Stack, Text, Title } from '@mantine/core';
import { Copy, Pencil, Trash2 } from 'lucide-react';
import type { Profile } from '../../../shared/contract/profiles';
import { useCall } from '../../hooks/useCall';
import { ActionButtons } from '../common/ActionButtons';
import { ConnectionStatus } from './ConnectionStatus';
import { ConnectionTestPanel } from './ConnectionTestPanel';
import { targetOf } from './ProfileList';

interface ProfileDetailsProps {
  profile: Profile;
  onEdit(): void;
  onDuplicate(): void;
  onDelete(): void;
}

/** The selected profile: where it connects, its saved secrets, edit/duplicate/delete, its status and the staged test. */
export function ProfileDetails({ profile, onEdit, onDuplicate, onDelete }: ProfileDetailsProps) {
  // Saved secrets on a machine without an OS keyring last only while the app runs: say so here.
  const secretBackend = useCall('system.info', {}).data?.secretBackend;
  const secretsNotKept = profile.secrets.length > 0 && secretBackend?.persistent === false;
  return (
    <Card withBorder data-testid="connections-details" data-profile={profile.name}>
      <Stack gap="sm">
        <Group justify="space-between" align="flex-start">
          <div>
            <Title order={3}>{profile.name}</Title>
            <Text size="sm" c="dimmed">
              {targetOf(profile)} · TLS {profile.mysql.tls}
              {profile.secrets.length ? ` · saved: ${profile.secrets.join(', ')}` : ' · no secrets saved'}
            </Text>
            {secretsNotKept && (
              <Text size="xs" c="orange" data-testid="profile-secrets-not-kept">
                Kept until the app closes only ({secretBackend?.name}: no OS keyring): enter them again with Edit after a restart;
                the CLI asks, or takes MYSQL_PWD / SSH_PASSWORD / SSH_PASSPHRASE / SMTP_PASSWORD.
              </Text>
            )}
          </div>
          <ActionButtons
            size="xs"
            actions={[
              { label: 'Edit', testId: 'connections-edit', icon: <Pencil size={14} />, onClick: onEdit },
              { label: 'Duplicate', testId: 'connections-duplicate', icon: <Copy size={14} />, onClick: onDuplicate },
              { label: 'Delete', testId: 'connections-delete', icon: <Trash2 size={14} />, danger: true, onClick: onDelete },
            ]}
          />
        </Group>
        <ConnectionStatus profileId={profile.id} updatedAt={profile.updatedAt} />
        <ConnectionTestPanel profile={profile} />
      </Stack>
    </Card>
  );
}
