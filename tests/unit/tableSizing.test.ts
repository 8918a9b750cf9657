import type { ColumnDef } from '@tanstack/react-table';
import { describe, expect, it } from 'vitest';
import { GROW_MIN, SHRINK_MIN, sizeColumns } from '../../src/renderer/components/table/columnWidths';
import { formatShortDate } from '../../src/renderer/components/table/shortDate';

interface Row {
  name: string;
}

const columns: ColumnDef<Row>[] = [
  { id: 'createdAt', meta: { keepWhole: true } },
  { id: 'name', meta: { grow: true } },
  { id: 'schema', meta: { maxWidth: 180 } },
  { id: 'seal', meta: { maxWidth: 200 } },
  { id: 'rows', meta: { keepWhole: true } },
];
const measured = { createdAt: 90, name: 500, schema: 180, seal: 200, rows: 60 };
const sizeOf = (cols: ColumnDef<Row>[]): Record<string, number> => Object.fromEntries(cols.map((c) => [c.id ?? '', c.size ?? 0]));

describe('sizeColumns (DataTable)', () => {
  it('gives the grow column exactly what the others leave when they fit', () => {
    const s = sizeOf(sizeColumns(columns, measured, 1000, {}));
    expect(s).toEqual({ createdAt: 90, name: 1000 - 90 - 180 - 200 - 60, schema: 180, seal: 200, rows: 60 });
  });

  it('takes width from the cut-in-the-middle columns (never keepWhole ones) before the table scrolls', () => {
    const available = 700; // others 530 + GROW_MIN 220 = 750: 50 px short
    const s = sizeOf(sizeColumns(columns, measured, available, {}));
    expect(s.createdAt).toBe(90);
    expect(s.rows).toBe(60);
    expect((s.schema ?? 0) + (s.seal ?? 0)).toBeLessThanOrEqual(380 - 50);
    expect(s.name).toBeGreaterThanOrEqual(GROW_MIN);
    expect(Object.values(s).reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(available);
  });

  it('stops at SHRINK_MIN and then lets the table scroll', () => {
    const s = sizeOf(sizeColumns(columns, measured, 300, {}));
    expect(s.schema).toBe(SHRINK_MIN);
    expect(s.seal).toBe(SHRINK_MIN);
    expect(s.name).toBe(GROW_MIN);
  });

  it('leaves a column the person resized alone, and counts no width for hidden columns', () => {
    const resized = sizeOf(sizeColumns(columns, measured, 700, { schema: 250 }));
    expect(resized.schema).toBe(180); // the definition's size; TanStack applies the person's 250 on top
    expect(resized.seal).toBeLessThan(200);
    const hidden = sizeOf(sizeColumns(columns, { createdAt: 90, name: 500, seal: 200 }, 1000, {}, new Set(['schema', 'rows'])));
    expect(hidden.name).toBe(1000 - 90 - 200);
  });
});

describe('formatShortDate', () => {
  const now = new Date(2026, 11, 6, 12, 0, 0);
  it('shows day, month and time this year, day, month and year before', () => {
    expect(formatShortDate(new Date(2026, 11, 6, 4, 29, 13).toISOString(), now)).toBe('06 Dec 04:29');
    expect(formatShortDate(new Date(2025, 0, 2, 23, 5).toISOString(), now)).toBe('02 Jan 2025');
  });
  it('says — for no date and returns what it cannot read', () => {
    expect(formatShortDate(null, now)).toBe('—');
    expect(formatShortDate('not a date', now)).toBe('not a date');
  });
});
