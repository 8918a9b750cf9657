import { notifications } from '@mantine/notifications';
import { useCallback, useState } from 'react';
import { errorMessage } from '../../api';

/**
 * Runs an async action behind a busy flag (a button's loading state). A failure does not escape: it shows
 * as a red notification, titled `failTitle` when given, with the error's words.
 */
export function useBusyAction() {
  const [busy, setBusy] = useState(false);
  const run = useCallback(async (action: () => Promise<void>, failTitle?: string): Promise<void> => {
    setBusy(true);
    try {
      await action();
    } catch (err) {
      notifications.show({ color: 'red', ...(failTitle ? { title: failTitle } : {}), message: errorMessage(err) });
    } finally {
      setBusy(false);
    }
  }, []);
  return { busy, run };
}
