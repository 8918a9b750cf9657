import { useCallback, useEffect, useRef, useState } from 'react';
import type { MailSource, MessageSummary } from '../../../shared/contract/index';
import { call, errorMessage } from '../../api';

const PAGE = 100;

export interface ListState {
  messages: MessageSummary[];
  matching: number;
  total: number;
  unread: number;
}

const EMPTY_LIST: ListState = { messages: [], matching: 0, total: 0, unread: 0 };

function withPage(list: ListState, page: { messages: MessageSummary[]; messages_count: number }): ListState {
  // A message that arrived while paging shifts the pages: skip the ones already shown.
  const seen = new Set(list.messages.map((m) => m.ID));
  return {
    ...list,
    messages: [...list.messages, ...page.messages.filter((m) => !seen.has(m.ID))],
    matching: page.messages_count,
  };
}

/** The list with one message marked read or unread; the same object when nothing changes (no re-render). */
function withRead(list: ListState, id: string, read: boolean): ListState {
  const m = list.messages.find((x) => x.ID === id);
  if (!m || m.Read === read) return list;
  return { ...list, messages: list.messages.map((x) => (x.ID === id ? { ...x, Read: read } : x)) };
}

function toggled(ids: ReadonlySet<string>, id: string, on: boolean): Set<string> {
  const next = new Set(ids);
  if (on) next.add(id);
  else next.delete(id);
  return next;
}

/**
 * One source's messages for a search: the list (first page, then "Load more"), the open message and the
 * ticked ones, all reset when the source or the search changes.
 */
export function useMailList(source: MailSource, query: string) {
  const [list, setList] = useState<ListState>(EMPTY_LIST);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const [loadingMore, setLoadingMore] = useState(false);
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [checked, setChecked] = useState<Set<string>>(new Set());
  const shown = useRef(PAGE);
  // Answers for an older source or search are dropped, so a slow answer never lands under a newer choice.
  const ticket = useRef(0);
  const args = useCallback(
    (start: number, limit: number) => ({ source, query: query || undefined, start, limit }),
    [source, query],
  );

  const load = useCallback(async () => {
    const mine = ++ticket.current;
    setLoading(true);
    try {
      const r = await call('mail.messages.list', args(0, Math.max(PAGE, shown.current)));
      if (mine !== ticket.current) return;
      setList({ messages: r.messages, matching: r.messages_count, total: r.total, unread: r.unread });
      setError(null);
    } catch (err) {
      if (mine !== ticket.current) return;
      // A source that cannot be read shows its error and nothing else: never the messages of another source.
      setList(EMPTY_LIST);
      setSelectedId(null);
      setError(errorMessage(err));
    } finally {
      if (mine === ticket.current) setLoading(false);
    }
  }, [args]);

  useEffect(() => {
    shown.current = PAGE;
    setSelectedId(null);
    setChecked(new Set());
    setList(EMPTY_LIST);
    setError(null);
    void load();
  }, [load]);

  async function loadMore() {
    setLoadingMore(true);
    try {
      const page = await call('mail.messages.list', args(list.messages.length, PAGE));
      shown.current = list.messages.length + page.messages.length;
      setList((l) => withPage(l, page));
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setLoadingMore(false);
    }
  }

  const onRead = useCallback((id: string, read: boolean) => setList((l) => withRead(l, id, read)), []);
  const toggle = useCallback((id: string, on: boolean) => setChecked((c) => toggled(c, id, on)), []);

  return {
    list,
    error,
    setError,
    loading,
    loadingMore,
    load,
    loadMore,
    onRead,
    selectedId,
    setSelectedId,
    checked,
    setChecked,
    toggle,
  };
}
