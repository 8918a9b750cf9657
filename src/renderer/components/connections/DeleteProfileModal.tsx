import { Alert, Button, Modal, Stack, Text, TextInput } from '@mantine/core';
import { useState } from 'react';
import type { Profile } from '../../../shared/contract/profiles';
import { call } from '../../api';
import { ModalActions } from '../common/ModalActions';
import { useInlineErrorAction } from '../common/useInlineErrorAction';

/** Remove a profile; a production one only after typing its name. */
export function DeleteProfileModal({ profile, onClose, onDeleted }: { profile: Profile; onClose(): void; onDeleted(): void }) {
  const [typed, setTyped] = useState('');
  const { busy, error, run } = useInlineErrorAction();
  const needsName = profile.environment === 'production';
  const remove = () =>
    run(async () => {
      await call('profiles.remove', { id: profile.id });
      onDeleted();
    });
  return (
    <Modal opened onClose={onClose} title={`Delete "${profile.name}"?`} data-testid="profile-delete-modal">
      <Stack>
        <Text size="sm">The profile and its saved secrets are deleted. Backups and the database itself are not touched.</Text>
        {needsName && (
          <TextInput
            label="Type the profile name to confirm"
            value={typed}
            onChange={(e) => setTyped(e.currentTarget.value)}
            data-testid="profile-delete-name"
          />
        )}
        {error && <Alert color="red">{error}</Alert>}
        <ModalActions onCancel={onClose}>
          <Button
            color="red"
            onClick={remove}
            loading={busy}
            disabled={needsName && typed !== profile.name}
            data-testid="profile-delete-confirm"
          >
            Delete
          </Button>
        </ModalActions>
      </Stack>
    </Modal>
  );
}
