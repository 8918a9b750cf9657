import { Alert, Button, Modal, SegmentedControl, Stack, Text, TextInput } from '@mantine/core';
import { TriangleAlert } from 'lucide-react';
import { useEffect, useState } from 'react';
import type { BackupEntry, BackupLocation } from '../../../shared/contract/index';
import { call, errorMessage } from '../../api';
import { ModalActions } from '../common/ModalActions';

/** Deleting a backup needs the word DELETE typed out (as in SysNDD's own admin page). */
export function DeleteBackupModal({
  profileId,
  entry,
  onClose,
  onDeleted,
}: {
  profileId: string;
  entry: BackupEntry | null;
  onClose(): void;
  onDeleted(paths: string[]): void;
}) {
  const [word, setWord] = useState('');
  const [where, setWhere] = useState<BackupLocation>('local');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    setWord('');
    setError(null);
    setWhere(entry?.location === 'remote' ? 'remote' : 'local');
  }, [entry]);

  async function remove() {
    if (!entry) return;
    setBusy(true);
    setError(null);
    try {
      const r = await call('backups.delete', { profileId, name: entry.name, location: where, confirm: word });
      onDeleted(r.deleted);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Modal opened={entry !== null} onClose={onClose} title="Delete a backup" data-testid="backup-delete-modal">
      {entry && (
        <Stack gap="sm">
          <Text size="sm">
            <b>{entry.name}</b> will be deleted. This cannot be undone.
          </Text>
          {entry.location === 'both' && (
            <SegmentedControl
              value={where}
              onChange={(v) => setWhere(v as BackupLocation)}
              data={[
                { value: 'local', label: 'Local copy' },
                { value: 'remote', label: 'Copy on the SSH host' },
                { value: 'both', label: 'Both' },
              ]}
              data-testid="backup-delete-where"
            />
          )}
          <TextInput
            label="Type DELETE to confirm"
            value={word}
            onChange={(e) => setWord(e.currentTarget.value)}
            autoComplete="off"
            data-testid="backup-delete-confirm"
          />
          {error && (
            <Alert color="red" icon={<TriangleAlert size={16} />} p="xs" data-testid="backup-delete-error">
              {error}
            </Alert>
          )}
          <ModalActions onCancel={onClose} cancelLabel="Keep it">
            <Button color="red" disabled={word !== 'DELETE'} loading={busy} onClick={remove} data-testid="backup-delete-submit">
              Delete
            </Button>
          </ModalActions>
        </Stack>
      )}
    </Modal>
  );
}
