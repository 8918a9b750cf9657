import { Button, Group, NumberInput, Popover, Stack, Switch, Text, TextInput } from '@mantine/core';
import { Archive } from 'lucide-react';
import { useState } from 'react';
import type { JobSnapshot, Profile } from '../../../shared/contract/index';
import { call } from '../../api';
import { useBusyAction } from '../common/useBusyAction';
import { type EncryptChoice, EncryptFields, encryptionOf, NO_ENCRYPTION } from './EncryptFields';

function defaultChoiceOf(profile: Profile): EncryptChoice {
  const d = profile.backupEncryption;
  if (!d) return NO_ENCRYPTION;
  return d.askPassphrase
    ? { ...NO_ENCRYPTION, on: true, mode: 'passphrase' }
    : { ...NO_ENCRYPTION, on: true, mode: 'keys', recipients: d.recipients.join('\n') };
}

/** The backup's label (letters, digits, - and _ only), CHECKSUM TABLE in the snapshot, and the gzip level. */
function BackupOptionsFields(props: {
  label: string;
  onLabel(label: string): void;
  checksums: boolean;
  onChecksums(on: boolean): void;
  level: number;
  onLevel(level: number): void;
}) {
  return (
    <>
      <TextInput
        label="Label (optional)"
        placeholder="before-release"
        value={props.label}
        onChange={(e) => props.onLabel(e.currentTarget.value.replace(/[^A-Za-z0-9_-]/g, ''))}
        data-testid="backup-create-label"
      />
      <Switch
        label="CHECKSUM TABLE inside the snapshot (lets a test restore compare content)"
        checked={props.checksums}
        onChange={(e) => props.onChecksums(e.currentTarget.checked)}
        data-testid="backup-create-checksums"
      />
      <NumberInput
        label="gzip level"
        description="1 = fastest"
        min={1}
        max={9}
        value={props.level}
        onChange={(v) => props.onLevel(Number(v) || 1)}
      />
    </>
  );
}

/** "Create backup" with its few options; starts the job and hands it to the page to follow. */
export function CreateBackupButton({
  profile,
  disabled,
  onStarted,
}: {
  profile: Profile;
  disabled: boolean;
  onStarted(job: JobSnapshot): void;
}) {
  const [opened, setOpened] = useState(false);
  const [label, setLabel] = useState('');
  const [checksums, setChecksums] = useState(true);
  const [level, setLevel] = useState<number>(1);
  const starting = useBusyAction();
  // The profile's default encryption (profile form) is where the choice starts; this backup may differ.
  const profileChoice = defaultChoiceOf(profile);
  const [encrypt, setEncrypt] = useState<EncryptChoice>(profileChoice);
  const encryption = encryptionOf(encrypt);

  const start = () =>
    starting.run(async () => {
      const job = await call('backups.create', {
        profileId: profile.id,
        options: {
          compressionLevel: level,
          checksums,
          workers: 1,
          ...(label ? { label } : {}),
          ...(encryption.value ? { encrypt: encryption.value } : {}),
        },
      });
      setOpened(false);
      setEncrypt(profileChoice);
      onStarted(job);
    }, 'Could not start the backup');

  return (
    <Popover opened={opened} onChange={setOpened} position="bottom-end" withArrow trapFocus>
      <Popover.Target>
        <Button
          leftSection={<Archive size={16} />}
          onClick={() => setOpened((o) => !o)}
          disabled={disabled}
          data-testid="backup-create-open"
        >
          Create backup
        </Button>
      </Popover.Target>
      <Popover.Dropdown>
        <Stack gap="xs" w={300}>
          <Text size="sm">
            Back up <b>{profile.mysql.database ?? '(no database)'}</b> from one consistent snapshot into the local backup folder.
          </Text>
          <BackupOptionsFields
            label={label}
            onLabel={setLabel}
            checksums={checksums}
            onChecksums={setChecksums}
            level={level}
            onLevel={setLevel}
          />
          <EncryptFields value={encrypt} onChange={setEncrypt} label="Encrypt the backup" testId="backup-create" />
          {profile.backupEncryption && (
            <Text size="xs" c="dimmed" data-testid="backup-create-profile-default">
              Profile default:{' '}
              {profile.backupEncryption.askPassphrase ? 'encrypted with a passphrase' : 'encrypted to its public keys'}.
            </Text>
          )}
          <Group justify="flex-end">
            <Button
              onClick={start}
              loading={starting.busy}
              disabled={!profile.mysql.database || Boolean(encryption.error)}
              data-testid="backup-create-start"
            >
              Start backup
            </Button>
          </Group>
        </Stack>
      </Popover.Dropdown>
    </Popover>
  );
}
