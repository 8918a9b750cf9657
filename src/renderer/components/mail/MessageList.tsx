import { Box, Button, Checkbox, Group, Text } from '@mantine/core';
import { useVirtualizer } from '@tanstack/react-virtual';
import { Paperclip } from 'lucide-react';
import { useRef } from 'react';
import type { MessageSummary } from '../../../shared/contract/index';
import { formatDateTime } from '../../format';

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

/** The message list, virtualized (TanStack Virtual) so thousands of captured mails scroll smoothly. */
export function MessageList({ messages, matching, selectedId, checked, loadingMore, onOpen, onToggle, onLoadMore }: Props) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: messages.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
  });

  return (
    <Box>
      <div
        ref={scrollRef}
        style={{ height: 520, overflowY: 'auto', border: '1px solid var(--mantine-color-default-border)', borderRadius: 4 }}
        data-testid="mail-list"
      >
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {virtualizer.getVirtualItems().map((item) => {
            const m = messages[item.index] as MessageSummary;
            const selected = m.ID === selectedId;
            return (
              <div
                key={m.ID}
                data-testid="mail-list-row"
                data-id={m.ID}
                data-read={m.Read}
                style={{
                  position: 'absolute',
                  top: 0,
                  left: 0,
                  width: '100%',
                  height: ROW_HEIGHT,
                  transform: `translateY(${item.start}px)`,
                  padding: '6px 8px',
                  cursor: 'pointer',
                  borderBottom: '1px solid var(--mantine-color-default-border)',
                  background: selected ? 'var(--mantine-color-blue-light)' : undefined,
                }}
              >
                <Group gap="xs" wrap="nowrap" align="flex-start">
                  <Checkbox
                    size="xs"
                    mt={3}
                    checked={checked.has(m.ID)}
                    onChange={(e) => onToggle(m.ID, e.currentTarget.checked)}
                    aria-label={`Select ${m.Subject}`}
                    data-testid="mail-list-check"
                  />
                  <Box style={{ flex: 1, minWidth: 0 }} onClick={() => onOpen(m.ID)}>
                    <Group justify="space-between" wrap="nowrap" gap="xs">
                      <Text size="sm" fw={m.Read ? 400 : 700} truncate data-testid="mail-list-subject">
                        {m.Subject || '(no subject)'}
                      </Text>
                      <Text size="xs" c="dimmed" style={{ whiteSpace: 'nowrap' }}>
                        {formatDateTime(m.Created)}
                      </Text>
                    </Group>
                    <Group gap={4} wrap="nowrap">
                      {m.Attachments > 0 && <Paperclip size={12} />}
                      <Text size="xs" c="dimmed" truncate>
                        {m.From.Name ? `${m.From.Name} <${m.From.Address}>` : m.From.Address} →{' '}
                        {m.To.map((a) => a.Address).join(', ')}
                      </Text>
                    </Group>
                  </Box>
                </Group>
              </div>
            );
          })}
        </div>
      </div>
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
