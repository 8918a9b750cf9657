import { Button, Modal, Stack, Text } from '@mantine/core';
import { CloudDownload } from 'lucide-react';
import { useEffect, useState } from 'react';
import type { BackupEntry, JobSnapshot } from '../../../shared/contract/index';
import { call } from '../../api';
import { ModalActions } from '../common/ModalActions';
import { useBusyAction } from '../common/useBusyAction';
import { type EncryptChoice, EncryptFields, encryptionOf, NO_ENCRYPTION } from './EncryptFields';

/** Download a remote backup into the local folder, optionally encrypted on the way (`NAME.age`). */
export function DownloadBackupModal({
  profileId,
  entry,
  onClose,
  onStarted,
}: {
  profileId: string;
  entry: BackupEntry | null;
  onClose(): void;
  onStarted(job: JobSnapshot): void;
}) {
  const [choice, setChoice] = useState<EncryptChoice>(NO_ENCRYPTION);
  const starting = useBusyAction();
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new entry starts from a clean form.
  useEffect(() => setChoice(NO_ENCRYPTION), [entry?.name]);
  const { value, error } = encryptionOf(choice);
  const target = entry ? (choice.on ? `${entry.name}.age` : entry.name) : '';

  function start() {
    if (!entry) return;
    void starting.run(async () => {
      const job = await call('backups.download', { profileId, name: entry.name, ...(value ? { encrypt: value } : {}) });
      setChoice(NO_ENCRYPTION);
      onClose();
      onStarted(job);
    }, 'Could not start the download');
  }

  return (
    <Modal opened={entry !== null} onClose={onClose} title="Download backup" size="md" data-testid="backup-download-modal">
      <Stack gap="sm">
        <Text size="sm">
          Copy <b>{entry?.name}</b> from the SSH host into the local backup folder as{' '}
          <b data-testid="backup-download-target">{target}</b>. Every member is checked against the manifest before the copy is
          kept.
        </Text>
        {entry?.encrypted ? (
          <Text size="xs" c="dimmed">
            This backup is already encrypted; it is copied as it is.
          </Text>
        ) : (
          <EncryptFields value={choice} onChange={setChoice} testId="backup-download" />
        )}
        {choice.on && (
          <Text size="xs" c="dimmed">
            No plaintext is written to this computer. An encrypted copy cannot resume: an interrupted one starts over.
          </Text>
        )}
        <ModalActions onCancel={onClose}>
          <Button
            leftSection={<CloudDownload size={16} />}
            onClick={start}
            loading={starting.busy}
            disabled={Boolean(error)}
            data-testid="backup-download-start"
          >
            {choice.on ? 'Download encrypted' : 'Download'}
          </Button>
        </ModalActions>
      </Stack>
    </Modal>
  );
}
