import { Group, PasswordInput, SegmentedControl, Stack, Text, TextInput } from '@mantine/core';
import type { SecretName } from '../../../shared/contract/profiles';
import type { HopValues } from './formModel';

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

/** Host, port, user and authentication of one SSH hop (the SSH host itself, or its jump host). */
export function HopFields({ hop, value, onChange, errors, errorPrefix, savedSecrets }: HopFieldsProps) {
  const set = <K extends keyof HopValues>(key: K, v: HopValues[K]) => onChange({ ...value, [key]: v });
  const id = (field: string) => `profile-form-${hop}-${field}`;
  const err = (field: string) => errors[`${errorPrefix}.${field}`];
  const saved = (name: SecretName) => savedSecrets.includes(name);
  return (
    <Stack gap="xs">
      <Group grow align="flex-start">
        <TextInput
          label="Host"
          data-testid={id('host')}
          value={value.host}
          error={err('host')}
          onChange={(e) => set('host', e.currentTarget.value)}
        />
        <TextInput
          label="Port"
          maw={110}
          data-testid={id('port')}
          value={value.port}
          error={err('port')}
          onChange={(e) => set('port', e.currentTarget.value)}
        />
        <TextInput
          label="User"
          data-testid={id('user')}
          value={value.user}
          error={err('user')}
          onChange={(e) => set('user', e.currentTarget.value)}
        />
      </Group>
      <div>
        <Text size="sm" fw={500} mb={4}>
          Authentication
        </Text>
        <SegmentedControl
          data-testid={id('auth')}
          value={value.auth}
          onChange={(v) => set('auth', v as HopValues['auth'])}
          data={[
            { value: 'key', label: 'Key file' },
            { value: 'agent', label: 'SSH agent' },
            { value: 'password', label: 'Password' },
          ]}
        />
      </div>
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
            description={saved(`${hop}.passphrase`) ? 'Saved — leave empty to keep' : 'Only for an encrypted key'}
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
          description={saved(`${hop}.password`) ? 'Saved — leave empty to keep' : undefined}
          data-testid={id('password')}
          value={value.password}
          onChange={(e) => set('password', e.currentTarget.value)}
        />
      )}
    </Stack>
  );
}
