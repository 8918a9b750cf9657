import { Group, PasswordInput, Select, Switch, TextInput } from '@mantine/core';
import type { ReactNode } from 'react';
import type { SecretName } from '../../../shared/contract/profiles';
import type { FormValues } from './formModel';

/** The description of a secret input whose value is saved: an empty input keeps it. */
export const SAVED_SECRET_HINT = 'Saved — leave empty to keep';

/** What every section of the profile form works on: the values, their errors by contract path, and a setter. */
export interface ProfileFormBinding {
  values: FormValues;
  /** Errors keyed by the contract's field path ('mysql.port', 'ssh.jump.host'). */
  errors: Record<string, string>;
  set<K extends keyof FormValues>(key: K, value: FormValues[K]): void;
  /** Secrets the edited profile has saved (empty when creating). */
  saved: readonly SecretName[];
}

/** Form fields that hold free text (not a fixed choice such as environment or TLS). */
type TextKey = { [K in keyof FormValues]: string extends FormValues[K] ? K : never }[keyof FormValues];
type FlagKey = { [K in keyof FormValues]: FormValues[K] extends boolean ? K : never }[keyof FormValues];

export interface TextFieldSpec {
  key: TextKey;
  label: string;
  /** The contract path: keys the error and names the test id (dots become dashes). */
  path: string;
  placeholder?: string;
  description?: string;
}

export function ProfileTextField({ form, field }: { form: ProfileFormBinding; field: TextFieldSpec }) {
  const { key, label, path, placeholder, description } = field;
  return (
    <TextInput
      label={label}
      data-testid={`profile-form-${path.replace(/\./g, '-')}`}
      value={form.values[key]}
      error={form.errors[path]}
      onChange={(e) => form.set(key, e.currentTarget.value)}
      placeholder={placeholder}
      description={description}
    />
  );
}

/** Form fields that hold one of a fixed list of words, picked from a menu. */
type ChoiceKey = 'environment' | 'smtpSecurity';

export function ProfileSelectField<K extends ChoiceKey>({
  form,
  field,
  label,
  testId,
  options,
}: {
  form: ProfileFormBinding;
  field: K;
  label: string;
  testId: string;
  options: ReadonlyArray<FormValues[K]>;
}) {
  return (
    <Select
      label={label}
      data-testid={testId}
      value={form.values[field]}
      allowDeselect={false}
      // The menu offers only the options given, so a picked value is one of them.
      onChange={(next) => next && form.set(field, next as FormValues[K])}
      data={[...options]}
      comboboxProps={{ withinPortal: true }}
    />
  );
}

export interface SecretFieldSpec {
  key: 'mysqlPassword' | 'smtpPassword';
  /** The saved secret this input replaces. */
  secret: SecretName;
  label: string;
  testId: string;
  /** The description while nothing is saved. */
  unsavedHint?: string;
}

/** A secret input: empty keeps the saved value, which the description says when there is one. */
export function SecretField({ form, field }: { form: ProfileFormBinding; field: SecretFieldSpec }) {
  return (
    <PasswordInput
      label={field.label}
      description={form.saved.includes(field.secret) ? SAVED_SECRET_HINT : field.unsavedHint}
      data-testid={field.testId}
      value={form.values[field.key]}
      onChange={(e) => form.set(field.key, e.currentTarget.value)}
    />
  );
}

/** Text and secret fields side by side, sharing the row's width; `children` (a menu) go at the end. */
export function FieldRow({
  form,
  fields,
  children,
}: {
  form: ProfileFormBinding;
  fields: Array<TextFieldSpec | SecretFieldSpec>;
  children?: ReactNode;
}) {
  return (
    <Group grow align="flex-start">
      {fields.map((f) =>
        'secret' in f ? (
          <SecretField key={f.key} form={form} field={f} />
        ) : (
          <ProfileTextField key={f.key} form={form} field={f} />
        ),
      )}
      {children}
    </Group>
  );
}

/** A switch that shows the fields it turns on only while it is on. */
export function SwitchedFields({
  form,
  flag,
  label,
  testId,
  children,
}: {
  form: ProfileFormBinding;
  flag: FlagKey;
  label: string;
  testId: string;
  children: ReactNode;
}) {
  return (
    <>
      <Switch
        label={label}
        data-testid={testId}
        checked={form.values[flag]}
        onChange={(e) => form.set(flag, e.currentTarget.checked)}
      />
      {form.values[flag] && children}
    </>
  );
}
