import type { ReactNode } from 'react';
import { formatDateTime } from '../../format';

/**
 * A date and time on one line ("2026-05-01 14:03:22"), never wrapped: the column is as wide as the
 * value. The ISO instant is the title (the exact time, with its zone).
 */
export function DateCell({ iso, withSeconds = true }: { iso: string | null | undefined; withSeconds?: boolean }) {
  const text = formatDateTime(iso);
  return (
    <span style={{ whiteSpace: 'nowrap' }} title={iso ?? undefined} data-testid="date-cell">
      {withSeconds ? text : text.slice(0, 16)}
    </span>
  );
}

/**
 * A column's probe (ColumnMeta.probe): its possible wide values stacked, so the measured width is the
 * widest of them, not their sum. Rendered only in the invisible measuring pass.
 */
export function probeAll(nodes: ReactNode[]): ReactNode {
  return (
    <div style={{ display: 'flex', flexDirection: 'column', alignItems: 'flex-start' }}>
      {nodes.map((node, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: a fixed list rendered once, never reordered.
        <div key={i}>{node}</div>
      ))}
    </div>
  );
}
