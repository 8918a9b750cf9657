import { Checkbox, ColorInput, Fieldset, Group, Stack } from '@mantine/core';
import { SECRET_LABELS } from '../../../shared/contract/profiles';
import { BackupEncryptionFields } from '../backups/BackupEncryptionFields';
import { LabeledSegmentedControl } from '../common/LabeledSegmentedControl';
import { HopFields } from './HopFields';
import { FieldRow, type ProfileFormBinding, ProfileSelectField, ProfileTextField, SwitchedFields } from './profileFormFields';

type Section = { form: ProfileFormBinding };

const ENVIRONMENT_FIELD = {
  field: 'environment',
  label: 'Environment',
  testId: 'profile-form-environment',
  options: ['development', 'staging', 'production'],
} as const;

const SMTP_SECURITY_FIELD = {
  field: 'smtpSecurity',
  label: 'Security',
  testId: 'profile-form-smtp-security',
  options: ['none', 'starttls', 'tls'],
} as const;

export function IdentitySection({ form }: Section) {
  const { values: v, set } = form;
  return (
    <Fieldset legend="Profile">
      <Group grow align="flex-start">
        <ProfileTextField form={form} field={{ key: 'name', label: 'Name', path: 'name' }} />
        <ProfileSelectField form={form} {...ENVIRONMENT_FIELD} />
        <ColorInput
          label="Colour"
          data-testid="profile-form-color"
          value={v.color}
          error={form.errors.color}
          format="hex"
          onChange={(c) => set('color', c)}
        />
      </Group>
    </Fieldset>
  );
}

const TLS_OPTIONS = [
  { value: 'off', label: 'Off' },
  { value: 'required', label: 'Required' },
  { value: 'verify', label: 'Verify (CA)' },
] as const;

export function MysqlSection({ form }: Section) {
  const { values: v, set } = form;
  return (
    <Fieldset legend="MySQL / MariaDB">
      <Stack gap="xs">
        <FieldRow
          form={form}
          fields={[
            {
              key: 'mysqlHost',
              label: 'Host',
              path: 'mysql.host',
              description: v.sshEnabled ? 'As seen from the SSH host' : undefined,
            },
            { key: 'mysqlPort', label: 'Port', path: 'mysql.port' },
            { key: 'mysqlUser', label: 'User', path: 'mysql.user' },
          ]}
        />
        <FieldRow
          form={form}
          fields={[
            {
              key: 'mysqlPassword',
              secret: 'mysql.password',
              label: 'Password',
              testId: 'profile-form-mysql-password',
              unsavedHint: 'Kept in the OS secret store, never in the app database',
            },
            { key: 'database', label: 'Default database', path: 'mysql.database' },
          ]}
        />
        <Group align="flex-end">
          <LabeledSegmentedControl
            label="TLS"
            testId="profile-form-tls"
            value={v.tls}
            onChange={(t) => set('tls', t)}
            options={TLS_OPTIONS}
          />
          {v.tls === 'verify' && (
            <div style={{ flex: 1 }}>
              <ProfileTextField form={form} field={{ key: 'caFile', label: 'CA certificate file', path: 'mysql.caFile' }} />
            </div>
          )}
        </Group>
      </Stack>
    </Fieldset>
  );
}

/** Where each hop's errors stand in the contract: the jump host is nested in the SSH settings. */
const HOP_ERROR_PREFIX = { ssh: 'ssh', jump: 'ssh.jump' } as const;

function FormHop({ form, hop }: Section & { hop: 'ssh' | 'jump' }) {
  return (
    <HopFields
      hop={hop}
      value={form.values[hop]}
      onChange={(h) => form.set(hop, h)}
      errors={form.errors}
      errorPrefix={HOP_ERROR_PREFIX[hop]}
      savedSecrets={form.saved}
    />
  );
}

export function SshSection({ form }: Section) {
  return (
    <Fieldset legend="SSH tunnel">
      <Stack gap="xs">
        <SwitchedFields form={form} flag="sshEnabled" label="Reach MySQL through an SSH host" testId="profile-form-ssh-enabled">
          <FormHop form={form} hop="ssh" />
          <ProfileTextField
            form={form}
            field={{
              key: 'keepaliveSeconds',
              label: 'Keepalive (seconds)',
              path: 'ssh.keepaliveSeconds',
              description: 'A silent drop is noticed after three unanswered keepalives',
            }}
          />
          <SwitchedFields
            form={form}
            flag="jumpEnabled"
            label="Through a jump host (ProxyJump)"
            testId="profile-form-jump-enabled"
          >
            <FormHop form={form} hop="jump" />
          </SwitchedFields>
        </SwitchedFields>
      </Stack>
    </Fieldset>
  );
}

export function FoldersSection({ form }: Section) {
  const { values: v, set, errors } = form;
  return (
    <Fieldset legend="Folders">
      <FieldRow
        form={form}
        fields={[
          { key: 'localBackupDir', label: 'Local backup folder', path: 'localBackupDir' },
          { key: 'remoteBackupDir', label: 'Backup folder on the SSH host', path: 'remoteBackupDir' },
          { key: 'migrationsDir', label: 'Migrations folder', path: 'migrationsDir', placeholder: 'Bundled migrations/' },
        ]}
      />
      <BackupEncryptionFields
        mode={v.backupEncrypt}
        recipients={v.backupRecipients}
        error={Object.entries(errors).find(([k]) => k.startsWith('backupEncryption'))?.[1]}
        onMode={(m) => set('backupEncrypt', m)}
        onRecipients={(r) => set('backupRecipients', r)}
      />
    </Fieldset>
  );
}

export function MailSection({ form }: Section) {
  return (
    <Fieldset legend="Mail">
      <Stack gap="xs">
        <SwitchedFields form={form} flag="smtpEnabled" label="SMTP settings" testId="profile-form-smtp-enabled">
          <FieldRow
            form={form}
            fields={[
              { key: 'smtpHost', label: 'SMTP host', path: 'smtp.host' },
              { key: 'smtpPort', label: 'Port', path: 'smtp.port' },
            ]}
          >
            <ProfileSelectField form={form} {...SMTP_SECURITY_FIELD} />
          </FieldRow>
          <FieldRow
            form={form}
            fields={[
              { key: 'smtpUser', label: 'SMTP user', path: 'smtp.user' },
              { key: 'smtpPassword', secret: 'smtp.password', label: 'SMTP password', testId: 'profile-form-smtp-password' },
              { key: 'smtpFrom', label: 'From address', path: 'smtp.from' },
            ]}
          />
        </SwitchedFields>
        <ProfileTextField
          form={form}
          field={{ key: 'mailpitUrl', label: 'Mailpit address', path: 'mailpit.url', placeholder: 'http://127.0.0.1:8025' }}
        />
      </Stack>
    </Fieldset>
  );
}

/** Saved secrets of the edited profile, each with a box to delete it on save. */
export function SavedSecretsSection({ form }: Section) {
  const { values: v, set, saved } = form;
  if (saved.length === 0) return null;
  return (
    <Fieldset legend="Saved secrets">
      <Group>
        {saved.map((name) => (
          <Checkbox
            key={name}
            label={`Delete saved ${SECRET_LABELS[name]}`}
            data-testid={`profile-form-clear-${name}`}
            checked={v.clearSecrets.includes(name)}
            onChange={(e) =>
              set('clearSecrets', e.currentTarget.checked ? [...v.clearSecrets, name] : v.clearSecrets.filter((n) => n !== name))
            }
          />
        ))}
      </Group>
    </Fieldset>
  );
}
