import { Alert, Button, EmptyState, Group, Progress, Select, Stack, Table, Text, Title, UnstyledButton } from '@mantine/core';
import {
  type ColumnDef,
  flexRender,
  getCoreRowModel,
  getSortedRowModel,
  type SortingState,
  useReactTable,
} from '@tanstack/react-table';
import { ArrowDown, ArrowUp, CircleAlert, ListChecks, RefreshCw } from 'lucide-react';
import { useMemo, useState } from 'react';
import { JobKind, type JobSnapshot, JobState } from '../../shared/contract/index';
import { errorMessage } from '../api';
import { JOB_STATE_COLOR, JobStateBadge } from '../components/JobProgress';
import { elapsed, formatDateTime } from '../format';
import { useCall } from '../hooks/useCall';
import { useAppStore } from '../state/appStore';
import { JobDetails } from './jobs/JobDetails';

interface Filters {
  kind: JobKind | null;
  state: JobState | null;
  profileId: string | null;
}

const HISTORY_LIMIT = 500;

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
  return <Progress value={pct} color={JOB_STATE_COLOR[job.state]} w={120} size="sm" aria-label={`${pct}%`} />;
}

export function JobsPage() {
  const [filters, setFilters] = useState<Filters>({ kind: null, state: null, profileId: null });
  const [sorting, setSorting] = useState<SortingState>([{ id: 'createdAt', desc: true }]);
  const [selected, setSelected] = useState<JobSnapshot | null>(null);
  const profiles = useAppStore((s) => s.profiles);
  const liveJobs = useAppStore((s) => s.jobs);
  const history = useCall('jobs.list', {
    limit: HISTORY_LIMIT,
    ...(filters.kind ? { kind: filters.kind } : {}),
    ...(filters.state ? { state: filters.state } : {}),
    ...(filters.profileId ? { profileId: filters.profileId } : {}),
  });
  const rows = useMemo(() => mergeJobs(history.data ?? [], liveJobs, filters), [history.data, liveJobs, filters]);
  const profileName = useMemo(() => new Map(profiles.map((p) => [p.id, p.name])), [profiles]);

  const columns = useMemo<ColumnDef<JobSnapshot>[]>(
    () => [
      { id: 'createdAt', header: 'Started', accessorFn: (j) => j.createdAt, cell: (c) => formatDateTime(c.getValue<string>()) },
      { id: 'title', header: 'Job', accessorFn: (j) => j.title },
      { id: 'kind', header: 'Kind', accessorFn: (j) => j.kind },
      { id: 'state', header: 'State', accessorFn: (j) => j.state, cell: (c) => <JobStateBadge state={c.row.original.state} /> },
      {
        id: 'profile',
        header: 'Profile',
        accessorFn: (j) => (j.profileId ? (profileName.get(j.profileId) ?? j.profileId) : '—'),
      },
      { id: 'progress', header: 'Progress', enableSorting: false, cell: (c) => progressCell(c.row.original) },
      {
        id: 'duration',
        header: 'Duration',
        enableSorting: false,
        cell: (c) => elapsed(c.row.original.startedAt, c.row.original.finishedAt),
      },
      {
        id: 'error',
        header: 'Problem',
        accessorFn: (j) => j.error?.message ?? '',
        cell: (c) => (
          <Text size="xs" c="red" lineClamp={2}>
            {c.getValue<string>()}
          </Text>
        ),
      },
    ],
    [profileName],
  );
  const table = useReactTable({
    data: rows,
    columns,
    state: { sorting },
    onSortingChange: setSorting,
    getCoreRowModel: getCoreRowModel(),
    getSortedRowModel: getSortedRowModel(),
    getRowId: (j) => j.id,
  });

  const profileOptions = profiles.map((p) => ({ value: p.id, label: p.name }));
  const filtered = Boolean(filters.kind || filters.state || filters.profileId);

  return (
    <Stack gap="md">
      <Group justify="space-between">
        <Title order={2}>Jobs</Title>
        <Button variant="default" leftSection={<RefreshCw size={16} />} onClick={history.reload} loading={history.loading}>
          Refresh
        </Button>
      </Group>
      <Group gap="sm" align="flex-end">
        <Select
          label="Kind"
          placeholder="Any kind"
          data={JobKind.options}
          value={filters.kind}
          onChange={(v) => setFilters((f) => ({ ...f, kind: v as JobKind | null }))}
          clearable
          w={180}
          data-testid="jobs-filter-kind"
        />
        <Select
          label="State"
          placeholder="Any state"
          data={JobState.options}
          value={filters.state}
          onChange={(v) => setFilters((f) => ({ ...f, state: v as JobState | null }))}
          clearable
          w={160}
          data-testid="jobs-filter-state"
        />
        <Select
          label="Profile"
          placeholder="Any profile"
          data={profileOptions}
          value={filters.profileId}
          onChange={(v) => setFilters((f) => ({ ...f, profileId: v }))}
          clearable
          w={200}
          data-testid="jobs-filter-profile"
        />
        {filtered && (
          <Button variant="subtle" onClick={() => setFilters({ kind: null, state: null, profileId: null })}>
            Clear filters
          </Button>
        )}
      </Group>
      {history.error && (
        <Alert color="red" icon={<CircleAlert size={16} />} title="Could not load the job history">
          {errorMessage(history.error)}
        </Alert>
      )}
      {rows.length === 0 && !history.loading ? (
        <EmptyState
          mt="lg"
          icon={<ListChecks size={28} />}
          title={filtered ? 'No job matches these filters' : 'No jobs yet'}
          description={
            filtered
              ? 'Clear or change the filters to see more of the history.'
              : 'Backups, restores, migrations and mail tests appear here with their logs once you run them. Try “Run a demo job” on the Overview page.'
          }
          data-testid="jobs-empty"
        />
      ) : (
        <Table.ScrollContainer minWidth={900}>
          <Table striped highlightOnHover data-testid="jobs-table" data-count={rows.length}>
            <Table.Thead>
              {table.getHeaderGroups().map((group) => (
                <Table.Tr key={group.id}>
                  {group.headers.map((header) => {
                    const sorted = header.column.getIsSorted();
                    return (
                      <Table.Th key={header.id}>
                        {header.column.getCanSort() ? (
                          <UnstyledButton onClick={header.column.getToggleSortingHandler()} fw={600} fz="sm">
                            <Group gap={4} wrap="nowrap">
                              {flexRender(header.column.columnDef.header, header.getContext())}
                              {sorted === 'asc' && <ArrowUp size={12} />}
                              {sorted === 'desc' && <ArrowDown size={12} />}
                            </Group>
                          </UnstyledButton>
                        ) : (
                          flexRender(header.column.columnDef.header, header.getContext())
                        )}
                      </Table.Th>
                    );
                  })}
                </Table.Tr>
              ))}
            </Table.Thead>
            <Table.Tbody>
              {table.getRowModel().rows.map((row) => (
                <Table.Tr
                  key={row.id}
                  onClick={() => setSelected(row.original)}
                  style={{ cursor: 'pointer' }}
                  data-testid={`job-row-${row.id}`}
                  data-state={row.original.state}
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
      {history.data && history.data.length >= HISTORY_LIMIT && (
        <Text size="xs" c="dimmed">
          Showing the newest {HISTORY_LIMIT} jobs; filter to see older ones.
        </Text>
      )}
      <JobDetails job={selected} onClose={() => setSelected(null)} />
    </Stack>
  );
}
