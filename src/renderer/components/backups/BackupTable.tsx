import { ActionIcon, Box, Group, Menu, Stack, Text, Tooltip, UnstyledButton } from '@mantine/core';
import {
  type ColumnDef,
  flexRender,
  getCoreRowModel,
  getSortedRowModel,
  type SortingState,
  useReactTable,
} from '@tanstack/react-table';
import { useVirtualizer } from '@tanstack/react-virtual';
import { ArrowDown, ArrowUp, CloudDownload, FileSearch, History, MoreHorizontal, ShieldCheck, Trash2 } from 'lucide-react';
import { useMemo, useRef, useState } from 'react';
import type { BackupEntry } from '../../../shared/contract/index';
import { formatBytes, formatDateTime } from '../../format';
import { EncryptedBadge, LocationBadge, SealBadge, StatusBadge, VerifiedBadge } from './backupBadges';

export interface BackupActions {
  details(e: BackupEntry): void;
  download(e: BackupEntry): void;
  verify(e: BackupEntry, scratchRestore: boolean): void;
  remove(e: BackupEntry): void;
  restore(e: BackupEntry): void;
  compare(e: BackupEntry): void;
}

const ROW_HEIGHT = 44;
/** Column widths of the CSS grid shared by the header and the virtualized rows. */
const GRID = '118px minmax(120px, 1fr) 80px 72px 56px 72px minmax(72px, 150px) 104px minmax(106px, 170px) 100px 36px';

function num(n: number | null): string {
  return n === null ? '—' : n.toLocaleString();
}

/**
 * The backup list: TanStack Table for columns and sorting, TanStack Virtual for rows, so 10,000 entries
 * scroll smoothly (only the visible rows exist in the DOM). Row actions sit in a menu per row.
 */
export function BackupTable({
  entries,
  actions,
  busy,
}: {
  entries: BackupEntry[];
  actions: BackupActions;
  busy: ReadonlySet<string>;
}) {
  const [sorting, setSorting] = useState<SortingState>([{ id: 'createdAt', desc: true }]);
  const columns = useMemo<ColumnDef<BackupEntry>[]>(
    () => [
      {
        id: 'createdAt',
        header: 'Created',
        accessorFn: (e) => e.createdAt,
        cell: (c) => (
          <Text size="xs" style={{ whiteSpace: 'nowrap' }}>
            {formatDateTime(c.getValue<string>()).slice(0, 16)}
          </Text>
        ),
      },
      {
        id: 'name',
        header: 'Name',
        accessorFn: (e) => e.name,
        cell: (c) => (
          <Stack gap={0} style={{ minWidth: 0 }}>
            <Text size="sm" truncate title={c.row.original.name} data-testid="backup-name">
              {c.row.original.name}
            </Text>
            <EncryptedBadge encrypted={c.row.original.encrypted} />
          </Stack>
        ),
      },
      {
        id: 'location',
        header: 'Where',
        accessorFn: (e) => e.location,
        cell: (c) => <LocationBadge location={c.row.original.location} />,
      },
      { id: 'size', header: 'Size', accessorFn: (e) => e.size, cell: (c) => formatBytes(c.getValue<number>()) },
      {
        id: 'tables',
        header: 'Tables',
        accessorFn: (e) => e.tableCount ?? -1,
        cell: (c) => <span data-testid="backup-tables">{num(c.row.original.tableCount)}</span>,
      },
      { id: 'rows', header: 'Rows', accessorFn: (e) => e.rowCount ?? -1, cell: (c) => num(c.row.original.rowCount) },
      {
        id: 'schema',
        header: 'Schema version',
        accessorFn: (e) => e.schemaVersionHead ?? '',
        cell: (c) => (
          <Text size="xs" c="dimmed" truncate title={c.row.original.schemaVersionHead ?? ''}>
            {c.row.original.schemaVersionHead ?? '—'}
          </Text>
        ),
      },
      {
        id: 'verified',
        header: 'Verified',
        accessorFn: (e) => e.verified?.at ?? '',
        cell: (c) => <VerifiedBadge verified={c.row.original.verified} />,
      },
      {
        id: 'seal',
        header: 'Seal',
        accessorFn: (e) => e.seal?.state ?? '',
        cell: (c) => <SealBadge seal={c.row.original.seal} />,
      },
      {
        id: 'status',
        header: 'Status',
        accessorFn: (e) => e.status,
        cell: (c) => <StatusBadge status={c.row.original.status} />,
      },
      {
        id: 'actions',
        header: '',
        enableSorting: false,
        cell: (c) => <RowMenu entry={c.row.original} actions={actions} busy={busy.has(c.row.original.name)} />,
      },
    ],
    [actions, busy],
  );
  const table = useReactTable({
    data: entries,
    columns,
    state: { sorting },
    onSortingChange: setSorting,
    getCoreRowModel: getCoreRowModel(),
    getSortedRowModel: getSortedRowModel(),
    getRowId: (e) => `${e.location}:${e.name}`,
  });
  const rows = table.getRowModel().rows;
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 10,
  });

  return (
    <Box style={{ border: '1px solid var(--mantine-color-default-border)', borderRadius: 4, overflowX: 'auto' }}>
      <Box style={{ minWidth: 1000 }}>
        {table.getHeaderGroups().map((group) => (
          <Box
            key={group.id}
            style={{
              display: 'grid',
              gridTemplateColumns: GRID,
              gap: 6,
              padding: '6px 8px',
              borderBottom: '1px solid var(--mantine-color-default-border)',
            }}
          >
            {group.headers.map((h) => {
              const sorted = h.column.getIsSorted();
              return h.column.getCanSort() ? (
                <UnstyledButton
                  key={h.id}
                  onClick={h.column.getToggleSortingHandler()}
                  fw={600}
                  fz="sm"
                  data-testid={`backups-sort-${h.id}`}
                >
                  <Group gap={4} wrap="nowrap">
                    {flexRender(h.column.columnDef.header, h.getContext())}
                    {sorted === 'asc' && <ArrowUp size={12} />}
                    {sorted === 'desc' && <ArrowDown size={12} />}
                  </Group>
                </UnstyledButton>
              ) : (
                <span key={h.id} />
              );
            })}
          </Box>
        ))}
        <div
          ref={scrollRef}
          style={{ height: Math.min(560, Math.max(ROW_HEIGHT * 3, rows.length * ROW_HEIGHT)), overflowY: 'auto' }}
          data-testid="backups-table"
          data-count={rows.length}
        >
          <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
            {virtualizer.getVirtualItems().map((item) => {
              const row = rows[item.index];
              if (!row) return null;
              return (
                <div
                  key={row.id}
                  data-testid="backup-row"
                  data-name={row.original.name}
                  style={{
                    position: 'absolute',
                    top: 0,
                    left: 0,
                    width: '100%',
                    height: ROW_HEIGHT,
                    transform: `translateY(${item.start}px)`,
                    display: 'grid',
                    gridTemplateColumns: GRID,
                    gap: 6,
                    alignItems: 'center',
                    padding: '0 8px',
                    borderBottom: '1px solid var(--mantine-color-default-border)',
                    fontSize: 'var(--mantine-font-size-sm)',
                  }}
                >
                  {row.getVisibleCells().map((cell) => (
                    <div key={cell.id} style={{ minWidth: 0, overflow: 'hidden' }}>
                      {flexRender(cell.column.columnDef.cell, cell.getContext())}
                    </div>
                  ))}
                </div>
              );
            })}
          </div>
        </div>
      </Box>
    </Box>
  );
}

function RowMenu({ entry, actions, busy }: { entry: BackupEntry; actions: BackupActions; busy: boolean }) {
  const local = entry.localPath !== null;
  const ours = entry.format === 'sysndd-admin';
  return (
    <Menu position="bottom-end" withinPortal>
      <Menu.Target>
        <Tooltip label="Actions" withArrow>
          <ActionIcon variant="subtle" aria-label={`Actions for ${entry.name}`} data-testid="backup-actions" loading={busy}>
            <MoreHorizontal size={16} />
          </ActionIcon>
        </Tooltip>
      </Menu.Target>
      <Menu.Dropdown>
        <Menu.Item
          leftSection={<FileSearch size={14} />}
          onClick={() => actions.details(entry)}
          data-testid="backup-action-details"
        >
          Details and manifest
        </Menu.Item>
        {entry.location === 'remote' && (
          <Menu.Item
            leftSection={<CloudDownload size={14} />}
            onClick={() => actions.download(entry)}
            data-testid="backup-action-download"
          >
            Download to this computer
          </Menu.Item>
        )}
        <Menu.Item
          leftSection={<ShieldCheck size={14} />}
          onClick={() => actions.verify(entry, false)}
          data-testid="backup-action-verify"
        >
          Verify hashes and end marker
        </Menu.Item>
        <Menu.Item
          leftSection={<ShieldCheck size={14} />}
          disabled={!local || !ours}
          onClick={() => actions.verify(entry, true)}
          data-testid="backup-action-verify-restore"
        >
          Verify with a test restore
        </Menu.Item>
        <Menu.Item
          leftSection={<History size={14} />}
          disabled={!local}
          onClick={() => actions.restore(entry)}
          data-testid="backup-action-restore"
        >
          Restore…
        </Menu.Item>
        <Menu.Item disabled={!local || !ours} onClick={() => actions.compare(entry)} data-testid="backup-action-compare">
          Compare with live…
        </Menu.Item>
        <Menu.Divider />
        <Menu.Item
          color="red"
          leftSection={<Trash2 size={14} />}
          onClick={() => actions.remove(entry)}
          data-testid="backup-action-delete"
        >
          Delete…
        </Menu.Item>
      </Menu.Dropdown>
    </Menu>
  );
}
