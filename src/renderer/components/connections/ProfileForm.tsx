import { Alert, Button, Modal, Stack, Text } from '@mantine/core';
import { useState } from 'react';
import { type Profile, SECRET_LABELS } from '../../../shared/contract/profiles';
import { ModalActions } from '../common/ModalActions';
import type { FormValues } from './formModel';
import {
  FoldersSection,
  IdentitySection,
  MailSection,
  MysqlSection,
  SavedSecretsSection,
  SshSection,
} from './ProfileFormSections';
import type { ProfileFormBinding } from './profileFormFields';
import { useProfileSave } from './useProfileSave';

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

/** Create / edit / duplicate a profile: every field, validated by the contract's own schema before saving. */
export function ProfileForm({ initial, editing, duplicateOf = null, title, onClose, onSaved }: ProfileFormProps) {
  const [values, setValues] = useState<FormValues>(initial);
  const { save, errors, saveError, saving, bodyRef, confirmModal } = useProfileSave({ editing, duplicateOf, onSaved });
  const form: ProfileFormBinding = {
    values,
    errors,
    set: (key, value) => setValues((old) => ({ ...old, [key]: value })),
    saved: editing?.secrets ?? [],
  };

  return (
    <Modal opened onClose={onClose} title={title} size="xl" data-testid="profile-form">
      {confirmModal}
      <Stack gap="md" ref={bodyRef}>
        {duplicateOf && duplicateOf.secrets.length > 0 && (
          <Text size="sm" c="dimmed" data-testid="profile-form-copies-secrets">
            The copy keeps the saved {duplicateOf.secrets.map((n) => SECRET_LABELS[n]).join(', ')} of "{duplicateOf.name}" unless
            you type new ones.
          </Text>
        )}
        <IdentitySection form={form} />
        <MysqlSection form={form} />
        <SshSection form={form} />
        <FoldersSection form={form} />
        <MailSection form={form} />
        <SavedSecretsSection form={form} />
        {saveError && (
          <Alert color="red" data-testid="profile-form-error">
            {saveError}
          </Alert>
        )}
        <ModalActions onCancel={onClose} cancelTestId="profile-form-cancel">
          <Button onClick={() => save(values)} loading={saving} data-testid="profile-form-save">
            Save profile
          </Button>
        </ModalActions>
      </Stack>
    </Modal>
  );
}
