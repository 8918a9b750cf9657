import { Alert, Button, EmptyState, Group, Select, Stack, Table, Text, Title, UnstyledButton } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import {
  type ColumnDef,
  flexRender,
  getCoreRowModel,
  getSortedRowModel,
  type SortingState,
  useReactTable,
} from '@tanstack/react-table';
import { ArrowDown, ArrowUp, CircleAlert, Download, RefreshCw, ScrollText } from 'lucide-react';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { type AuditEntry, AuditResult } from '../../shared/contract/index';
import { api, call, errorMessage } from '../api';
import { formatDateTime } from '../format';
import { useCall } from '../hooks/useCall';
import { useAppStore } from '../state/appStore';
import { AuditDetails } from './audit/AuditDetails';
import { AuditResultBadge } from './audit/AuditResultBadge';

interface Filters {
  action: string | null;
  profileId: string | null;
  result: AuditResult | null;
}

const LIST_LIMIT = 1000;
/** Exports are not capped by what the table shows: the whole (filtered) log goes into the file. */
const EXPORT_LIMIT = 100_000;

function filterArgs(f: Filters) {
  return {
    ...(f.action ? { action: f.action } : {}),
    ...(f.profileId ? { profileId: f.profileId } : {}),
    ...(f.result ? { result: f.result } : {}),
  };
}

/** Saves text as a file through the browser's download (Electron shows its Save dialog for it). */
function downloadText(filename: string, content: string, type: string): void {
  const url = URL.createObjectURL(new Blob([content], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

function ExportButton({ format, filters }: { format: 'csv' | 'json'; filters: Filters }) {
  const [busy, setBusy] = useState(false);
  async function run() {
    setBusy(true);
    try {
      const r = await call('audit.export', { format, limit: EXPORT_LIMIT, ...filterArgs(filters) });
      downloadText(r.filename, r.content, format === 'csv' ? 'text/csv' : 'application/json');
      notifications.show({ color: 'green', message: `Exported the audit log as ${r.filename}.` });
    } catch (err) {
      notifications.show({ color: 'red', message: errorMessage(err) });
    } finally {
      setBusy(false);
    }
  }
  return (
    <Button
      variant="default"
      leftSection={<Download size={16} />}
      onClick={run}
      loading={busy}
      data-testid={`audit-export-${format}`}
    >
      Export {format.toUpperCase()}
    </Button>
  );
}

/**
 * The audit log of destructive actions (restore, rollback, migrate, repair, prune, delete, host keys):
 * who did what, where, with which outcome — refusals included. Filterable, exportable as CSV or JSON.
 */
export function AuditPage() {
  const [filters, setFilters] = useState<Filters>({ action: null, profileId: null, result: null });
  const [sorting, setSorting] = useState<SortingState>([{ id: 'at', desc: true }]);
  const [selected, setSelected] = useState<AuditEntry | null>(null);
  const profiles = useAppStore((s) => s.profiles);
  const entries = useCall('audit.list', { limit: LIST_LIMIT, ...filterArgs(filters) });
  const actions = useCall('audit.actions', {});
  const { reload: reloadEntries } = entries;
  const { reload: reloadActions } = actions;

  // Destructive actions mostly run as jobs and write their outcome when the job ends: refresh then.
  useEffect(
    () =>
      api.subscribe((event) => {
        if (event.type === 'job.updated' && event.job.finishedAt) {
          reloadEntries();
          reloadActions();
        }
      }),
    [reloadEntries, reloadActions],
  );

  const profileNames = useMemo(() => new Map(profiles.map((p) => [p.id, p.name])), [profiles]);
  // Entries outlive profiles (a removed one, a CLI run with --url): show the id, marked as such.
  const profileName = useCallback(
    (id: string | null) => (id ? (profileNames.get(id) ?? `${id.slice(0, 8)}… (not saved)`) : '—'),
    [profileNames],
  );
  const columns = useMemo<ColumnDef<AuditEntry>[]>(
    () => [
      { id: 'at', header: 'When', accessorFn: (e) => e.at, cell: (c) => formatDateTime(c.getValue<string>()) },
      { id: 'action', header: 'Action', accessorFn: (e) => e.action },
      {
        id: 'result',
        header: 'Result',
        accessorFn: (e) => e.result,
        cell: (c) => <AuditResultBadge result={c.row.original.result} />,
      },
      { id: 'actor', header: 'Actor', accessorFn: (e) => e.actor },
      { id: 'door', header: 'Door', accessorFn: (e) => e.door ?? 'app' },
      {
        id: 'profile',
        header: 'Profile',
        accessorFn: (e) => profileName(e.profileId),
      },
      {
        id: 'target',
        header: 'Target',
        accessorFn: (e) => e.target ?? '',
        cell: (c) => (
          <Text size="sm" lineClamp={2} style={{ wordBreak: 'break-all' }}>
            {c.getValue<string>()}
          </Text>
        ),
      },
    ],
    [profileName],
  );
  const table = useReactTable({
    data: entries.data ?? [],
    columns,
    state: { sorting },
    onSortingChange: setSorting,
    getCoreRowModel: getCoreRowModel(),
    getSortedRowModel: getSortedRowModel(),
    getRowId: (e) => String(e.id),
  });

  const filtered = Boolean(filters.action || filters.profileId || filters.result);
  const rows = table.getRowModel().rows;
  const actionOptions = [...new Set([...(actions.data ?? []), ...(filters.action ? [filters.action] : [])])];

  return (
    <Stack gap="md">
      <Group justify="space-between">
        <Title order={2}>Audit log</Title>
        <Group gap="xs">
          <ExportButton format="csv" filters={filters} />
          <ExportButton format="json" filters={filters} />
          <Button
            variant="default"
            leftSection={<RefreshCw size={16} />}
            onClick={() => {
              reloadEntries();
              reloadActions();
            }}
            loading={entries.loading}
          >
            Refresh
          </Button>
        </Group>
      </Group>
      <Text size="sm" c="dimmed">
        Every restore, rollback, migration, repair, prune and delete — from the app, the browser or the CLI on this computer —
        with who ran it and how it ended. Refused attempts (a missing confirmation) are recorded too.
      </Text>
      <Group gap="sm" align="flex-end">
        <Select
          label="Action"
          placeholder="Any action"
          data={actionOptions}
          value={filters.action}
          onChange={(v) => setFilters((f) => ({ ...f, action: v }))}
          clearable
          searchable
          w={240}
          data-testid="audit-filter-action"
        />
        <Select
          label="Profile"
          placeholder="Any profile"
          data={profiles.map((p) => ({ value: p.id, label: p.name }))}
          value={filters.profileId}
          onChange={(v) => setFilters((f) => ({ ...f, profileId: v }))}
          clearable
          w={200}
          data-testid="audit-filter-profile"
        />
        <Select
          label="Result"
          placeholder="Any result"
          data={AuditResult.options}
          value={filters.result}
          onChange={(v) => setFilters((f) => ({ ...f, result: v as AuditResult | null }))}
          clearable
          w={160}
          data-testid="audit-filter-result"
        />
        {filtered && (
          <Button variant="subtle" onClick={() => setFilters({ action: null, profileId: null, result: null })}>
            Clear filters
          </Button>
        )}
      </Group>
      {entries.error && (
        <Alert color="red" icon={<CircleAlert size={16} />} title="Could not load the audit log">
          {errorMessage(entries.error)}
        </Alert>
      )}
      {rows.length === 0 && !entries.loading ? (
        <EmptyState
          mt="lg"
          icon={<ScrollText size={28} />}
          title={filtered ? 'No entry matches these filters' : 'Nothing audited yet'}
          description={
            filtered
              ? 'Clear or change the filters to see more of the log.'
              : 'Restores, rollbacks, migrations, repairs, prunes and deletions appear here once someone runs one.'
          }
          data-testid="audit-empty"
        />
      ) : (
        <Table.ScrollContainer minWidth={900}>
          <Table striped highlightOnHover data-testid="audit-table" data-count={rows.length}>
            <Table.Thead>
              {table.getHeaderGroups().map((group) => (
                <Table.Tr key={group.id}>
                  {group.headers.map((header) => {
                    const sorted = header.column.getIsSorted();
                    return (
                      <Table.Th key={header.id}>
                        <UnstyledButton onClick={header.column.getToggleSortingHandler()} fw={600} fz="sm">
                          <Group gap={4} wrap="nowrap">
                            {flexRender(header.column.columnDef.header, header.getContext())}
                            {sorted === 'asc' && <ArrowUp size={12} />}
                            {sorted === 'desc' && <ArrowDown size={12} />}
                          </Group>
                        </UnstyledButton>
                      </Table.Th>
                    );
                  })}
                </Table.Tr>
              ))}
            </Table.Thead>
            <Table.Tbody>
              {rows.map((row) => (
                <Table.Tr
                  key={row.id}
                  onClick={() => setSelected(row.original)}
                  style={{ cursor: 'pointer' }}
                  data-testid={`audit-row-${row.id}`}
                  data-action={row.original.action}
                  data-result={row.original.result}
                >
                  {row.getVisibleCells().map((cell) => (
                    <Table.Td key={cell.id}>{flexRender(cell.column.columnDef.cell, cell.getContext())}</Table.Td>
                  ))}
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {entries.data && entries.data.length >= LIST_LIMIT && (
        <Text size="xs" c="dimmed">
          Showing the newest {LIST_LIMIT} entries; filter to see older ones, or export (exports are not limited to what is shown).
        </Text>
      )}
      <AuditDetails entry={selected} profileName={profileName} onClose={() => setSelected(null)} />
    </Stack>
  );
}
