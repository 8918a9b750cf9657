import { Stack, Text } from '@mantine/core';
import { ChoiceControl, type SegmentOption } from '../common/ChoiceControl';
import { AgeRecipientsInput } from './AgeRecipientsInput';

type Mode = 'off' | 'keys' | 'passphrase';

const MODES: ReadonlyArray<SegmentOption<Mode>> = [
  { value: 'off', label: 'Off' },
  { value: 'keys', label: 'To public keys' },
  { value: 'passphrase', label: 'Ask for a passphrase' },
];

/**
 * A profile's default encryption of its backups (profile form): none, to age public keys (saved with the
 * profile: they are not secrets), or a passphrase asked for at each backup (never saved). The create
 * popover starts from it; a backup can still be made otherwise.
 */
export function BackupEncryptionFields({
  mode,
  recipients,
  error,
  onMode,
  onRecipients,
}: {
  mode: Mode;
  recipients: string;
  error?: string;
  onMode(m: Mode): void;
  onRecipients(r: string): void;
}) {
  return (
    <Stack gap={6} mt="xs">
      <Text size="sm" fw={500}>
        Encrypt backups by default (age)
      </Text>
      <ChoiceControl size="xs" value={mode} onChange={onMode} options={MODES} testId="profile-form-backup-encrypt" />
      {mode === 'keys' && (
        <AgeRecipientsInput
          value={recipients}
          onChange={onRecipients}
          error={error}
          data-testid="profile-form-backup-recipients"
        />
      )}
      {mode === 'passphrase' && (
        <Text size="xs" c="dimmed">
          Each backup asks for its passphrase; it is never saved.
        </Text>
      )}
      {mode === 'off' && error && (
        <Text size="xs" c="red">
          {error}
        </Text>
      )}
    </Stack>
  );
}
