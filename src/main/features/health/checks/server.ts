import { checkRow, type ReadinessCheckModule } from '../types';

/**
 * Oldest servers we call fine: SysNDD runs on MySQL 8; MariaDB 10.6 is the oldest LTS line the console is
 * tested against (10.11 in CI). Older servers still work for most things, hence a warning, not a failure.
 */
const MIN_MYSQL: [number, number] = [8, 0];
const MIN_MARIADB: [number, number] = [10, 6];

function below(v: [number, number], min: [number, number]): boolean {
  return v[0] < min[0] || (v[0] === min[0] && v[1] < min[1]);
}

export const serverCheck: ReadinessCheckModule = {
  ...checkRow('server', 'Server version', 'connections', { after: 'reachable-database' }),
  async run({ lookups }) {
    const p = await lookups.database();
    const m = /^(\d+)\.(\d+)/.exec(p.version);
    const mariadb = /mariadb/i.test(`${p.version} ${p.versionComment ?? ''}`);
    // MariaDB's version string names it; MySQL's ("9.7.4-2 ((Debian))") does not, so say it.
    const text = `${mariadb ? '' : 'MySQL '}${p.version}${p.versionComment ? ` (${p.versionComment})` : ''}`;
    const metrics = { version: p.version, flavour: mariadb ? 'mariadb' : 'mysql' };
    if (!m) return { status: 'warn', summary: text, detail: 'The version string could not be read.', metrics };
    const v: [number, number] = [Number(m[1]), Number(m[2])];
    const min = mariadb ? MIN_MARIADB : MIN_MYSQL;
    if (below(v, min)) {
      return {
        status: 'warn',
        summary: text,
        detail: `Older than ${mariadb ? 'MariaDB' : 'MySQL'} ${min.join('.')}, the oldest version SysNDD Admin is meant for.`,
        metrics,
      };
    }
    return { status: 'ok', summary: text, metrics };
  },
};
