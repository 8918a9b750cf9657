import { Alert, Button, Modal, Stack, Text, TextInput } from '@mantine/core';
import { TriangleAlert } from 'lucide-react';
import { useEffect, useState } from 'react';
import type { BackupEntry, BackupLocation } from '../../../shared/contract/index';
import { call } from '../../api';
import { ChoiceControl, type SegmentOption } from '../common/ChoiceControl';
import { ModalActions } from '../common/ModalActions';
import { useInlineErrorAction } from '../common/useInlineErrorAction';

const DELETE_WHERE: ReadonlyArray<SegmentOption<BackupLocation>> = [
  { value: 'local', label: 'Local copy' },
  { value: 'remote', label: 'Copy on the SSH host' },
  { value: 'both', label: 'Both' },
];

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
  const { busy, error, run, clearError } = useInlineErrorAction();

  useEffect(() => {
    setWord('');
    clearError();
    setWhere(entry?.location === 'remote' ? 'remote' : 'local');
  }, [entry, clearError]);

  const remove = () =>
    run(async () => {
      if (!entry) return;
      const r = await call('backups.delete', { profileId, name: entry.name, location: where, confirm: word });
      onDeleted(r.deleted);
    });

  return (
    <Modal opened={entry !== null} onClose={onClose} title="Delete a backup" data-testid="backup-delete-modal">
      {entry && (
        <Stack gap="sm">
          <Text size="sm">
            <b>{entry.name}</b> will be deleted. This cannot be undone.
          </Text>
          {entry.location === 'both' && (
            <ChoiceControl value={where} onChange={setWhere} options={DELETE_WHERE} testId="backup-delete-where" />
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
