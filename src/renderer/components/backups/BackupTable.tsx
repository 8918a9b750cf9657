import { ActionIcon, Group, Menu, Stack, Tooltip } from '@mantine/core';
import type { ColumnDef } from '@tanstack/react-table';
import { CloudDownload, FileSearch, History, MoreHorizontal, ShieldCheck, Trash2 } from 'lucide-react';
import { useMemo } from 'react';
import { BackupEntry, BackupLocation } from '../../../shared/contract/index';
import { formatBytes } from '../../format';
import { badgeColumn } from '../common/listColumns';
import { ColumnChooser } from '../table/ColumnChooser';
import { probeAll } from '../table/cells';
import { DataTable } from '../table/DataTable';
import { DensityToggle } from '../table/DensityToggle';
import { MiddleEllipsis } from '../table/MiddleEllipsis';
import { ShortDateCell } from '../table/ShortDateCell';
import { EncryptedBadge, LocationBadge, SealBadge, StatusBadge, sealWords, VerifiedBadge } from './backupBadges';

export interface BackupActions {
  details(e: BackupEntry): void;
  download(e: BackupEntry): void;
  verify(e: BackupEntry, scratchRestore: boolean): void;
  remove(e: BackupEntry): void;
  restore(e: BackupEntry): void;
  compare(e: BackupEntry): void;
}

function num(n: number | null): string {
  return n === null ? '—' : n.toLocaleString();
}

/** Only the badges' words matter for their width; the date is the same length for every backup. */
const SAMPLE_AT = '2026-01-01T00:00:00.000Z';
const VERIFIED_PROBE = probeAll(
  (['restore', 'structure'] as const).flatMap((level) =>
    [true, false].map((ok) => <VerifiedBadge key={`${level}${ok}`} verified={{ ok, level, at: SAMPLE_AT, message: '' }} />),
  ),
);

/**
 * Hidden until someone shows them (Columns menu), so the list fits a 1280 px window without a sideways
 * scroll and the name keeps its room: the row count and the schema version are in the details drawer
 * (the filter still matches the schema version), and the table count stays visible.
 */
const DEFAULT_HIDDEN = ['rows', 'schema'];

function backupColumns(actions: BackupActions, busy: ReadonlySet<string>): ColumnDef<BackupEntry>[] {
  return [
    {
      id: 'createdAt',
      header: 'Created',
      accessorFn: (e) => e.createdAt,
      cell: (c) => <ShortDateCell iso={c.row.original.createdAt} />,
      meta: { keepWhole: true },
    },
    {
      id: 'name',
      header: 'Name',
      accessorFn: (e) => e.name,
      cell: (c) => (
        <Group gap={6} wrap="nowrap" style={{ minWidth: 0 }}>
          <MiddleEllipsis text={c.row.original.name} testId="backup-name" />
          <EncryptedBadge encrypted={c.row.original.encrypted} />
        </Group>
      ),
      meta: { grow: true, maxWidth: 520 },
    },
    badgeColumn('location', 'Where', BackupLocation.options, (location) => <LocationBadge location={location} />),
    {
      id: 'size',
      header: 'Size',
      accessorFn: (e) => e.size,
      cell: (c) => formatBytes(c.getValue<number>()),
      meta: { align: 'right', keepWhole: true },
    },
    {
      id: 'tables',
      header: 'Tables',
      accessorFn: (e) => e.tableCount ?? -1,
      cell: (c) => <span data-testid="backup-tables">{num(c.row.original.tableCount)}</span>,
      meta: { align: 'right', keepWhole: true },
    },
    {
      id: 'rows',
      header: 'Rows',
      accessorFn: (e) => e.rowCount ?? -1,
      cell: (c) => num(c.row.original.rowCount),
      meta: { align: 'right', keepWhole: true },
    },
    {
      id: 'schema',
      header: 'Schema',
      accessorFn: (e) => e.schemaVersionHead ?? '',
      cell: (c) => <MiddleEllipsis text={c.row.original.schemaVersionHead ?? '—'} monospace />,
      meta: { maxWidth: 180 },
    },
    {
      id: 'verified',
      header: 'Verified',
      accessorFn: (e) => e.verified?.at ?? '',
      cell: (c) => <VerifiedBadge verified={c.row.original.verified} />,
      meta: { keepWhole: true, probe: VERIFIED_PROBE },
    },
    {
      id: 'seal',
      header: 'Seal',
      accessorFn: (e) => e.seal?.state ?? '',
      // A long key name ("sealed by backup-bot@build-host-…") is cut with an ellipsis; the title has it whole.
      cell: (c) => {
        const seal = c.row.original.seal;
        return seal ? (
          <span title={sealWords(seal)} style={{ display: 'inline-flex', maxWidth: '100%', verticalAlign: 'middle' }}>
            <SealBadge seal={seal} />
          </span>
        ) : null;
      },
      meta: { maxWidth: 200 },
    },
    badgeColumn('status', 'Status', BackupEntry.shape.status.options, (status) => <StatusBadge status={status} />),
    {
      id: 'actions',
      header: '',
      enableSorting: false,
      enableResizing: false,
      cell: (c) => <RowMenu entry={c.row.original} actions={actions} busy={busy.has(c.row.original.name)} />,
      meta: { keepWhole: true },
    },
  ];
}

/**
 * The backup list on the shared DataTable: sortable, resizable columns sized to their content, the
 * name cut in the middle (its label and extension stay visible), badges never cut (but a long seal key
 * name), a short date with the full one on hover, and virtual rows so 10,000 entries scroll smoothly.
 * It fits a 1280 px window: the row count and schema version start hidden (Columns), and the schema and
 * seal columns give up width before the table would scroll sideways. Row actions sit in a menu per row.
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
  const columns = useMemo(() => backupColumns(actions, busy), [actions, busy]);
  return (
    <Stack gap={4}>
      <Group justify="flex-end" gap="xs">
        <ColumnChooser name="backups" columns={columns} defaultHidden={DEFAULT_HIDDEN} fixed={['name', 'actions']} />
        <DensityToggle />
      </Group>
      <DataTable
        name="backups"
        label="Backups"
        data={entries}
        columns={columns}
        getRowId={(e) => `${e.location}:${e.name}`}
        initialSorting={[{ id: 'createdAt', desc: true }]}
        maxHeight={560}
        defaultHidden={DEFAULT_HIDDEN}
        rowProps={(e) => ({ 'data-testid': 'backup-row', 'data-name': e.name })}
      />
    </Stack>
  );
}

function RowMenu({ entry, actions, busy }: { entry: BackupEntry; actions: BackupActions; busy: boolean }) {
  const local = entry.localPath !== null;
  const ours = entry.format === 'sysndd-admin';
  return (
    <Menu position="bottom-end" withinPortal>
      <Menu.Target>
        <Tooltip label="Actions" withArrow>
          <ActionIcon
            variant="subtle"
            size="sm"
            aria-label={`Actions for ${entry.name}`}
            data-testid="backup-actions"
            loading={busy}
          >
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
