import { Code } from '@mantine/core';

/** A unified diff with added/removed lines coloured. */
export function DiffView({ diff }: { diff: string }) {
  const lines = diff.split('\n');
  return (
    <Code block data-testid="drift-diff" style={{ maxHeight: 360, overflow: 'auto' }}>
      {lines.map((line, i) => {
        const color =
          line.startsWith('+') && !line.startsWith('+++')
            ? 'var(--mantine-color-green-7)'
            : line.startsWith('-') && !line.startsWith('---')
              ? 'var(--mantine-color-red-7)'
              : undefined;
        return (
          // biome-ignore lint/suspicious/noArrayIndexKey: diff lines have no identity besides their position.
          <div key={i} style={{ color, whiteSpace: 'pre' }}>
            {line || ' '}
          </div>
        );
      })}
    </Code>
  );
}
