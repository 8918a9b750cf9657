import type { PreflightReport } from '../../../../shared/contract/restore';

/**
 * The "Across engines" block of `restore --dry-run`: collations mapped to the target's nearest, generated
 * columns the target rejects (plain with --generated-as-plain, else refused), DDL statements it rejected in
 * the scratch-schema rehearsal. Empty when the file and the target agree.
 */
export function renderCrossEngine(r: PreflightReport): string[] {
  const x = r.crossEngine;
  if (!x.collations.length && !x.generatedColumns.length && !x.ddlRejected.length) return [];
  const lines = ['', 'Across engines:'];
  for (const m of x.collations) lines.push(`  collation ${m.from} → ${m.to}`);
  for (const g of x.generatedColumns)
    lines.push(
      `  generated ${g.table}.${g.column} AS (${g.expression}): ${g.action === 'plain' ? 'stored as a plain column' : 'REFUSED'} — ${g.serverMessage}`,
    );
  if (x.generatedColumns.some((g) => g.action === 'refused'))
    lines.push('  (--generated-as-plain stores them as plain columns with the file’s values; NULL when the dump left them out)');
  for (const d of x.ddlRejected) lines.push(`  rejected ${d.statement}${d.serverMessage ? ` — ${d.serverMessage}` : ''}`);
  return lines;
}
