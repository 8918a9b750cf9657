import { Group, PasswordInput, Stack, TextInput } from '@mantine/core';
import type { SecretName } from '../../../shared/contract/profiles';
import { LabeledSegmentedControl } from '../common/LabeledSegmentedControl';
import type { HopValues } from './formModel';
import { SAVED_SECRET_HINT } from './profileFormFields';

interface HopFieldsProps {
  /** 'ssh' or 'jump': prefixes test ids and secret names. */
  hop: 'ssh' | 'jump';
  value: HopValues;
  onChange(next: HopValues): void;
  errors: Record<string, string>;
  /** Error path prefix: 'ssh' or 'ssh.jump'. */
  errorPrefix: string;
  savedSecrets: readonly SecretName[];
}

/** Where the hop is: each field's test id suffix and error path are its key. */
const ADDRESS_FIELDS = [
  { key: 'host', label: 'Host' },
  { key: 'port', label: 'Port', maw: 110 },
  { key: 'user', label: 'User' },
] as const;

const AUTH_OPTIONS = [
  { value: 'key', label: 'Key file' },
  { value: 'agent', label: 'SSH agent' },
  { value: 'password', label: 'Password' },
] as const;

/** Host, port, user and authentication of one SSH hop (the SSH host itself, or its jump host). */
export function HopFields({ hop, value, onChange, errors, errorPrefix, savedSecrets }: HopFieldsProps) {
  const set = <K extends keyof HopValues>(key: K, v: HopValues[K]) => onChange({ ...value, [key]: v });
  const id = (field: string) => `profile-form-${hop}-${field}`;
  const savedHint = (name: SecretName) => (savedSecrets.includes(name) ? SAVED_SECRET_HINT : undefined);
  return (
    <Stack gap="xs">
      <Group grow align="flex-start">
        {ADDRESS_FIELDS.map((f) => (
          <TextInput
            key={f.key}
            label={f.label}
            maw={'maw' in f ? f.maw : undefined}
            data-testid={id(f.key)}
            value={value[f.key]}
            error={errors[`${errorPrefix}.${f.key}`]}
            onChange={(e) => set(f.key, e.currentTarget.value)}
          />
        ))}
      </Group>
      <LabeledSegmentedControl
        label="Authentication"
        testId={id('auth')}
        value={value.auth}
        onChange={(auth) => set('auth', auth)}
        options={AUTH_OPTIONS}
      />
      {value.auth === 'key' && (
        <Group grow align="flex-start">
          <TextInput
            label="Private key file"
            placeholder="~/.ssh/id_ed25519"
            description="Empty: the usual files in ~/.ssh"
            data-testid={id('key')}
            value={value.privateKeyPath}
            onChange={(e) => set('privateKeyPath', e.currentTarget.value)}
          />
          <PasswordInput
            label="Key passphrase"
            description={savedHint(`${hop}.passphrase`) ?? 'Only for an encrypted key'}
            data-testid={id('passphrase')}
            value={value.passphrase}
            onChange={(e) => set('passphrase', e.currentTarget.value)}
          />
        </Group>
      )}
      {value.auth === 'agent' && (
        <TextInput
          label="Agent socket"
          placeholder="Empty: SSH_AUTH_SOCK"
          data-testid={id('agent')}
          value={value.agentSocket}
          onChange={(e) => set('agentSocket', e.currentTarget.value)}
        />
      )}
      {value.auth === 'password' && (
        <PasswordInput
          label="SSH password"
          description={savedHint(`${hop}.password`)}
          data-testid={id('password')}
          value={value.password}
          onChange={(e) => set('password', e.currentTarget.value)}
        />
      )}
    </Stack>
  );
}
