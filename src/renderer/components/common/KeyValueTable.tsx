import { Table } from '@mantine/core';
import type { ReactNode } from 'react';

interface KeyValueTableProps {
  /** Label and value, one row each; labels must be unique (they key the rows). */
  rows: ReadonlyArray<readonly [string, ReactNode]>;
  /** Width of the label column in px. */
  labelWidth: number;
  verticalSpacing?: number;
  fz?: 'xs' | 'sm';
  mt?: number;
  testId?: string;
}

/** A borderless two-column table: dimmed labels on the left, values on the right (settings, certificate facts). */
export function KeyValueTable({ rows, labelWidth, verticalSpacing = 0, fz, mt, testId }: KeyValueTableProps) {
  return (
    <Table withRowBorders={false} verticalSpacing={verticalSpacing} fz={fz} mt={mt} data-testid={testId}>
      <Table.Tbody>
        {rows.map(([label, value]) => (
          <Table.Tr key={label}>
            <Table.Td c="dimmed" w={labelWidth}>
              {label}
            </Table.Td>
            <Table.Td>{value}</Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}
