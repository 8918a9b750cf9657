import { Button, Checkbox, Menu, Stack } from '@mantine/core';
import type { ColumnDef } from '@tanstack/react-table';
import { Columns3 } from 'lucide-react';
import { useColumnVisibility, useHiddenColumns } from './columnVisibility';

/** A column's name for people: its header text, else its id. */
function columnLabel<T>(column: ColumnDef<T>): string {
  return typeof column.header === 'string' && column.header ? column.header : (column.id ?? '');
}

/**
 * "Columns": show or hide a table's columns (the choice is remembered). Secondary columns start hidden
 * (DataTable's `defaultHidden`) so a table fits a 1280 px window without a sideways scroll; the name
 * column and the row menu are never hidden.
 */
export function ColumnChooser<T>({
  name,
  columns,
  defaultHidden = [],
  fixed = [],
}: {
  /** The DataTable's name (the same key for the saved choice). */
  name: string;
  columns: ColumnDef<T>[];
  defaultHidden?: readonly string[];
  /** Columns that always show (no checkbox). */
  fixed?: readonly string[];
}) {
  const hidden = useHiddenColumns(name, defaultHidden);
  const setHidden = useColumnVisibility((s) => s.setHidden);
  const choosable = columns.filter((c) => c.id && !fixed.includes(c.id) && columnLabel(c));
  const toggle = (id: string, show: boolean) =>
    setHidden(name, show ? hidden.filter((h) => h !== id) : [...hidden.filter((h) => h !== id), id]);
  return (
    <Menu position="bottom-end" closeOnItemClick={false} withinPortal>
      <Menu.Target>
        <Button variant="default" size="xs" leftSection={<Columns3 size={14} />} data-testid={`${name}-columns`}>
          Columns
        </Button>
      </Menu.Target>
      <Menu.Dropdown>
        <Stack gap={6} p={6}>
          {choosable.map((c) => {
            const id = c.id as string;
            return (
              <Checkbox
                key={id}
                size="xs"
                label={columnLabel(c)}
                checked={!hidden.includes(id)}
                onChange={(e) => toggle(id, e.currentTarget.checked)}
                data-testid={`${name}-column-${id}`}
              />
            );
          })}
        </Stack>
      </Menu.Dropdown>
    </Menu>
  );
}
