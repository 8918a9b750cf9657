import { useEffect, useState } from 'react';
import type { MailWatchState } from '../../../shared/contract/events';
import { type MailSource, mailSourceKey } from '../../../shared/contract/index';
import { api, call, errorMessage } from '../../api';

export interface WatchStatus {
  state: MailWatchState;
  detail: string | null;
}

/** How long a burst of mail events is gathered before one reload. */
const RELOAD_DEBOUNCE_MS = 150;

/**
 * Live updates for one source: the main process watches its websocket and forwards mail.captured (new) and
 * mail.changed (deleted, read/unread, emptied elsewhere) events, which reload the list. Returns the
 * websocket's real state as the main process reports it (mail.watch), not whether the watch call returned.
 */
export function useMailWatch(source: MailSource, reload: () => Promise<void>): WatchStatus {
  const key = mailSourceKey(source);
  const [watch, setWatch] = useState<WatchStatus>({ state: 'connecting', detail: null });
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const off = api.subscribe((event) => {
      if (!('source' in event) || event.source !== key) return;
      if (event.type === 'mail.watch') {
        setWatch({ state: event.state, detail: event.detail });
        return;
      }
      if (event.type !== 'mail.captured' && event.type !== 'mail.changed') return;
      clearTimeout(timer);
      timer = setTimeout(() => void reload(), RELOAD_DEBOUNCE_MS);
    });
    setWatch({ state: 'connecting', detail: null });
    call('mail.messages.watch', { source })
      .then((r) => setWatch((w) => (w.state === 'connecting' ? { state: r.state, detail: r.detail } : w)))
      .catch((err) => setWatch({ state: 'failed', detail: errorMessage(err) }));
    return () => {
      clearTimeout(timer);
      off();
    };
  }, [key, source, reload]);
  return watch;
}
