import { listText, plural } from '../format';
import { checkRow, type ReadinessCheckModule } from '../types';

/**
 * Applied files that changed since (SysNDD never notices: it stores only file names), applied files missing
 * from the folder, and folder problems (bad names). None stops SysNDD from starting, hence warnings.
 */
export const migrationsDriftCheck: ReadinessCheckModule = {
  ...checkRow('migrations.drift', 'Migration drift', 'migrations', { after: 'reachable-database' }),
  async run({ lookups }) {
    const s = await lookups.migrationStatus();
    const errors = s.problems.filter((p) => p.severity === 'error' && p.code !== 'MIGRATION_DRIFT');
    const metrics = {
      drifted: s.counts.drifted,
      missing: s.counts.missing,
      noChecksum: s.counts.noChecksum,
      problems: errors.length,
    };
    const parts: string[] = [];
    if (s.drifted.length) parts.push(`${plural(s.drifted.length, 'drifted file')}: ${listText(s.drifted)}`);
    if (s.missing.length)
      parts.push(`${plural(s.missing.length, 'applied file')} missing from the folder: ${listText(s.missing)}`);
    if (errors.length) parts.push(plural(errors.length, 'folder problem'));
    if (parts.length) {
      return {
        status: 'warn',
        summary: parts.join('; '),
        detail: errors.length ? errors.map((p) => p.message).join(' ') : 'Open the file on the Migrations page to see the diff.',
        code: s.drifted.length ? 'MIGRATION_DRIFT' : undefined,
        metrics,
      };
    }
    const unknown = s.noChecksum.length
      ? `; ${plural(s.noChecksum.length, 'file')} applied by SysNDD's own runner (no checksum to compare)`
      : '';
    return { status: 'ok', summary: `no drift${unknown}`, metrics };
  },
};
