import { Code, Group, Stack, Table, Text } from '@mantine/core';
import { useState } from 'react';
import { ChoiceControl, type SegmentOption } from '../common/ChoiceControl';

/** How deep nested objects are shown as fields before the rest is summarised (the Raw view has it all). */
const MAX_DEPTH = 3;
/** Rows shown per list; the Raw view has every one. */
const MAX_ITEMS = 20;

/** `preMigrationBackup` → "Pre migration backup"; `smtp_code` → "Smtp code". */
export function humanLabel(key: string): string {
  const words = key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[_.-]+/g, ' ')
    .trim()
    .toLowerCase();
  return words ? words.charAt(0).toUpperCase() + words.slice(1) : key;
}

type FieldsView = 'fields' | 'raw';

const FIELD_VIEWS: ReadonlyArray<SegmentOption<FieldsView>> = [
  { value: 'fields', label: 'Fields' },
  { value: 'raw', label: 'Raw' },
];

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function Scalar({ value }: { value: unknown }) {
  if (value === null || value === undefined || value === '')
    return (
      <Text span c="dimmed">
        —
      </Text>
    );
  if (typeof value === 'boolean') return <>{value ? 'yes' : 'no'}</>;
  return <>{String(value)}</>;
}

function Value({ value, depth }: { value: unknown; depth: number }) {
  if (Array.isArray(value)) {
    if (value.length === 0)
      return (
        <Text span c="dimmed">
          none
        </Text>
      );
    if (value.every((v) => !isRecord(v) && !Array.isArray(v))) return <>{value.slice(0, MAX_ITEMS).map(String).join(', ')}</>;
    if (depth >= MAX_DEPTH)
      return (
        <Text span c="dimmed">
          {value.length} entries (see Raw)
        </Text>
      );
    return (
      <Stack gap={4}>
        {value.slice(0, MAX_ITEMS).map((item, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: a fixed snapshot, never reordered.
          <Fields key={i} value={item} depth={depth + 1} />
        ))}
        {value.length > MAX_ITEMS && (
          <Text size="xs" c="dimmed">
            …and {value.length - MAX_ITEMS} more (see Raw)
          </Text>
        )}
      </Stack>
    );
  }
  if (isRecord(value)) {
    if (depth >= MAX_DEPTH)
      return (
        <Text span c="dimmed">
          {Object.keys(value).length} fields (see Raw)
        </Text>
      );
    return <Fields value={value} depth={depth + 1} />;
  }
  return <Scalar value={value} />;
}

/** An object as label/value rows, nested objects indented; anything else as one value. */
function Fields({ value, depth }: { value: unknown; depth: number }) {
  if (!isRecord(value)) return <Value value={value} depth={depth} />;
  const entries = Object.entries(value).filter(([, v]) => v !== undefined);
  if (entries.length === 0)
    return (
      <Text size="sm" c="dimmed">
        nothing recorded
      </Text>
    );
  return (
    <Table withRowBorders={false} verticalSpacing={2} fz="sm">
      <Table.Tbody>
        {entries.map(([key, v]) => (
          <Table.Tr key={key} data-field={key}>
            <Table.Td c="dimmed" w={depth === 0 ? 170 : 140} style={{ verticalAlign: 'top' }}>
              {humanLabel(key)}
            </Table.Td>
            <Table.Td style={{ overflowWrap: 'anywhere' }}>
              <Value value={v} depth={depth} />
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

/**
 * Structured data (an audit entry's details, a job's result) as labelled fields, with the JSON behind a
 * "Raw" switch for support and scripts. `testId` names the block (`-view`, `-fields` inside); `rawTestId` the JSON.
 */
export function StructuredFields({
  title,
  value,
  testId,
  rawTestId,
}: {
  title: string;
  value: unknown;
  testId: string;
  rawTestId: string;
}) {
  const [view, setView] = useState<FieldsView>('fields');
  return (
    <Stack gap={4} data-testid={testId}>
      <Group justify="space-between">
        <Text fw={600} size="sm">
          {title}
        </Text>
        <ChoiceControl size="xs" value={view} onChange={setView} options={FIELD_VIEWS} testId={`${testId}-view`} />
      </Group>
      {view === 'fields' ? (
        <div data-testid={`${testId}-fields`}>
          <Fields value={value} depth={0} />
        </div>
      ) : (
        <Code block style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-word' }} data-testid={rawTestId}>
          {JSON.stringify(value, null, 2)}
        </Code>
      )}
    </Stack>
  );
}
