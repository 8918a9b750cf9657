import { createTwoFilesPatch } from 'diff';

/** Unified diff from the applied text (kept in our journal) to the file as it is now. */
export function driftDiff(filename: string, appliedText: string, currentText: string, appliedAt: string | null): string {
  return createTwoFilesPatch(
    `a/${filename}`,
    `b/${filename}`,
    appliedText,
    currentText,
    appliedAt ? `applied ${appliedAt}` : 'applied',
    'current file',
    { context: 3 },
  );
}
