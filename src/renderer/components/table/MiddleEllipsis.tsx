import './dataTable.css';

/** How much of the end stays visible: names end in what tells them apart (label, date, extension). */
function tailLength(text: string): number {
  if (text.length <= 12) return 0;
  return Math.min(20, Math.floor(text.length * 0.4));
}

/**
 * A value cut in the middle when its column is too narrow ("bk_sysndd_2026…_pre-restore.sql.gz"),
 * with the whole text as the title (hover) and in the DOM (screen readers, copy, a focused row shows it
 * wrapped). Pure CSS: nothing is measured per cell, so thousands of rows cost nothing extra.
 */
export function MiddleEllipsis({ text, testId, monospace = false }: { text: string; testId?: string; monospace?: boolean }) {
  const tail = tailLength(text);
  const head = tail ? text.slice(0, text.length - tail) : text;
  return (
    <span
      className="dt-ellipsis"
      title={text}
      data-testid={testId}
      data-full-text={text}
      style={monospace ? { fontFamily: 'var(--mantine-font-family-monospace)' } : undefined}
    >
      <span className="dt-ellipsis-head">{head}</span>
      {tail > 0 && <span className="dt-ellipsis-tail">{text.slice(text.length - tail)}</span>}
    </span>
  );
}
