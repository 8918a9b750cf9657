import { type ReactNode, type RefObject, useEffect, useRef, useState } from 'react';
import type { Profile } from '../../../shared/contract/profiles';
import { ApiError, call, errorMessage } from '../../api';
import { useConfirmedAction } from '../ConfirmAction';
import { type FormValues, secretChanges, toProfileInput, validate } from './formModel';

interface SaveOptions {
  editing: Profile | null;
  duplicateOf: Profile | null;
  onSaved(profile: Profile): void;
}

export interface ProfileSave {
  save(values: FormValues): Promise<void>;
  /** Field errors by contract path, from the last save. */
  errors: Record<string, string>;
  saveError: string | null;
  saving: boolean;
  /** The form body: the first field in error is scrolled to and focused after a failed save. */
  bodyRef: RefObject<HTMLDivElement | null>;
  /** The typed confirmation a production change asks for. */
  confirmModal: ReactNode;
}

/** Validate with the contract, then create, update (through the safety check) or duplicate the profile. */
export function useProfileSave({ editing, duplicateOf, onSaved }: SaveOptions): ProfileSave {
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [errorRound, setErrorRound] = useState(0);
  const [saveError, setSaveError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const bodyRef = useRef<HTMLDivElement>(null);
  const confirmed = useConfirmedAction({ onError: (_title, err) => setSaveError(errorMessage(err)) });
  // After each failed save, bring the first field in error into view and focus it (long form in a modal).
  useEffect(() => {
    if (errorRound === 0) return;
    const first = bodyRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]');
    first?.scrollIntoView({ block: 'center' });
    first?.focus();
  }, [errorRound]);

  function showFieldErrors(found: Record<string, string>) {
    setErrors(found);
    setErrorRound((n) => n + 1);
  }

  async function save(v: FormValues) {
    const found = validate(v);
    if (Object.keys(found).length) {
      showFieldErrors(found);
      setSaveError('Some fields need attention.');
      return;
    }
    setErrors({});
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
        showFieldErrors({ name: err.message });
      }
      setSaveError(errorMessage(err));
    } finally {
      setSaving(false);
    }
  }

  return { save, errors, saveError, saving, bodyRef, confirmModal: confirmed.modal };
}
