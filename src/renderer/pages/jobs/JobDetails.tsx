import { Alert, Drawer, Group, Loader, ScrollArea, Stack, Table, Text } from '@mantine/core';
import { CircleAlert } from 'lucide-react';
import { useEffect, useState } from 'react';
import type { EventLoopLag, JobLogLine, JobSnapshot } from '../../../shared/contract/index';
import { api, call, errorMessage } from '../../api';
import { StructuredFields } from '../../components/details/StructuredFields';
import { JobProgress, JobStateBadge } from '../../components/JobProgress';
import { elapsed, formatDateTime } from '../../format';
import { useAppStore } from '../../state/appStore';

const LEVEL_COLOR: Record<JobLogLine['level'], string> = { debug: 'dimmed', info: 'inherit', warn: 'orange', error: 'red' };

/** A job's log: loaded once, then extended live from `job.log` events (deduplicated by sequence number). */
function useJobLog(jobId: string): { lines: JobLogLine[]; error: string | null; loading: boolean } {
  const [lines, setLines] = useState<JobLogLine[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  useEffect(() => {
    let stopped = false;
    const merge = (incoming: JobLogLine[]) =>
      setLines((old) => {
        const seen = new Set(old.map((l) => l.seq));
        const added = incoming.filter((l) => !seen.has(l.seq));
        return added.length ? [...old, ...added].sort((a, b) => a.seq - b.seq) : old;
      });
    setLines([]);
    setLoading(true);
    const unsubscribe = api.subscribe((event) => {
      if (event.type === 'job.log' && event.line.jobId === jobId) merge([event.line]);
    });
    call('jobs.log', { id: jobId, afterSeq: 0 })
      .then((loaded) => {
        if (!stopped) merge(loaded);
      })
      .catch((err: unknown) => {
        if (!stopped) setError(errorMessage(err));
      })
      .finally(() => {
        if (!stopped) setLoading(false);
      });
    return () => {
      stopped = true;
      unsubscribe();
    };
  }, [jobId]);
  return { lines, error, loading };
}

function JobLog({ jobId }: { jobId: string }) {
  const { lines, error, loading } = useJobLog(jobId);
  if (error)
    return (
      <Alert color="red" icon={<CircleAlert size={16} />}>
        {error}
      </Alert>
    );
  if (loading && lines.length === 0) return <Loader size="sm" />;
  if (lines.length === 0)
    return (
      <Text size="sm" c="dimmed" data-testid="job-log-empty">
        This job wrote no log lines.
      </Text>
    );
  return (
    <ScrollArea.Autosize mah={360} type="auto" data-testid="job-log">
      <Stack gap={2} ff="monospace" fz="xs">
        {lines.map((l) => (
          <Text key={l.seq} fz="xs" ff="monospace" c={LEVEL_COLOR[l.level]} data-testid="job-log-line">
            {formatDateTime(l.at).slice(11)} {l.level.padEnd(5)} {l.message}
          </Text>
        ))}
      </Stack>
    </ScrollArea.Autosize>
  );
}

/** The main process's event-loop lag during the job: how long the UI door could not answer at worst. */
function lagText(lag: EventLoopLag | undefined): string {
  if (!lag) return '— (not recorded for this job)';
  if (lag.samples === 0) return `— (the job was shorter than one ${lag.resolutionMs} ms sample)`;
  return `p99 ${lag.p99.toFixed(1)} ms · max ${lag.max.toFixed(1)} ms · p50 ${lag.p50.toFixed(1)} ms (${lag.samples} samples)`;
}

/** Side drawer with one job: live progress, timings, failure, result and the log. */
export function JobDetails({ job: initial, onClose }: { job: JobSnapshot | null; onClose(): void }) {
  const live = useAppStore((s) => (initial ? s.jobs[initial.id] : undefined));
  const profiles = useAppStore((s) => s.profiles);
  const job = live ?? initial;
  const profileName = job?.profileId ? (profiles.find((p) => p.id === job.profileId)?.name ?? job.profileId) : '—';
  return (
    <Drawer opened={job !== null} onClose={onClose} position="right" size="lg" title={job?.title ?? ''} data-testid="job-details">
      {job && (
        <Stack gap="md">
          <Group gap="xs">
            <JobStateBadge state={job.state} />
            <Text size="sm" c="dimmed">
              {job.kind}
            </Text>
          </Group>
          <JobProgress job={job} hideTitle />
          <Table withRowBorders={false} verticalSpacing={2}>
            <Table.Tbody>
              {(
                [
                  ['Job id', job.id],
                  ['Profile', profileName],
                  ['Created', formatDateTime(job.createdAt)],
                  ['Started', formatDateTime(job.startedAt)],
                  ['Finished', formatDateTime(job.finishedAt)],
                  ['Duration', elapsed(job.startedAt, job.finishedAt)],
                  ['Event-loop lag', lagText(job.eventLoopLag)],
                ] as const
              ).map(([label, value]) => (
                <Table.Tr key={label} data-testid={`job-details-${label.toLowerCase().replace(/[^a-z]+/g, '-')}`}>
                  <Table.Td c="dimmed" w={110}>
                    {label}
                  </Table.Td>
                  <Table.Td style={{ wordBreak: 'break-all' }}>{value}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
          {job.error && (
            <Alert
              color={job.state === 'cancelled' ? 'yellow' : 'red'}
              title={job.state === 'cancelled' ? 'Cancelled' : 'Failed'}
              data-testid="job-details-error"
            >
              <Text size="sm">{job.error.message}</Text>
              <Text size="xs" c="dimmed" mt={4}>
                Code {job.error.code}
              </Text>
            </Alert>
          )}
          {job.result !== undefined && job.result !== null && (
            <StructuredFields title="Result" value={job.result} testId="job-result-data" rawTestId="job-result" />
          )}
          <Stack gap={4}>
            <Text fw={600} size="sm">
              Log
            </Text>
            <JobLog jobId={job.id} />
          </Stack>
        </Stack>
      )}
    </Drawer>
  );
}
