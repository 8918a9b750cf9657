import { Alert, Anchor, Badge, Card, Group, Loader, NumberInput, Switch, Table, Text, Tooltip } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { ArrowRight, CircleCheck, CircleMinus, CircleX, TriangleAlert } from 'lucide-react';
import { useState } from 'react';
import {
  type CheckStatus,
  type FixPage,
  READINESS_DEFAULTS,
  type ReadinessCheck,
  type ReadinessReport,
} from '../../../shared/contract/health';
import type { Profile } from '../../../shared/contract/profiles';
import { formatDateTime } from '../../format';
import { LoadErrorAlert } from '../common/LoadErrorAlert';
import { PlainTableHead } from '../common/PlainTableHead';
import { RefreshButton } from '../common/RefreshButton';
import { AUTO_REFRESH_MS, useReadiness } from './useReadiness';

const MAX_AGE_KEY = 'sysndd-admin.readiness.backupMaxAgeHours';
const AUTO_KEY = 'sysndd-admin.readiness.auto';

const STATUS_STYLE: Record<CheckStatus, { color: string; label: string }> = {
  ok: { color: 'green', label: 'ok' },
  warn: { color: 'yellow', label: 'warning' },
  fail: { color: 'red', label: 'failing' },
  skipped: { color: 'gray', label: 'skipped' },
};

const FIX_LABEL: Record<FixPage, string> = {
  connections: 'Connections',
  migrations: 'Migrations',
  backups: 'Backups',
  mail: 'Mail',
};

function StatusIcon({ status }: { status: CheckStatus }) {
  const color = `var(--mantine-color-${STATUS_STYLE[status].color}-${status === 'skipped' ? 5 : 7})`;
  const props = { size: 18, color, 'aria-label': STATUS_STYLE[status].label };
  if (status === 'ok') return <CircleCheck {...props} />;
  if (status === 'warn') return <TriangleAlert {...props} />;
  if (status === 'fail') return <CircleX {...props} />;
  return <CircleMinus {...props} />;
}

/** Settings survive reloads in this browser/window only; the CLI takes them as flags. */
function stored(key: string): string | null {
  try {
    return localStorage.getItem(key);
  } catch {
    return null;
  }
}

function store(key: string, value: string): void {
  try {
    localStorage.setItem(key, value);
  } catch {
    // Storage can be disabled; the setting then lasts for this page only.
  }
}

function Verdict({ report }: { report: ReadinessReport }) {
  const color = report.ready ? (report.counts.warn ? 'yellow' : 'green') : 'red';
  const text = report.ready ? (report.counts.warn ? 'Ready, with warnings' : 'Ready') : 'Not ready';
  return (
    <Badge
      size="lg"
      color={color}
      variant="filled"
      data-testid="readiness-verdict"
      data-ready={report.ready ? 'true' : 'false'}
      data-status={report.status}
    >
      {text}
    </Badge>
  );
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/**
 * The one thing to do first: the first failing check (a failure blocks readiness), else the first warning,
 * with the page that fixes it. Nothing when every check passed.
 */
function WhatToDoFirst({ report }: { report: ReadinessReport }) {
  const first = report.checks.find((c) => c.status === 'fail') ?? report.checks.find((c) => c.status === 'warn');
  if (!first) return null;
  const more = report.counts.fail + report.counts.warn - 1;
  return (
    <Alert
      mb="sm"
      color={first.status === 'fail' ? 'red' : 'yellow'}
      icon={<StatusIcon status={first.status} />}
      title="What to do first"
      data-testid="readiness-first"
      data-check={first.id}
    >
      <Group gap="xs" wrap="wrap">
        <Text size="sm">
          <b>{first.label}:</b> {first.summary}
        </Text>
        {first.fixPage && (
          <Anchor href={`#/${first.fixPage}`} size="sm" data-testid="readiness-first-fix">
            <Group gap={4} wrap="nowrap">
              Open {FIX_LABEL[first.fixPage]}
              <ArrowRight size={14} />
            </Group>
          </Anchor>
        )}
      </Group>
      {more > 0 && (
        <Text size="xs" c="dimmed" mt={4}>
          Then {more} more {more === 1 ? 'item' : 'items'} in the table below.
        </Text>
      )}
    </Alert>
  );
}

function CheckRow({ check }: { check: ReadinessCheck }) {
  return (
    <Table.Tr data-testid={`readiness-row-${check.id}`} data-status={check.status}>
      <Table.Td>
        <StatusIcon status={check.status} />
      </Table.Td>
      <Table.Td>
        <Text size="sm" fw={500}>
          {check.label}
        </Text>
      </Table.Td>
      <Table.Td>
        <Text
          size="sm"
          c={check.status === 'skipped' ? 'dimmed' : check.status === 'fail' ? 'red.8' : undefined}
          style={{ overflowWrap: 'anywhere' }}
          data-testid="readiness-summary"
        >
          {check.summary}
          {check.code && check.status !== 'ok' && check.status !== 'skipped' ? (
            <Text span size="xs" c="dimmed" ml={6}>
              [{check.code}]
            </Text>
          ) : null}
        </Text>
        {check.detail && check.status !== 'ok' && (
          <Text size="xs" c="dimmed" style={{ overflowWrap: 'anywhere' }}>
            {check.detail}
          </Text>
        )}
      </Table.Td>
      <Table.Td ta="right">
        <Text size="xs" c="dimmed">
          {Math.round(check.durationMs)} ms
        </Text>
      </Table.Td>
      <Table.Td>
        {check.fixPage && (
          <Anchor href={`#/${check.fixPage}`} size="sm" data-testid={`readiness-fix-${check.id}`}>
            <Group gap={4} wrap="nowrap">
              {FIX_LABEL[check.fixPage]}
              <ArrowRight size={14} />
            </Group>
          </Anchor>
        )}
      </Table.Td>
    </Table.Tr>
  );
}

/** The verdict, a spinner while checking, and the counts with when the report was made. */
function ReadinessSummary({ report: current, loading }: { report: ReadinessReport | null; loading: boolean }) {
  return (
    <Group gap="sm">
      <Text fw={600}>Readiness</Text>
      {current && <Verdict report={current} />}
      {loading && <Loader size="xs" data-testid="readiness-loading" />}
      {current && (
        <Text size="xs" c="dimmed" data-testid="readiness-checked-at" data-checked-at={current.checkedAt}>
          {current.counts.ok} ok · {plural(current.counts.warn, 'warning')} · {current.counts.fail} failing · checked{' '}
          {formatDateTime(current.checkedAt)} in {Math.round(current.durationMs)} ms
        </Text>
      )}
    </Group>
  );
}

/** The backup-age threshold and auto-refresh (both remembered), and "Check now". */
function ReadinessControls(props: {
  maxAge: number;
  onMaxAge(hours: number): void;
  auto: boolean;
  onAuto(on: boolean): void;
  loading: boolean;
  onRefresh(): void;
}) {
  const { maxAge, onMaxAge, auto, onAuto, loading, onRefresh } = props;
  return (
    <Group gap="sm">
      <Tooltip label="Warn when the newest backup is older than this many hours">
        <NumberInput
          size="xs"
          w={150}
          min={1}
          max={24 * 366}
          suffix=" h backup age"
          value={maxAge}
          onChange={(v) => {
            const n = Number(v);
            if (Number.isFinite(n) && n >= 1) {
              onMaxAge(n);
              store(MAX_AGE_KEY, String(n));
            }
          }}
          data-testid="readiness-max-age"
        />
      </Tooltip>
      <Switch
        size="sm"
        label={`Auto-refresh (${AUTO_REFRESH_MS / 1000} s)`}
        checked={auto}
        onChange={(e) => {
          const on = e.currentTarget.checked;
          onAuto(on);
          store(AUTO_KEY, on ? 'on' : 'off');
        }}
        data-testid="readiness-auto"
      />
      <RefreshButton
        size="compact-sm"
        variant="light"
        iconSize={14}
        onClick={onRefresh}
        loading={loading}
        testId="readiness-refresh"
        label="Check now"
      />
    </Group>
  );
}

/** The status icon's narrow column, then the check, what was found, how long it took, the page that fixes it. */
const CHECK_COLUMNS = [
  { title: '', w: 32 },
  { title: 'Check', w: 170 },
  'Result',
  { title: 'Took', w: 70, ta: 'right' },
  { title: 'Where to fix', w: 130 },
] as const;

/** One row per check. */
function ChecksTable({ report }: { report: ReadinessReport }) {
  return (
    <Table verticalSpacing={4} layout="fixed" data-testid="readiness-table">
      <PlainTableHead titles={CHECK_COLUMNS} />
      <Table.Tbody>
        {report.checks.map((c) => (
          <CheckRow key={c.id} check={c} />
        ))}
      </Table.Tbody>
    </Table>
  );
}

/**
 * The Overview's readiness card: the console's version of SysNDD's `/health/ready` for the current profile.
 * One row per check with a coloured icon, what was found, and a link to the page that fixes it.
 */
export function ReadinessPanel({ profile }: { profile: Profile }) {
  const [maxAge, setMaxAge] = useState<number>(() => Number(stored(MAX_AGE_KEY)) || READINESS_DEFAULTS.backupMaxAgeHours);
  const [auto, setAuto] = useState<boolean>(() => stored(AUTO_KEY) !== 'off');
  // Typing "48" must not check with 4 h first.
  const [maxAgeSettled] = useDebouncedValue(maxAge, 600);
  const { report, error, loading, refresh } = useReadiness(profile.id, maxAgeSettled, auto);
  const current = report?.profileId === profile.id ? report : null;

  return (
    <Card withBorder data-testid="readiness-panel">
      <Group justify="space-between" mb="sm" wrap="wrap" gap="sm">
        <ReadinessSummary report={current} loading={loading} />
        <ReadinessControls
          maxAge={maxAge}
          onMaxAge={setMaxAge}
          auto={auto}
          onAuto={setAuto}
          loading={loading}
          onRefresh={refresh}
        />
      </Group>
      {error && <LoadErrorAlert mb="sm" data-testid="readiness-error" error={error} />}
      {current && <WhatToDoFirst report={current} />}
      {current ? (
        <ChecksTable report={current} />
      ) : (
        !error && (
          <Text size="sm" c="dimmed">
            Checking {profile.name}…
          </Text>
        )
      )}
    </Card>
  );
}
