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

const CONNECTING: WatchStatus = { state: 'connecting', detail: null };

/**
 * Live updates for one source: the main process watches its websocket and forwards mail.captured (new) and
 * mail.changed (deleted, read/unread, emptied elsewhere) events, which reload the list. Returns the
 * websocket's real state as the main process reports it (mail.watch), not whether the watch call returned.
 *
 * The state is kept per source key: a re-run of the effect for the same source (a new `reload`) keeps what
 * is known instead of showing "connecting…" again, and a new source starts at "connecting…" rather than
 * inheriting the last one's state. The watch call's answer applies only if no mail.watch event came first
 * (an event is newer than the answer, which was taken when the call was served) and the effect still runs.
 */
export function useMailWatch(source: MailSource, reload: () => Promise<void>): WatchStatus {
  const key = mailSourceKey(source);
  const [known, setKnown] = useState<{ key: string; status: WatchStatus }>({ key, status: CONNECTING });
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    // An answer is stale once a mail.watch event came, or once this effect was cleaned up (its subscription is
    // gone, so it would not see the events that followed).
    let answerStale = false;
    const off = api.subscribe((event) => {
      if (!('source' in event) || event.source !== key) return;
      if (event.type === 'mail.watch') {
        answerStale = true;
        setKnown({ key, status: { state: event.state, detail: event.detail } });
        return;
      }
      if (event.type !== 'mail.captured' && event.type !== 'mail.changed') return;
      clearTimeout(timer);
      timer = setTimeout(() => void reload(), RELOAD_DEBOUNCE_MS);
    });
    call('mail.messages.watch', { source })
      .then((r) => {
        if (!answerStale) setKnown({ key, status: { state: r.state, detail: r.detail } });
      })
      .catch((err) => {
        if (!answerStale) setKnown({ key, status: { state: 'failed', detail: errorMessage(err) } });
      });
    return () => {
      answerStale = true;
      clearTimeout(timer);
      off();
    };
  }, [key, source, reload]);
  return known.key === key ? known.status : CONNECTING;
}
