import { Box, Button, Checkbox, Group, Text } from '@mantine/core';
import { Paperclip } from 'lucide-react';
import type { MessageSummary } from '../../../shared/contract/index';
import { formatDateTime } from '../../format';
import { ListScaffold } from '../table/ListScaffold';

interface Props {
  messages: MessageSummary[];
  /** How many match in total (more can be loaded). */
  matching: number;
  selectedId: string | null;
  checked: ReadonlySet<string>;
  loadingMore: boolean;
  onOpen(id: string): void;
  onToggle(id: string, on: boolean): void;
  onLoadMore(): void;
}

const ROW_HEIGHT = 58;

function MessageRow({ m, checked, onToggle }: { m: MessageSummary; checked: boolean; onToggle(id: string, on: boolean): void }) {
  const from = m.From.Name ? `${m.From.Name} <${m.From.Address}>` : m.From.Address;
  const to = m.To.map((a) => a.Address).join(', ');
  return (
    <Group
      gap="xs"
      wrap="nowrap"
      align="flex-start"
      p="6px 8px"
      style={{ borderBottom: '1px solid var(--mantine-color-default-border)', height: '100%' }}
    >
      <Checkbox
        size="xs"
        mt={3}
        checked={checked}
        onChange={(e) => onToggle(m.ID, e.currentTarget.checked)}
        // Ticking a message selects it for a bulk action; it does not open it.
        onClick={(e) => e.stopPropagation()}
        aria-label={`Select ${m.Subject}`}
        data-testid="mail-list-check"
      />
      <Box style={{ flex: 1, minWidth: 0 }}>
        <Group justify="space-between" wrap="nowrap" gap="xs">
          <Text size="sm" fw={m.Read ? 400 : 700} truncate title={m.Subject} data-testid="mail-list-subject">
            {m.Subject || '(no subject)'}
          </Text>
          <Text size="xs" c="dimmed" style={{ whiteSpace: 'nowrap' }}>
            {formatDateTime(m.Created)}
          </Text>
        </Group>
        <Group gap={4} wrap="nowrap">
          {m.Attachments > 0 && <Paperclip size={12} />}
          <Text size="xs" c="dimmed" truncate title={`${from} → ${to}`}>
            {from} → {to}
          </Text>
        </Group>
      </Box>
    </Group>
  );
}

/** The message list on the shared virtual list scaffold, so thousands of captured mails scroll smoothly. */
export function MessageList({ messages, matching, selectedId, checked, loadingMore, onOpen, onToggle, onLoadMore }: Props) {
  return (
    <Box>
      <Box style={{ border: '1px solid var(--mantine-color-default-border)', borderRadius: 4 }}>
        <ListScaffold
          label="Messages"
          items={messages}
          getKey={(m) => m.ID}
          rowHeight={ROW_HEIGHT}
          height={520}
          selectedKey={selectedId}
          onOpen={(m) => onOpen(m.ID)}
          testId="mail-list"
          rowProps={(m) => ({ 'data-testid': 'mail-list-row', 'data-id': m.ID, 'data-read': m.Read })}
          renderRow={(m) => <MessageRow m={m} checked={checked.has(m.ID)} onToggle={onToggle} />}
        />
      </Box>
      <Group justify="space-between" mt={4}>
        <Text size="xs" c="dimmed" data-testid="mail-list-count">
          {messages.length} of {matching} shown
        </Text>
        {messages.length < matching && (
          <Button size="compact-xs" variant="subtle" onClick={onLoadMore} loading={loadingMore} data-testid="mail-list-more">
            Load more
          </Button>
        )}
      </Group>
    </Box>
  );
}
