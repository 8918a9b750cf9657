import { Badge, Group, SegmentedControl, Text, Tooltip } from '@mantine/core';
import type { JobSnapshot, SandboxEngine, SandboxStatus } from '../../../shared/contract/index';

export const ENGINE_LABEL: Record<SandboxEngine, string> = { mariadb: 'MariaDB', mysql: 'MySQL' };

/** What the sandbox is doing right now: a live start job wins over the last loaded status, which lags it. */
function describe(status: SandboxStatus, job: JobSnapshot | null): { state: string; color: string; text: string } {
  if (job) {
    const p = job.progress;
    const step = p?.total ? ` (step ${Math.min(p.done + 1, p.total)} of ${p.total})` : '';
    return { state: 'starting', color: 'yellow', text: `${p?.stage ?? 'starting'}…${step}` };
  }
  if (status.running && status.port !== null) {
    return { state: 'running', color: 'green', text: `127.0.0.1:${status.port}, database ${status.database}` };
  }
  return {
    state: 'stopped',
    color: 'gray',
    text: status.profileId ? 'Data and profile are kept; start it again to continue where you left off.' : 'Not created yet.',
  };
}

/** The status badge and line; `liveJob` is the sandbox start job while it runs. */
export function SandboxStatusLine({ status, liveJob }: { status: SandboxStatus; liveJob: JobSnapshot | null }) {
  if (!status.available) return null;
  const d = describe(status, liveJob);
  return (
    <Group gap="xs" data-testid="sandbox-status" data-running={String(status.running)} data-state={d.state}>
      <Badge color={d.color} variant="light">
        {d.state}
      </Badge>
      <Text size="sm" c="dimmed">
        {ENGINE_LABEL[status.engine]} · {d.text}
      </Text>
    </Group>
  );
}

/** MariaDB or MySQL; an engine whose server is not installed is offered disabled, with the reason on hover. */
export function EnginePicker({
  status,
  value,
  disabled,
  onChange,
}: {
  status: SandboxStatus;
  value: SandboxEngine;
  disabled: boolean;
  onChange(engine: SandboxEngine): void;
}) {
  return (
    <SegmentedControl
      size="xs"
      data-testid="sandbox-engine"
      value={value}
      disabled={disabled}
      onChange={(v) => onChange(v === 'mysql' ? 'mysql' : 'mariadb')}
      data={status.engines.map((e) => ({
        value: e.engine,
        disabled: !e.available,
        label: (
          <Tooltip
            label={e.unavailableReason ?? `${ENGINE_LABEL[e.engine]} ${e.running ? 'is running' : 'is installed'}`}
            multiline
            w={320}
          >
            <span data-testid={`sandbox-engine-${e.engine}`}>
              {ENGINE_LABEL[e.engine]}
              {e.running ? ' ●' : ''}
            </span>
          </Tooltip>
        ),
      }))}
    />
  );
}
