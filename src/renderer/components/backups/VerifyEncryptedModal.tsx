import { Button, Modal, PasswordInput, Stack, Text, TextInput } from '@mantine/core';
import { ShieldCheck } from 'lucide-react';
import { useEffect, useState } from 'react';
import type { BackupDecryption, BackupEntry, JobSnapshot } from '../../../shared/contract/index';
import { call } from '../../api';
import { ChoiceControl, type SegmentOption } from '../common/ChoiceControl';
import { ModalActions } from '../common/ModalActions';
import { useBusyAction } from '../common/useBusyAction';

export interface VerifyRequest {
  entry: BackupEntry;
  scratchRestore: boolean;
}

type KeyMode = 'identity' | 'passphrase';

const KEY_MODES: ReadonlyArray<SegmentOption<KeyMode>> = [
  { value: 'identity', label: 'Identity file' },
  { value: 'passphrase', label: 'Passphrase' },
];

/** The contract's `decrypt` from the fields, or null while they are empty. */
function decryptionOf(mode: KeyMode, identityFile: string, passphrase: string): BackupDecryption | null {
  if (mode === 'identity') return identityFile.trim() ? { identityFile: identityFile.trim() } : null;
  return passphrase ? { passphrase } : null;
}

/**
 * Verify (or test-restore) an encrypted `.age` backup: what opens it — the path of an age identity file
 * (read by the main process; only the path travels) or the passphrase. Both stay in this form and the one
 * call: never stored, never logged. A wrong key ends the job with BACKUP_DECRYPT_FAILED before anything is
 * written.
 */
export function VerifyEncryptedModal({
  profileId,
  request,
  onClose,
  onStarted,
}: {
  profileId: string;
  request: VerifyRequest | null;
  onClose(): void;
  onStarted(job: JobSnapshot): void;
}) {
  const [mode, setMode] = useState<KeyMode>('identity');
  const [identityFile, setIdentityFile] = useState('');
  const [passphrase, setPassphrase] = useState('');
  const starting = useBusyAction();
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new request starts without the last key.
  useEffect(() => setPassphrase(''), [request]);
  const decrypt = decryptionOf(mode, identityFile, passphrase);

  function start() {
    if (!request || !decrypt) return;
    void starting.run(async () => {
      const job = await call('backups.verify', {
        profileId,
        name: request.entry.name,
        scratchRestore: request.scratchRestore,
        decrypt,
      });
      setPassphrase('');
      onClose();
      onStarted(job);
    }, 'Could not start the check');
  }

  const what = request?.scratchRestore ? 'Verify with a test restore' : 'Verify hashes and end marker';
  return (
    <Modal opened={request !== null} onClose={onClose} title={what} size="md" data-testid="backup-verify-modal">
      <Stack gap="sm">
        <Text size="sm">
          <b>{request?.entry.name}</b> is encrypted (age). It is decrypted in memory only: give its identity file or its
          passphrase. Neither is stored or logged.
        </Text>
        <ChoiceControl size="xs" value={mode} onChange={setMode} options={KEY_MODES} testId="backup-verify-key-mode" />
        {mode === 'identity' ? (
          <TextInput
            label="age identity file"
            description="The path of the key file on this computer (age-keygen -o key.txt); only the path is sent"
            placeholder="/home/me/.config/sysndd/backup-key.txt"
            value={identityFile}
            onChange={(e) => setIdentityFile(e.currentTarget.value)}
            data-testid="backup-verify-identity"
          />
        ) : (
          <PasswordInput
            label="Passphrase"
            value={passphrase}
            onChange={(e) => setPassphrase(e.currentTarget.value)}
            data-testid="backup-verify-passphrase"
          />
        )}
        <ModalActions onCancel={onClose}>
          <Button
            leftSection={<ShieldCheck size={16} />}
            onClick={start}
            loading={starting.busy}
            disabled={!decrypt}
            data-testid="backup-verify-start"
          >
            {request?.scratchRestore ? 'Decrypt and test-restore' : 'Decrypt and verify'}
          </Button>
        </ModalActions>
      </Stack>
    </Modal>
  );
}
