import { Badge } from '@mantine/core';
import type { MigrationCommitBehaviour, MigrationFileState } from '../../../shared/contract/index';

export const MIGRATION_STATE_STYLE: Record<MigrationFileState, { color: string; label: string; hint: string }> = {
  pending: { color: 'yellow', label: 'pending', hint: 'Not applied yet.' },
  applied: { color: 'green', label: 'applied', hint: 'Applied; the file still matches what ran.' },
  'applied-no-checksum': {
    color: 'teal',
    label: 'applied (no checksum)',
    hint: "Applied by SysNDD's own runner: no checksum recorded. Adopt it to detect later edits.",
  },
  drifted: { color: 'red', label: 'drifted', hint: 'The file changed after it was applied.' },
  failed: { color: 'red', label: 'failed', hint: 'The last attempt stopped on an SQL error part-way.' },
  interrupted: { color: 'orange', label: 'interrupted', hint: 'The last attempt was cancelled or its client stopped mid-file.' },
  running: { color: 'blue', label: 'running', hint: 'Another runner is applying it right now.' },
  missing: { color: 'grape', label: 'missing file', hint: 'Recorded as applied, but the file is not in the folder.' },
};

export function MigrationStateBadge({ state }: { state: MigrationFileState }) {
  const s = MIGRATION_STATE_STYLE[state];
  return (
    <Badge color={s.color} variant={state === 'applied' ? 'light' : 'filled'} title={s.hint} data-testid="migration-state">
      {s.label}
    </Badge>
  );
}

const BEHAVIOUR_STYLE: Record<MigrationCommitBehaviour, { color: string; label: string }> = {
  'implicit-commit': { color: 'gray', label: 'commits at once' },
  transactional: { color: 'gray', label: 'transactional' },
  'transaction-control': { color: 'cyan', label: 'transaction control' },
};

/**
 * Whether a statement can be rolled back. Every DDL statement commits at once on MySQL/MariaDB, so that is
 * a quiet fact on the statement (the dry run's totals say how many), not a red badge on each one.
 */
export function BehaviourBadge({ behaviour, reason }: { behaviour: MigrationCommitBehaviour; reason?: string }) {
  const s = BEHAVIOUR_STYLE[behaviour];
  return (
    <Badge
      size="xs"
      color={s.color}
      variant={behaviour === 'transaction-control' ? 'light' : 'outline'}
      title={reason}
      data-testid="statement-behaviour"
      data-behaviour={behaviour}
    >
      {s.label}
    </Badge>
  );
}
