import { Button, Group, Progress, Stack, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { Square } from 'lucide-react';
import { useState } from 'react';
import type { JobSnapshot, JobState } from '../../shared/contract/index';
import { call, errorMessage } from '../api';
import { formatBytes, formatEta } from '../format';
import { isLive } from '../state/appStore';
import { ENDING_COLOR, StateBadge } from './common/StateBadge';

export const JOB_STATE_COLOR: Record<JobState, string> = { queued: 'gray', running: 'blue', ...ENDING_COLOR };

export function JobStateBadge({ state }: { state: JobState }) {
  return <StateBadge state={state} colors={JOB_STATE_COLOR} testId="job-state" />;
}

/**
 * The bar's percentage: the job's overall fraction (weighted phases, never decreasing, see
 * jobs/ProgressTracker.ts); older records without it fall back to the stage's done/total.
 */
function percent(job: JobSnapshot): number | null {
  const { done, total, fraction } = job.progress;
  if (typeof fraction === 'number') return Math.min(100, Math.floor(fraction * 100));
  if (!total) return null;
  return Math.min(100, Math.round((done / total) * 100));
}

function amounts(job: JobSnapshot): string {
  const p = job.progress;
  const parts = [p.total ? `${p.done} / ${p.total} ${p.unit}` : `${p.done} ${p.unit}`];
  if (p.bytes !== undefined) parts.push(formatBytes(p.bytes));
  if (p.rows !== undefined) parts.push(`${p.rows.toLocaleString()} rows`);
  return parts.join(' · ');
}

export interface JobProgressProps {
  job: JobSnapshot;
  /** Hide the title line (when the surrounding card already shows it). */
  hideTitle?: boolean;
}

/**
 * One job's live state: progress bar (indeterminate until the total is known), amounts, ETA from the
 * runner, the failure message, and a cancel button while it runs. Pass the latest snapshot from the store
 * (`useAppStore((s) => s.jobs[id])`) so it updates with `job.updated` events.
 */
export function JobProgress({ job, hideTitle = false }: JobProgressProps) {
  const [cancelling, setCancelling] = useState(false);
  const live = isLive(job);
  const pct = percent(job);
  // Under a second left is no estimate worth showing: the bar is about to end (never "about 0 s left").
  const eta = live && (job.progress.etaSeconds ?? 0) >= 1 ? formatEta(job.progress.etaSeconds) : null;

  async function cancel() {
    setCancelling(true);
    try {
      await call('jobs.cancel', { id: job.id });
    } catch (err) {
      notifications.show({ color: 'red', title: 'Could not cancel the job', message: errorMessage(err) });
      setCancelling(false);
    }
  }

  return (
    <Stack gap={4} data-testid={`job-${job.id}`} data-state={job.state}>
      {!hideTitle && (
        <Group justify="space-between" wrap="nowrap" gap="xs">
          <Text fw={500} size="sm" truncate>
            {job.title}
          </Text>
          <JobStateBadge state={job.state} />
        </Group>
      )}
      <Progress
        value={live ? (pct ?? 100) : job.state === 'succeeded' ? 100 : (pct ?? 0)}
        striped={live}
        animated={live}
        color={JOB_STATE_COLOR[job.state]}
        aria-label={`${job.title} progress`}
        data-testid="job-progress-bar"
        data-percent={pct ?? ''}
      />
      <Group justify="space-between" gap="xs" wrap="nowrap">
        <Text size="xs" c="dimmed" truncate data-testid="job-stage">
          {job.progress.stage ? `${job.progress.stage} · ` : ''}
          {amounts(job)}
          {pct !== null ? ` · ${pct}%` : ''}
        </Text>
        {eta && (
          <Text size="xs" c="dimmed" data-testid="job-eta" style={{ whiteSpace: 'nowrap' }}>
            {eta}
          </Text>
        )}
      </Group>
      {job.error && job.state === 'failed' && (
        <Text size="xs" c="red" data-testid="job-error">
          {job.error.message} ({job.error.code})
        </Text>
      )}
      {live && (
        <Group justify="flex-end">
          <Button
            size="compact-xs"
            variant="light"
            color="red"
            leftSection={<Square size={12} />}
            loading={cancelling}
            onClick={cancel}
            data-testid={`job-cancel-${job.id}`}
          >
            Cancel
          </Button>
        </Group>
      )}
    </Stack>
  );
}
