import { Alert, Badge, Button, Card, Grid, Group, Stack, Text, TextInput, Title } from '@mantine/core';
import { RefreshCw, Search, Trash2 } from 'lucide-react';
import { useCallback, useEffect, useRef, useState } from 'react';
import { type MailSource, type MessageSummary, mailSourceKey } from '../../../shared/contract/index';
import { api, call, errorMessage } from '../../api';
import { MessageList } from './MessageList';
import { MessageView } from './MessageView';

const PAGE = 100;

interface ListState {
  messages: MessageSummary[];
  matching: number;
  total: number;
  unread: number;
}

/**
 * The Mailpit / capture viewer: search, a virtualized list with paging, the message view, delete and
 * read/unread for the selection, and live updates (the main process watches the source's websocket and
 * forwards `mail.captured` events).
 */
export function MailViewer({ source, label }: { source: MailSource; label: string }) {
  const key = mailSourceKey(source);
  const [query, setQuery] = useState('');
  const [applied, setApplied] = useState('');
  const [list, setList] = useState<ListState>({ messages: [], matching: 0, total: 0, unread: 0 });
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const [loadingMore, setLoadingMore] = useState(false);
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [checked, setChecked] = useState<Set<string>>(new Set());
  const [live, setLive] = useState(false);
  const shown = useRef(PAGE);

  const load = useCallback(async () => {
    setLoading(true);
    try {
      const r = await call('mail.messages.list', {
        source,
        query: applied || undefined,
        start: 0,
        limit: Math.max(PAGE, shown.current),
      });
      setList({ messages: r.messages, matching: r.messages_count, total: r.total, unread: r.unread });
      setError(null);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setLoading(false);
    }
  }, [source, applied]);

  // Reload when the source or the search changes; live updates arrive as mail.captured events for this source.
  useEffect(() => {
    shown.current = PAGE;
    setSelectedId(null);
    setChecked(new Set());
    void load();
  }, [load]);
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const off = api.subscribe((event) => {
      if (event.type !== 'mail.captured' || event.source !== key) return;
      clearTimeout(timer);
      timer = setTimeout(() => void load(), 150);
    });
    setLive(false);
    call('mail.messages.watch', { source })
      .then(() => setLive(true))
      .catch(() => setLive(false));
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
            <Badge variant="light" color={live ? 'teal' : 'gray'} data-testid="mail-live">
              {live ? 'live' : 'not live'}
            </Badge>
          </Group>
          <Text size="sm" c="dimmed" data-testid="mail-totals">
            {list.total} messages · {list.unread} unread
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
