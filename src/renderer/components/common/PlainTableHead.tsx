import { Table } from '@mantine/core';

/** A column title with the width it keeps (a fixed-layout table) or its alignment; a bare string has neither. */
export interface HeadColumn {
  title: string;
  w?: number;
  ta?: 'right';
}

/** The header of a plain Mantine table: one cell per column title, in order ('' for an untitled column). */
export function PlainTableHead({ titles }: { titles: readonly (string | HeadColumn)[] }) {
  return (
    <Table.Thead>
      <Table.Tr>
        {titles.map((column, i) => {
          const { title, w, ta }: HeadColumn = typeof column === 'string' ? { title: column } : column;
          return (
            // biome-ignore lint/suspicious/noArrayIndexKey: titles are fixed per table and never reorder; an untitled column ('') needs the index to stay unique.
            <Table.Th key={i} w={w} ta={ta}>
              {title}
            </Table.Th>
          );
        })}
      </Table.Tr>
    </Table.Thead>
  );
}
