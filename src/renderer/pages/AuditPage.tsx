import { Group, Stack, Text, Title } from '@mantine/core';
import type { ColumnDef } from '@tanstack/react-table';
import { ScrollText } from 'lucide-react';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { type AuditEntry, AuditResult } from '../../shared/contract/index';
import { api } from '../api';
import { FilterBar } from '../components/common/FilterBar';
import { FilteredEmptyState } from '../components/common/FilteredEmptyState';
import { FilterSelect, ProfileFilterSelect } from '../components/common/FilterSelect';
import { LoadErrorAlert } from '../components/common/LoadErrorAlert';
import { badgeColumn, dateColumn } from '../components/common/listColumns';
import { RefreshButton } from '../components/common/RefreshButton';
import { type TableFilters, useTableFilters } from '../components/common/useTableFilters';
import { DataTable } from '../components/table/DataTable';
import { DensityToggle } from '../components/table/DensityToggle';
import { useCall } from '../hooks/useCall';
import { useAppStore } from '../state/appStore';
import { AuditDetails } from './audit/AuditDetails';
import { AuditExportButton, type AuditFilters, auditFilterArgs } from './audit/AuditExport';
import { AuditResultBadge } from './audit/AuditResultBadge';

const LIST_LIMIT = 1000;
const NO_FILTERS: AuditFilters = { action: null, profileId: null, result: null };

function auditColumns(profileName: (id: string | null) => string): ColumnDef<AuditEntry>[] {
  return [
    dateColumn('at', 'When', (e) => e.at),
    { id: 'action', header: 'Action', accessorFn: (e) => e.action },
    badgeColumn('result', 'Result', AuditResult.options, (r) => <AuditResultBadge result={r} />),
    { id: 'actor', header: 'Actor', accessorFn: (e) => e.actor },
    { id: 'door', header: 'Door', accessorFn: (e) => e.door ?? 'app' },
    { id: 'profile', header: 'Profile', accessorFn: (e) => profileName(e.profileId) },
    { id: 'target', header: 'Target', accessorFn: (e) => e.target ?? '', meta: { grow: true } },
  ];
}

/** Refreshes the log and its action names; again whenever a job ends (most audited actions are jobs). */
function useAuditData(filters: AuditFilters) {
  const entries = useCall('audit.list', { limit: LIST_LIMIT, ...auditFilterArgs(filters) });
  const actions = useCall('audit.actions', {});
  const { reload: reloadEntries } = entries;
  const { reload: reloadActions } = actions;
  const reload = useCallback(() => {
    reloadEntries();
    reloadActions();
  }, [reloadEntries, reloadActions]);
  useEffect(
    () =>
      api.subscribe((event) => {
        if (event.type === 'job.updated' && event.job.finishedAt) reload();
      }),
    [reload],
  );
  return { entries, actions, reload };
}

function AuditFilterBar({ table, actionNames }: { table: TableFilters<AuditFilters>; actionNames: string[] }) {
  return (
    <FilterBar table={table} testIdPrefix="audit" aside={<DensityToggle />}>
      <FilterSelect
        table={table}
        name="action"
        label="Action"
        placeholder="Any action"
        data={[...new Set([...actionNames, ...(table.filters.action ? [table.filters.action] : [])])]}
        searchable
        w={220}
        data-testid="audit-filter-action"
      />
      <ProfileFilterSelect table={table} data-testid="audit-filter-profile" />
      <FilterSelect
        table={table}
        name="result"
        label="Result"
        placeholder="Any result"
        data={AuditResult.options}
        w={150}
        data-testid="audit-filter-result"
      />
    </FilterBar>
  );
}

/** Entries outlive profiles (a removed one, a CLI run with --url): show the id, marked as such. */
function useProfileName() {
  const profiles = useAppStore((s) => s.profiles);
  const profileNames = useMemo(() => new Map(profiles.map((p) => [p.id, p.name])), [profiles]);
  return useCallback(
    (id: string | null) => (id ? (profileNames.get(id) ?? `${id.slice(0, 8)}… (not saved)`) : '—'),
    [profileNames],
  );
}

/**
 * The audit log of destructive actions (restore, rollback, migrate, repair, prune, delete, host keys):
 * who did what, where, with which outcome — refusals included. Filterable, exportable as CSV or JSON.
 */
export function AuditPage() {
  const table = useTableFilters(NO_FILTERS);
  const { filters, text, filtered } = table;
  const [selected, setSelected] = useState<AuditEntry | null>(null);
  const { entries, actions, reload } = useAuditData(filters);
  const profileName = useProfileName();
  const columns = useMemo(() => auditColumns(profileName), [profileName]);
  const data = entries.data ?? [];

  return (
    <Stack gap="md">
      <Group justify="space-between">
        <Title order={2}>Audit log</Title>
        <Group gap="xs">
          <AuditExportButton format="csv" filters={filters} />
          <AuditExportButton format="json" filters={filters} />
          <RefreshButton onClick={reload} loading={entries.loading} />
        </Group>
      </Group>
      <Text size="sm" c="dimmed">
        Every restore, rollback, migration, repair, prune and delete — from the app, the browser or the CLI on this computer —
        with who ran it and how it ended. Refused attempts (a missing confirmation) are recorded too.
      </Text>
      <AuditFilterBar table={table} actionNames={actions.data ?? []} />
      {entries.error && <LoadErrorAlert title="Could not load the audit log" error={entries.error} />}
      {data.length === 0 && !entries.loading ? (
        <FilteredEmptyState
          icon={<ScrollText size={28} />}
          filtered={filtered}
          whenFiltered={{
            title: 'No entry matches these filters',
            description: 'Clear or change the filters to see more of the log.',
          }}
          whenEmpty={{
            title: 'Nothing audited yet',
            description: 'Restores, rollbacks, migrations, repairs, prunes and deletions appear here once someone runs one.',
          }}
          data-testid="audit-empty"
        />
      ) : (
        <DataTable
          name="audit"
          label="Audit log"
          data={data}
          columns={columns}
          getRowId={(e) => String(e.id)}
          initialSorting={[{ id: 'at', desc: true }]}
          filter={text}
          onRowClick={setSelected}
          selectedId={selected ? String(selected.id) : null}
          rowProps={(e) => ({ 'data-testid': `audit-row-${e.id}`, 'data-action': e.action, 'data-result': e.result })}
        />
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
