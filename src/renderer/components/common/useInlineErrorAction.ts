import { useCallback, useState } from 'react';
import { errorMessage } from '../../api';

/**
 * Runs an async action behind a busy flag and keeps its failure as words to show beside the form (a modal's
 * red Alert), where a notification would sit behind the modal. Starting again clears the previous failure.
 * For an action outside a form, `useBusyAction` shows the failure as a notification instead.
 */
export function useInlineErrorAction() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const run = useCallback(async (action: () => Promise<void>): Promise<void> => {
    setBusy(true);
    setError(null);
    try {
      await action();
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }, []);
  /** For a form that opens afresh (a popover shown again): the last failure no longer applies. */
  const clearError = useCallback(() => setError(null), []);
  return { busy, error, run, clearError };
}
