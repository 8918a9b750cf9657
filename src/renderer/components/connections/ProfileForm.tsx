import {
  Alert,
  Button,
  Checkbox,
  ColorInput,
  Fieldset,
  Group,
  Modal,
  PasswordInput,
  SegmentedControl,
  Select,
  Stack,
  Switch,
  Text,
  TextInput,
} from '@mantine/core';
import { useEffect, useRef, useState } from 'react';
import type { Profile, SecretName } from '../../../shared/contract/profiles';
import { ApiError, call, errorMessage } from '../../api';
import { BackupEncryptionFields } from '../backups/BackupEncryptionFields';
import { useConfirmedAction } from '../ConfirmAction';
import { type FormValues, secretChanges, toProfileInput, validate } from './formModel';
import { HopFields } from './HopFields';

interface ProfileFormProps {
  /** Form start values; `editing` set = update that profile, else create a new one. */
  initial: FormValues;
  editing: Profile | null;
  /** Duplicating: the new profile gets this profile's stored secrets unless new ones are typed. */
  duplicateOf?: Profile | null;
  title: string;
  onClose(): void;
  onSaved(profile: Profile): void;
}

const SECRET_LABELS: Record<SecretName, string> = {
  'mysql.password': 'MySQL password',
  'ssh.password': 'SSH password',
  'ssh.passphrase': 'SSH key passphrase',
  'jump.password': 'Jump host password',
  'jump.passphrase': 'Jump host key passphrase',
  'smtp.password': 'SMTP password',
};

/** Create / edit / duplicate a profile: every field, validated by the contract's own schema before saving. */
export function ProfileForm({ initial, editing, duplicateOf = null, title, onClose, onSaved }: ProfileFormProps) {
  const [v, setV] = useState<FormValues>(initial);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [errorRound, setErrorRound] = useState(0);
  const body = useRef<HTMLDivElement>(null);
  // After each failed save, bring the first field in error into view and focus it (long form in a modal).
  useEffect(() => {
    if (errorRound === 0) return;
    const first = body.current?.querySelector<HTMLElement>('[aria-invalid="true"]');
    first?.scrollIntoView({ block: 'center' });
    first?.focus();
  }, [errorRound]);
  const [saveError, setSaveError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const confirmed = useConfirmedAction({ onError: (_title, err) => setSaveError(errorMessage(err)) });
  const saved = editing?.secrets ?? [];
  const set = <K extends keyof FormValues>(key: K, value: FormValues[K]) => setV((old) => ({ ...old, [key]: value }));
  const text = (
    key: keyof FormValues,
    label: string,
    path: string,
    extra: { placeholder?: string; description?: string } = {},
  ) => (
    <TextInput
      label={label}
      data-testid={`profile-form-${path.replace(/\./g, '-')}`}
      value={String(v[key])}
      error={errors[path]}
      onChange={(e) => set(key, e.currentTarget.value as never)}
      {...extra}
    />
  );

  async function save() {
    const found = validate(v);
    setErrors(found);
    if (Object.keys(found).length) {
      setSaveError('Some fields need attention.');
      setErrorRound((n) => n + 1);
      return;
    }
    setSaving(true);
    setSaveError(null);
    try {
      const profile = toProfileInput(v);
      const secrets = secretChanges(v);
      if (editing) {
        // Leaving production needs the database name typed (asked by safety.check first, audited by dispatch);
        // any other edit saves at once.
        await confirmed.run('profiles.update', { id: editing.id, profile, secrets }, `Save ${editing.name}`, onSaved);
        return;
      }
      onSaved(
        await call('profiles.create', {
          profile,
          secrets: Object.fromEntries(Object.entries(secrets).filter(([, s]) => typeof s === 'string')),
          copySecretsFrom: duplicateOf?.id,
        }),
      );
    } catch (err) {
      // A name the core refuses is shown under the name field, like any other field error.
      if (err instanceof ApiError && (err.code === 'PROFILE_NAME_TAKEN' || err.code === 'PROFILE_NAME_INVALID')) {
        setErrors({ name: err.message });
        setErrorRound((n) => n + 1);
      }
      setSaveError(errorMessage(err));
    } finally {
      setSaving(false);
    }
  }

  return (
    <Modal opened onClose={onClose} title={title} size="xl" data-testid="profile-form">
      {confirmed.modal}
      <Stack gap="md" ref={body}>
        {duplicateOf && duplicateOf.secrets.length > 0 && (
          <Text size="sm" c="dimmed" data-testid="profile-form-copies-secrets">
            The copy keeps the saved {duplicateOf.secrets.map((n) => SECRET_LABELS[n]).join(', ')} of "{duplicateOf.name}" unless
            you type new ones.
          </Text>
        )}
        <Fieldset legend="Profile">
          <Group grow align="flex-start">
            {text('name', 'Name', 'name')}
            <Select
              label="Environment"
              data-testid="profile-form-environment"
              value={v.environment}
              allowDeselect={false}
              onChange={(e) => e && set('environment', e as FormValues['environment'])}
              data={['development', 'staging', 'production']}
              comboboxProps={{ withinPortal: true }}
            />
            <ColorInput
              label="Colour"
              data-testid="profile-form-color"
              value={v.color}
              error={errors.color}
              format="hex"
              onChange={(c) => set('color', c)}
            />
          </Group>
        </Fieldset>

        <Fieldset legend="MySQL / MariaDB">
          <Stack gap="xs">
            <Group grow align="flex-start">
              {text('mysqlHost', 'Host', 'mysql.host', { description: v.sshEnabled ? 'As seen from the SSH host' : undefined })}
              {text('mysqlPort', 'Port', 'mysql.port')}
              {text('mysqlUser', 'User', 'mysql.user')}
            </Group>
            <Group grow align="flex-start">
              <PasswordInput
                label="Password"
                description={
                  saved.includes('mysql.password')
                    ? 'Saved — leave empty to keep'
                    : 'Kept in the OS secret store, never in the app database'
                }
                data-testid="profile-form-mysql-password"
                value={v.mysqlPassword}
                onChange={(e) => set('mysqlPassword', e.currentTarget.value)}
              />
              {text('database', 'Default database', 'mysql.database')}
            </Group>
            <Group align="flex-end">
              <div>
                <Text size="sm" fw={500} mb={4}>
                  TLS
                </Text>
                <SegmentedControl
                  data-testid="profile-form-tls"
                  value={v.tls}
                  onChange={(t) => set('tls', t as FormValues['tls'])}
                  data={[
                    { value: 'off', label: 'Off' },
                    { value: 'required', label: 'Required' },
                    { value: 'verify', label: 'Verify (CA)' },
                  ]}
                />
              </div>
              {v.tls === 'verify' && <div style={{ flex: 1 }}>{text('caFile', 'CA certificate file', 'mysql.caFile')}</div>}
            </Group>
          </Stack>
        </Fieldset>

        <Fieldset legend="SSH tunnel">
          <Stack gap="xs">
            <Switch
              label="Reach MySQL through an SSH host"
              data-testid="profile-form-ssh-enabled"
              checked={v.sshEnabled}
              onChange={(e) => set('sshEnabled', e.currentTarget.checked)}
            />
            {v.sshEnabled && (
              <>
                <HopFields
                  hop="ssh"
                  value={v.ssh}
                  onChange={(h) => set('ssh', h)}
                  errors={errors}
                  errorPrefix="ssh"
                  savedSecrets={saved}
                />
                {text('keepaliveSeconds', 'Keepalive (seconds)', 'ssh.keepaliveSeconds', {
                  description: 'A silent drop is noticed after three unanswered keepalives',
                })}
                <Switch
                  label="Through a jump host (ProxyJump)"
                  data-testid="profile-form-jump-enabled"
                  checked={v.jumpEnabled}
                  onChange={(e) => set('jumpEnabled', e.currentTarget.checked)}
                />
                {v.jumpEnabled && (
                  <HopFields
                    hop="jump"
                    value={v.jump}
                    onChange={(h) => set('jump', h)}
                    errors={errors}
                    errorPrefix="ssh.jump"
                    savedSecrets={saved}
                  />
                )}
              </>
            )}
          </Stack>
        </Fieldset>

        <Fieldset legend="Folders">
          <Group grow align="flex-start">
            {text('localBackupDir', 'Local backup folder', 'localBackupDir')}
            {text('remoteBackupDir', 'Backup folder on the SSH host', 'remoteBackupDir')}
            {text('migrationsDir', 'Migrations folder', 'migrationsDir', { placeholder: 'Bundled migrations/' })}
          </Group>
          <BackupEncryptionFields
            mode={v.backupEncrypt}
            recipients={v.backupRecipients}
            error={Object.entries(errors).find(([k]) => k.startsWith('backupEncryption'))?.[1]}
            onMode={(m) => set('backupEncrypt', m)}
            onRecipients={(r) => set('backupRecipients', r)}
          />
        </Fieldset>

        <Fieldset legend="Mail">
          <Stack gap="xs">
            <Switch
              label="SMTP settings"
              data-testid="profile-form-smtp-enabled"
              checked={v.smtpEnabled}
              onChange={(e) => set('smtpEnabled', e.currentTarget.checked)}
            />
            {v.smtpEnabled && (
              <>
                <Group grow align="flex-start">
                  {text('smtpHost', 'SMTP host', 'smtp.host')}
                  {text('smtpPort', 'Port', 'smtp.port')}
                  <Select
                    label="Security"
                    data-testid="profile-form-smtp-security"
                    value={v.smtpSecurity}
                    allowDeselect={false}
                    onChange={(s) => s && set('smtpSecurity', s as FormValues['smtpSecurity'])}
                    data={['none', 'starttls', 'tls']}
                    comboboxProps={{ withinPortal: true }}
                  />
                </Group>
                <Group grow align="flex-start">
                  {text('smtpUser', 'SMTP user', 'smtp.user')}
                  <PasswordInput
                    label="SMTP password"
                    description={saved.includes('smtp.password') ? 'Saved — leave empty to keep' : undefined}
                    data-testid="profile-form-smtp-password"
                    value={v.smtpPassword}
                    onChange={(e) => set('smtpPassword', e.currentTarget.value)}
                  />
                  {text('smtpFrom', 'From address', 'smtp.from')}
                </Group>
              </>
            )}
            {text('mailpitUrl', 'Mailpit address', 'mailpit.url', { placeholder: 'http://127.0.0.1:8025' })}
          </Stack>
        </Fieldset>

        {saved.length > 0 && (
          <Fieldset legend="Saved secrets">
            <Group>
              {saved.map((name) => (
                <Checkbox
                  key={name}
                  label={`Delete saved ${SECRET_LABELS[name]}`}
                  data-testid={`profile-form-clear-${name}`}
                  checked={v.clearSecrets.includes(name)}
                  onChange={(e) =>
                    set(
                      'clearSecrets',
                      e.currentTarget.checked ? [...v.clearSecrets, name] : v.clearSecrets.filter((n) => n !== name),
                    )
                  }
                />
              ))}
            </Group>
          </Fieldset>
        )}

        {saveError && (
          <Alert color="red" data-testid="profile-form-error">
            {saveError}
          </Alert>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose} data-testid="profile-form-cancel">
            Cancel
          </Button>
          <Button onClick={save} loading={saving} data-testid="profile-form-save">
            Save profile
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
