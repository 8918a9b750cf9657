import { Alert, Badge, Button, Card, Grid, Group, Stack, Text, TextInput, Title, Tooltip } from '@mantine/core';
import { Search, Trash2 } from 'lucide-react';
import { useState } from 'react';
import type { MailWatchState } from '../../../shared/contract/events';
import { type MailSource, mailSourceKey } from '../../../shared/contract/index';
import { call, errorMessage } from '../../api';
import { ActionButtons } from '../common/ActionButtons';
import { RefreshButton } from '../common/RefreshButton';
import { MessageList } from './MessageList';
import { MessageView } from './MessageView';
import { type ListState, useMailList } from './useMailList';
import { useMailWatch, type WatchStatus } from './useMailWatch';

const BADGE: Record<MailWatchState, { label: string; color: string }> = {
  connecting: { label: 'connecting…', color: 'gray' },
  connected: { label: 'live', color: 'teal' },
  reconnecting: { label: 'reconnecting…', color: 'yellow' },
  failed: { label: 'not live', color: 'red' },
};

type BulkAction = 'delete' | 'read' | 'unread';

/** The badge's tooltip: what the websocket last said and, while it is down, that it keeps trying. */
function watchTooltip(watch: WatchStatus): string {
  if (watch.state === 'failed' || watch.state === 'reconnecting')
    return `${watch.detail ?? 'Not connected.'} Retrying in the background, at least once every 5 s; new mail shows up once it connects.`;
  return watch.detail ?? 'Live updates over the Mailpit websocket';
}

function MailboxHeader({
  label,
  watch,
  list,
  readable,
}: {
  label: string;
  watch: WatchStatus;
  list: ListState;
  readable: boolean;
}) {
  return (
    <Group justify="space-between">
      <Group gap="xs">
        <Title order={4}>Mailbox: {label}</Title>
        <Tooltip label={watchTooltip(watch)} multiline maw={360}>
          <Badge variant="light" color={BADGE[watch.state].color} data-testid="mail-live" data-state={watch.state}>
            {BADGE[watch.state].label}
          </Badge>
        </Tooltip>
      </Group>
      <Text size="sm" c="dimmed" data-testid="mail-totals">
        {readable ? `${list.total} messages · ${list.unread} unread` : 'not readable'}
      </Text>
    </Group>
  );
}

/** The search box: typing changes nothing until Enter or Search; Refresh reloads what is shown. */
function MailSearchBar({ onSearch, onRefresh, loading }: { onSearch(query: string): void; onRefresh(): void; loading: boolean }) {
  const [query, setQuery] = useState('');
  return (
    <Group gap="xs" align="flex-end">
      <TextInput
        placeholder='Search, e.g. subject:"reset" is:unread from:curator@sysndd.org'
        value={query}
        onChange={(e) => setQuery(e.currentTarget.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter') onSearch(query.trim());
        }}
        leftSection={<Search size={14} />}
        style={{ flex: 1 }}
        data-testid="mail-search"
      />
      <Button variant="default" onClick={() => onSearch(query.trim())} data-testid="mail-search-go">
        Search
      </Button>
      <RefreshButton iconSize={14} onClick={onRefresh} loading={loading} testId="mail-refresh" />
    </Group>
  );
}

function BulkMailActions({ count, onAct }: { count: number; onAct(kind: BulkAction): void }) {
  const none = count === 0;
  return (
    <ActionButtons
      size="compact-sm"
      actions={[
        { label: 'Mark read', testId: 'mail-mark-read', disabled: none, onClick: () => onAct('read') },
        { label: 'Mark unread', testId: 'mail-mark-unread', disabled: none, onClick: () => onAct('unread') },
        {
          label: `Delete selected (${count})`,
          testId: 'mail-delete-selected',
          icon: <Trash2 size={14} />,
          danger: true,
          disabled: none,
          onClick: () => onAct('delete'),
        },
      ]}
    />
  );
}

/**
 * The Mailpit / capture viewer: search, a virtualized list with paging, the message view, delete and
 * read/unread for the selection, and live updates (useMailWatch).
 */
export function MailViewer({ source, label }: { source: MailSource; label: string }) {
  const [query, setQuery] = useState('');
  const mail = useMailList(source, query);
  const watch = useMailWatch(source, mail.load);

  async function act(kind: BulkAction) {
    const ids = [...mail.checked];
    if (ids.length === 0) return; // Never send an empty selection: Mailpit would apply it to every message.
    try {
      if (kind === 'delete') {
        await call('mail.messages.delete', { source, ids });
        if (mail.selectedId && mail.checked.has(mail.selectedId)) mail.setSelectedId(null);
        mail.setChecked(new Set());
      } else {
        await call('mail.messages.markRead', { source, ids, read: kind === 'read' });
      }
      await mail.load();
    } catch (err) {
      mail.setError(errorMessage(err));
    }
  }

  return (
    <Card withBorder data-testid="mail-viewer" data-source={mailSourceKey(source)}>
      <Stack gap="sm">
        <MailboxHeader label={label} watch={watch} list={mail.list} readable={!mail.error} />
        <MailSearchBar onSearch={setQuery} onRefresh={() => void mail.load()} loading={mail.loading} />
        <BulkMailActions count={mail.checked.size} onAct={(kind) => void act(kind)} />
        {mail.error && (
          <Alert color="red" data-testid="mail-viewer-error">
            {mail.error}
          </Alert>
        )}
        <Grid>
          <Grid.Col span={{ base: 12, lg: 5 }}>
            <MessageList
              messages={mail.list.messages}
              matching={mail.list.matching}
              selectedId={mail.selectedId}
              checked={mail.checked}
              loadingMore={mail.loadingMore}
              onOpen={mail.setSelectedId}
              onToggle={mail.toggle}
              onLoadMore={() => void mail.loadMore()}
            />
          </Grid.Col>
          <Grid.Col span={{ base: 12, lg: 7 }}>
            {mail.selectedId ? (
              <MessageView source={source} id={mail.selectedId} onRead={mail.onRead} />
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
