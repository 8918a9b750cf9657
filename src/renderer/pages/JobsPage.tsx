import { Group, Progress, Stack, Text, Title } from '@mantine/core';
import type { ColumnDef } from '@tanstack/react-table';
import { ListChecks } from 'lucide-react';
import { useMemo, useState } from 'react';
import { JobKind, type JobSnapshot, JobState } from '../../shared/contract/index';
import { FilterBar } from '../components/common/FilterBar';
import { FilteredEmptyState } from '../components/common/FilteredEmptyState';
import { FilterSelect, ProfileFilterSelect } from '../components/common/FilterSelect';
import { LoadErrorAlert } from '../components/common/LoadErrorAlert';
import { badgeColumn, dateColumn } from '../components/common/listColumns';
import { RefreshButton } from '../components/common/RefreshButton';
import { type TableFilters, useTableFilters } from '../components/common/useTableFilters';
import { JOB_STATE_COLOR, JobStateBadge } from '../components/JobProgress';
import { DataTable } from '../components/table/DataTable';
import { DensityToggle } from '../components/table/DensityToggle';
import { MiddleEllipsis } from '../components/table/MiddleEllipsis';
import { elapsed } from '../format';
import { useCall } from '../hooks/useCall';
import { useAppStore } from '../state/appStore';
import { JobDetails } from './jobs/JobDetails';

interface Filters {
  kind: JobKind | null;
  state: JobState | null;
  profileId: string | null;
}

const HISTORY_LIMIT = 500;
const NO_FILTERS: Filters = { kind: null, state: null, profileId: null };

function matches(f: Filters) {
  return (j: JobSnapshot) =>
    (!f.kind || j.kind === f.kind) && (!f.state || j.state === f.state) && (!f.profileId || j.profileId === f.profileId);
}

/** History from the store, overlaid with fresher live snapshots (and jobs started since the load). */
function mergeJobs(history: JobSnapshot[], live: Record<string, JobSnapshot>, filters: Filters): JobSnapshot[] {
  const byId = new Map(history.map((j) => [j.id, j]));
  for (const job of Object.values(live)) if (byId.has(job.id) || matches(filters)(job)) byId.set(job.id, job);
  return [...byId.values()].filter(matches(filters)).sort((a, b) => b.createdAt.localeCompare(a.createdAt));
}

function progressCell(job: JobSnapshot) {
  const { done, total } = job.progress;
  const pct = total ? Math.min(100, Math.round((done / total) * 100)) : job.state === 'succeeded' ? 100 : 0;
  return <Progress value={pct} color={JOB_STATE_COLOR[job.state]} w={100} size="sm" aria-label={`${pct}%`} />;
}

function jobColumns(profileName: Map<string, string>): ColumnDef<JobSnapshot>[] {
  return [
    dateColumn('createdAt', 'Started', (j) => j.createdAt),
    { id: 'title', header: 'Job', accessorFn: (j) => j.title },
    { id: 'kind', header: 'Kind', accessorFn: (j) => j.kind },
    badgeColumn('state', 'State', JobState.options, (state) => <JobStateBadge state={state} />),
    {
      id: 'profile',
      header: 'Profile',
      accessorFn: (j) => (j.profileId ? (profileName.get(j.profileId) ?? j.profileId) : '—'),
    },
    {
      id: 'progress',
      header: 'Progress',
      enableSorting: false,
      cell: (c) => progressCell(c.row.original),
      meta: { keepWhole: true },
    },
    {
      id: 'duration',
      header: 'Duration',
      accessorFn: (j) => (j.startedAt ? Date.parse(j.finishedAt ?? new Date().toISOString()) - Date.parse(j.startedAt) : -1),
      cell: (c) => elapsed(c.row.original.startedAt, c.row.original.finishedAt),
      meta: { keepWhole: true, align: 'right' },
    },
    {
      id: 'error',
      header: 'Problem',
      accessorFn: (j) => j.error?.message ?? '',
      cell: (c) => (
        <Text span c="red" fz="inherit">
          <MiddleEllipsis text={c.getValue<string>()} />
        </Text>
      ),
      meta: { grow: true },
    },
  ];
}

function JobFilterBar({ table }: { table: TableFilters<Filters> }) {
  return (
    <FilterBar table={table} testIdPrefix="jobs" aside={<DensityToggle />}>
      <FilterSelect
        table={table}
        name="kind"
        label="Kind"
        placeholder="Any kind"
        data={JobKind.options}
        w={170}
        data-testid="jobs-filter-kind"
      />
      <FilterSelect
        table={table}
        name="state"
        label="State"
        placeholder="Any state"
        data={JobState.options}
        w={150}
        data-testid="jobs-filter-state"
      />
      <ProfileFilterSelect table={table} data-testid="jobs-filter-profile" />
    </FilterBar>
  );
}

/** The stored history matching the select filters, with the live jobs of this window laid over it. */
function useJobRows(filters: Filters) {
  const liveJobs = useAppStore((s) => s.jobs);
  const history = useCall('jobs.list', {
    limit: HISTORY_LIMIT,
    ...(filters.kind ? { kind: filters.kind } : {}),
    ...(filters.state ? { state: filters.state } : {}),
    ...(filters.profileId ? { profileId: filters.profileId } : {}),
  });
  const rows = useMemo(() => mergeJobs(history.data ?? [], liveJobs, filters), [history.data, liveJobs, filters]);
  return { history, rows };
}

export function JobsPage() {
  const table = useTableFilters(NO_FILTERS);
  const [selected, setSelected] = useState<JobSnapshot | null>(null);
  const profiles = useAppStore((s) => s.profiles);
  const { history, rows } = useJobRows(table.filters);
  const columns = useMemo(() => jobColumns(new Map(profiles.map((p) => [p.id, p.name]))), [profiles]);

  return (
    <Stack gap="md">
      <Group justify="space-between">
        <Title order={2}>Jobs</Title>
        <RefreshButton onClick={history.reload} loading={history.loading} />
      </Group>
      <JobFilterBar table={table} />
      {history.error && <LoadErrorAlert title="Could not load the job history" error={history.error} />}
      {rows.length === 0 && !history.loading ? (
        <FilteredEmptyState
          icon={<ListChecks size={28} />}
          filtered={table.filtered}
          whenFiltered={{
            title: 'No job matches these filters',
            description: 'Clear or change the filters to see more of the history.',
          }}
          whenEmpty={{
            title: 'No jobs yet',
            description:
              'Backups, restores, migrations and mail tests appear here with their logs once you run them. Try “Run a demo job” on the Overview page.',
          }}
          data-testid="jobs-empty"
        />
      ) : (
        <DataTable
          name="jobs"
          label="Job history"
          data={rows}
          columns={columns}
          getRowId={(j) => j.id}
          initialSorting={[{ id: 'createdAt', desc: true }]}
          filter={table.text}
          onRowClick={setSelected}
          selectedId={selected?.id ?? null}
          rowProps={(j) => ({ 'data-testid': `job-row-${j.id}`, 'data-state': j.state })}
        />
      )}
      {history.data && history.data.length >= HISTORY_LIMIT && (
        <Text size="xs" c="dimmed">
          Showing the newest {HISTORY_LIMIT} jobs; filter to see older ones.
        </Text>
      )}
      <JobDetails job={selected} onClose={() => setSelected(null)} />
    </Stack>
  );
}
