import { Group, ScrollArea, Text, UnstyledButton } from '@mantine/core';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useRef } from 'react';
import type { MigrationFileStatus } from '../../../shared/contract/index';
import { formatDateTime } from '../../format';
import { MigrationStateBadge } from './MigrationStateBadge';

const ROW_HEIGHT = 52;

function detail(f: MigrationFileStatus): string {
  if (f.lastAttempt) return f.lastAttempt.summary;
  if (f.appliedAt)
    return `${formatDateTime(f.appliedAt)}${f.appliedVia && f.appliedVia !== 'apply' ? ` · ${f.appliedVia}` : ''}${f.appliedBy ? ` · ${f.appliedBy}` : ''}`;
  return f.outOfOrder ? 'out of order: numbered below an applied file' : 'not applied yet';
}

/** Every migration with its state; virtualised because SysNDD folders grow to hundreds of files. */
export function MigrationFilesList({
  files,
  selected,
  onSelect,
}: {
  files: MigrationFileStatus[];
  selected: string | null;
  onSelect(filename: string): void;
}) {
  const parent = useRef<HTMLDivElement>(null);
  const virtual = useVirtualizer({
    count: files.length,
    getScrollElement: () => parent.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 8,
  });
  return (
    <ScrollArea.Autosize mah={520} viewportRef={parent} data-testid="migration-files">
      <div style={{ height: virtual.getTotalSize(), position: 'relative' }}>
        {virtual.getVirtualItems().map((item) => {
          const f = files[item.index] as MigrationFileStatus;
          const active = f.filename === selected;
          return (
            <UnstyledButton
              key={f.filename}
              onClick={() => onSelect(f.filename)}
              data-testid={`migration-row-${f.filename}`}
              data-state={f.state}
              style={{
                position: 'absolute',
                top: 0,
                left: 0,
                width: '100%',
                height: ROW_HEIGHT,
                transform: `translateY(${item.start}px)`,
                padding: '6px 10px',
                borderRadius: 6,
                background: active ? 'var(--mantine-color-blue-light)' : undefined,
              }}
            >
              <Group justify="space-between" wrap="nowrap" gap="xs">
                <Text size="sm" ff="monospace" truncate>
                  {f.filename}
                </Text>
                <MigrationStateBadge state={f.state} />
              </Group>
              <Text size="xs" c={f.lastAttempt ? 'red' : 'dimmed'} truncate>
                {detail(f)}
              </Text>
            </UnstyledButton>
          );
        })}
      </div>
    </ScrollArea.Autosize>
  );
}
