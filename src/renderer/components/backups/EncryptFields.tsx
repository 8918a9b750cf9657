import { PasswordInput, Stack, Switch } from '@mantine/core';
import { useState } from 'react';
import type { BackupEncryption } from '../../../shared/contract/index';
import { ChoiceControl, type SegmentOption } from '../common/ChoiceControl';
import { AgeRecipientsInput } from './AgeRecipientsInput';

const RECIPIENT = /^age1[02-9ac-hj-np-z]{20,}$/;

export interface EncryptChoice {
  on: boolean;
  mode: 'keys' | 'passphrase';
  recipients: string;
  passphrase: string;
}

const ENCRYPT_MODES: ReadonlyArray<SegmentOption<EncryptChoice['mode']>> = [
  { value: 'keys', label: 'Public keys' },
  { value: 'passphrase', label: 'Passphrase' },
];

export const NO_ENCRYPTION: EncryptChoice = { on: false, mode: 'keys', recipients: '', passphrase: '' };

/** The contract's `encrypt` from the fields, or an error sentence when they are not usable yet. */
export function encryptionOf(c: EncryptChoice): { value?: BackupEncryption; error?: string } {
  if (!c.on) return {};
  if (c.mode === 'passphrase') {
    if (c.passphrase.length < 8) return { error: 'The passphrase needs at least 8 characters.' };
    return { value: { passphrase: c.passphrase } };
  }
  const list = c.recipients
    .split(/[\s,]+/)
    .map((r) => r.trim())
    .filter(Boolean);
  if (!list.length) return { error: 'Give at least one age public key (age1…).' };
  const bad = list.find((r) => !RECIPIENT.test(r));
  if (bad) return { error: `"${bad.slice(0, 24)}" is not an age public key (age1…).` };
  return { value: { recipients: list } };
}

/** "Encrypt the copy": age public keys (one per line) or a passphrase. Keys stay in this form only. */
export function EncryptFields({
  value,
  onChange,
  label = 'Encrypt the copy',
  testId,
}: {
  value: EncryptChoice;
  onChange(v: EncryptChoice): void;
  label?: string;
  testId: string;
}) {
  const [touched, setTouched] = useState(false);
  const { error } = encryptionOf(value);
  return (
    <Stack gap={6}>
      <Switch
        label={label}
        description="age format: opens with `age -d` and the key or passphrase, no console needed"
        checked={value.on}
        onChange={(e) => onChange({ ...value, on: e.currentTarget.checked })}
        data-testid={`${testId}-encrypt`}
      />
      {value.on && (
        <>
          <ChoiceControl
            size="xs"
            value={value.mode}
            onChange={(mode) => onChange({ ...value, mode })}
            options={ENCRYPT_MODES}
            testId={`${testId}-encrypt-mode`}
          />
          {value.mode === 'keys' ? (
            <AgeRecipientsInput
              value={value.recipients}
              onChange={(recipients) => onChange({ ...value, recipients })}
              onBlur={() => setTouched(true)}
              error={touched ? error : undefined}
              data-testid={`${testId}-recipients`}
            />
          ) : (
            <PasswordInput
              label="Passphrase"
              description="At least 8 characters; it is not stored anywhere"
              value={value.passphrase}
              onChange={(e) => onChange({ ...value, passphrase: e.currentTarget.value })}
              onBlur={() => setTouched(true)}
              error={touched ? error : undefined}
              data-testid={`${testId}-passphrase`}
            />
          )}
        </>
      )}
    </Stack>
  );
}
