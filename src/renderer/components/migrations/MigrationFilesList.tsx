import { Group, Text } from '@mantine/core';
import type { MigrationFileStatus } from '../../../shared/contract/index';
import { formatDateTime } from '../../format';
import { ListScaffold } from '../table/ListScaffold';
import { MiddleEllipsis } from '../table/MiddleEllipsis';
import { MigrationStateBadge } from './MigrationStateBadge';

const ROW_HEIGHT = 52;

function detail(f: MigrationFileStatus): string {
  if (f.lastAttempt) return f.lastAttempt.summary;
  if (f.appliedAt)
    return `${formatDateTime(f.appliedAt)}${f.appliedVia && f.appliedVia !== 'apply' ? ` · ${f.appliedVia}` : ''}${f.appliedBy ? ` · ${f.appliedBy}` : ''}`;
  return f.outOfOrder ? 'out of order: numbered below an applied file' : 'not applied yet';
}

function FileRow({ f }: { f: MigrationFileStatus }) {
  return (
    <div style={{ padding: '6px 10px', borderRadius: 6, height: '100%' }}>
      <Group justify="space-between" wrap="nowrap" gap="xs">
        <Text size="sm" style={{ minWidth: 0, display: 'flex' }}>
          <MiddleEllipsis text={f.filename} monospace />
        </Text>
        <span style={{ flexShrink: 0 }}>
          <MigrationStateBadge state={f.state} />
        </span>
      </Group>
      <Text size="xs" c={f.lastAttempt ? 'red' : 'dimmed'} truncate title={detail(f)}>
        {detail(f)}
      </Text>
    </div>
  );
}

/** Every migration with its state, on the shared virtual list (SysNDD folders grow to hundreds of files). */
export function MigrationFilesList({
  files,
  selected,
  onSelect,
}: {
  files: MigrationFileStatus[];
  selected: string | null;
  onSelect(filename: string): void;
}) {
  return (
    <ListScaffold
      label="Migration files"
      items={files}
      getKey={(f) => f.filename}
      rowHeight={ROW_HEIGHT}
      maxHeight={520}
      selectedKey={selected}
      onOpen={(f) => onSelect(f.filename)}
      testId="migration-files"
      rowProps={(f) => ({ 'data-testid': `migration-row-${f.filename}`, 'data-state': f.state })}
      renderRow={(f) => <FileRow f={f} />}
    />
  );
}
