import { Alert, Badge, Button, Card, Grid, Group, Stack, Text, TextInput, Title, Tooltip } from '@mantine/core';
import { RefreshCw, Search, Trash2 } from 'lucide-react';
import { useCallback, useEffect, useRef, useState } from 'react';
import type { MailWatchState } from '../../../shared/contract/events';
import { type MailSource, type MessageSummary, mailSourceKey } from '../../../shared/contract/index';
import { api, call, errorMessage } from '../../api';
import { MessageList } from './MessageList';
import { MessageView } from './MessageView';

const PAGE = 100;

const BADGE: Record<MailWatchState, { label: string; color: string }> = {
  connecting: { label: 'connecting…', color: 'gray' },
  connected: { label: 'live', color: 'teal' },
  reconnecting: { label: 'reconnecting…', color: 'yellow' },
  failed: { label: 'not live', color: 'red' },
};

interface ListState {
  messages: MessageSummary[];
  matching: number;
  total: number;
  unread: number;
}

const EMPTY_LIST: ListState = { messages: [], matching: 0, total: 0, unread: 0 };

/**
 * The Mailpit / capture viewer: search, a virtualized list with paging, the message view, delete and
 * read/unread for the selection, and live updates (the main process watches the source's websocket and
 * forwards `mail.captured` events).
 */
export function MailViewer({ source, label }: { source: MailSource; label: string }) {
  const key = mailSourceKey(source);
  const [query, setQuery] = useState('');
  const [applied, setApplied] = useState('');
  const [list, setList] = useState<ListState>(EMPTY_LIST);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const [loadingMore, setLoadingMore] = useState(false);
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [checked, setChecked] = useState<Set<string>>(new Set());
  // The websocket's real state as the main process reports it (mail.watch), not whether the watch call returned.
  const [watch, setWatch] = useState<{ state: MailWatchState; detail: string | null }>({ state: 'connecting', detail: null });
  const shown = useRef(PAGE);
  // Answers for an older source or search are dropped, so a slow answer never lands under a newer choice.
  const ticket = useRef(0);

  const load = useCallback(async () => {
    const mine = ++ticket.current;
    setLoading(true);
    try {
      const r = await call('mail.messages.list', {
        source,
        query: applied || undefined,
        start: 0,
        limit: Math.max(PAGE, shown.current),
      });
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
  }, [source, applied]);

  // Reload when the source or the search changes; live updates arrive as mail.captured (new) and mail.changed
  // (deleted, read/unread, emptied elsewhere) events for this source.
  useEffect(() => {
    shown.current = PAGE;
    setSelectedId(null);
    setChecked(new Set());
    setList(EMPTY_LIST);
    setError(null);
    void load();
  }, [load]);
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
      timer = setTimeout(() => void load(), 150);
    });
    setWatch({ state: 'connecting', detail: null });
    call('mail.messages.watch', { source })
      .then((r) => setWatch((w) => (w.state === 'connecting' ? { state: r.state, detail: r.detail } : w)))
      .catch((err) => setWatch({ state: 'failed', detail: errorMessage(err) }));
    return () => {
      clearTimeout(timer);
      off();
    };
  }, [key, source, load]);

  async function loadMore() {
    setLoadingMore(true);
    try {
      const r = await call('mail.messages.list', {
        source,
        query: applied || undefined,
        start: list.messages.length,
        limit: PAGE,
      });
      const seen = new Set(list.messages.map((m) => m.ID));
      shown.current = list.messages.length + r.messages.length;
      setList((l) => ({
        ...l,
        messages: [...l.messages, ...r.messages.filter((m) => !seen.has(m.ID))],
        matching: r.messages_count,
      }));
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setLoadingMore(false);
    }
  }

  const onRead = useCallback((id: string, read: boolean) => {
    setList((l) => {
      const m = l.messages.find((x) => x.ID === id);
      if (!m || m.Read === read) return l;
      return { ...l, messages: l.messages.map((x) => (x.ID === id ? { ...x, Read: read } : x)) };
    });
  }, []);

  const toggle = useCallback((id: string, on: boolean) => {
    setChecked((c) => {
      const next = new Set(c);
      if (on) next.add(id);
      else next.delete(id);
      return next;
    });
  }, []);

  async function act(kind: 'delete' | 'read' | 'unread') {
    const ids = [...checked];
    if (ids.length === 0) return; // Never send an empty selection: Mailpit would apply it to every message.
    try {
      if (kind === 'delete') {
        await call('mail.messages.delete', { source, ids });
        if (selectedId && checked.has(selectedId)) setSelectedId(null);
        setChecked(new Set());
      } else {
        await call('mail.messages.markRead', { source, ids, read: kind === 'read' });
      }
      await load();
    } catch (err) {
      setError(errorMessage(err));
    }
  }

  return (
    <Card withBorder data-testid="mail-viewer" data-source={key}>
      <Stack gap="sm">
        <Group justify="space-between">
          <Group gap="xs">
            <Title order={4}>Mailbox: {label}</Title>
            <Tooltip label={watch.detail ?? 'Live updates over the Mailpit websocket'} multiline maw={360}>
              <Badge variant="light" color={BADGE[watch.state].color} data-testid="mail-live" data-state={watch.state}>
                {BADGE[watch.state].label}
              </Badge>
            </Tooltip>
          </Group>
          <Text size="sm" c="dimmed" data-testid="mail-totals">
            {error ? 'not readable' : `${list.total} messages · ${list.unread} unread`}
          </Text>
        </Group>
        <Group gap="xs" align="flex-end">
          <TextInput
            placeholder='Search, e.g. subject:"reset" is:unread from:curator@sysndd.org'
            value={query}
            onChange={(e) => setQuery(e.currentTarget.value)}
            onKeyDown={(e) => {
              if (e.key === 'Enter') setApplied(query.trim());
            }}
            leftSection={<Search size={14} />}
            style={{ flex: 1 }}
            data-testid="mail-search"
          />
          <Button variant="default" onClick={() => setApplied(query.trim())} data-testid="mail-search-go">
            Search
          </Button>
          <Button
            variant="default"
            leftSection={<RefreshCw size={14} />}
            onClick={() => void load()}
            loading={loading}
            data-testid="mail-refresh"
          >
            Refresh
          </Button>
        </Group>
        <Group gap="xs">
          <Button
            size="compact-sm"
            variant="default"
            disabled={checked.size === 0}
            onClick={() => void act('read')}
            data-testid="mail-mark-read"
          >
            Mark read
          </Button>
          <Button
            size="compact-sm"
            variant="default"
            disabled={checked.size === 0}
            onClick={() => void act('unread')}
            data-testid="mail-mark-unread"
          >
            Mark unread
          </Button>
          <Button
            size="compact-sm"
            color="red"
            variant="light"
            leftSection={<Trash2 size={14} />}
            disabled={checked.size === 0}
            onClick={() => void act('delete')}
            data-testid="mail-delete-selected"
          >
            Delete selected ({checked.size})
          </Button>
        </Group>
        {error && (
          <Alert color="red" data-testid="mail-viewer-error">
            {error}
          </Alert>
        )}
        <Grid>
          <Grid.Col span={{ base: 12, lg: 5 }}>
            <MessageList
              messages={list.messages}
              matching={list.matching}
              selectedId={selectedId}
              checked={checked}
              loadingMore={loadingMore}
              onOpen={setSelectedId}
              onToggle={toggle}
              onLoadMore={() => void loadMore()}
            />
          </Grid.Col>
          <Grid.Col span={{ base: 12, lg: 7 }}>
            {selectedId ? (
              <MessageView source={source} id={selectedId} onRead={onRead} />
            ) : (
              <Text size="sm" c="dimmed" mt="md">
                Select a message to see it.
              </Text>
            )}
          </Grid.Col>
        </Grid>
      </Stack>
    </Card>
  );
}
