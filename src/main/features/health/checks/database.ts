import { toFailure } from '../../../core/AppError';
import { checkRow, type ReadinessCheckModule } from '../types';

/** Like SysNDD's `/health/ready`: the database answers a ping. Everything that needs a connection waits for it. */
export const databaseCheck: ReadinessCheckModule = {
  ...checkRow('database', 'Database reachable', 'connections'),
  async run({ profile, lookups }) {
    const m = profile.mysql;
    const target = `${m.user}@${m.host}:${m.port}${m.database ? `/${m.database}` : ''}${profile.ssh ? ` via SSH ${profile.ssh.host}` : ''}`;
    try {
      const p = await lookups.database();
      return {
        status: 'ok',
        summary: `ping ${p.pingMs} ms (connection ready in ${p.acquireMs} ms)`,
        detail: `${target}${p.database ? `, database ${p.database}` : ', no default database'}`,
        metrics: { pingMs: p.pingMs, acquireMs: p.acquireMs, database: p.database },
      };
    } catch (err) {
      const f = toFailure(err);
      return { status: 'fail', summary: f.message, detail: target, code: f.code };
    }
  },
};
