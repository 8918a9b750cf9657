import { Table } from '@mantine/core';

/** The header of a plain Mantine table: one cell per column title, in order ('' for an untitled column). */
export function PlainTableHead({ titles }: { titles: readonly string[] }) {
  return (
    <Table.Thead>
      <Table.Tr>
        {titles.map((title, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: titles are fixed per table and never reorder; an untitled column ('') needs the index to stay unique.
          <Table.Th key={i}>{title}</Table.Th>
        ))}
      </Table.Tr>
    </Table.Thead>
  );
}
