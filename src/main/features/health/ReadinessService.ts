import { performance } from 'node:perf_hooks';
import {
  type ReadinessCheck,
  type ReadinessOptions,
  type ReadinessOptionsInput,
  ReadinessOptions as ReadinessOptionsSchema,
  type ReadinessReport,
} from '../../../shared/contract/health';
import { toFailure } from '../../core/AppError';
import { READINESS_CHECKS } from './checks/index';
import { secondsText } from './format';
import { createLookups } from './lookups';
import type { ReadinessDeps } from './ReadinessDeps';
import type { CheckContext, CheckOutcome, ReadinessCheckModule } from './types';

const round1 = (ms: number) => Math.round(ms * 10) / 10;

/** Run `fn` with a deadline; past it the row reports the timeout and the work is abandoned (and aborted). */
async function withDeadline(
  check: ReadinessCheckModule,
  ctx: Omit<CheckContext, 'signal'>,
): Promise<{ outcome: CheckOutcome; durationMs: number }> {
  const t0 = performance.now();
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const work = check.run({ ...ctx, signal: controller.signal }).catch((err: unknown): CheckOutcome => {
    const f = toFailure(err);
    return { status: 'fail', summary: f.message, code: f.code };
  });
  const late = new Promise<CheckOutcome>((resolve) => {
    timer = setTimeout(() => {
      controller.abort();
      resolve({
        status: check.timeoutStatus ?? 'fail',
        summary: `no answer within ${secondsText(ctx.options.timeoutMs)}`,
        detail: 'The check was abandoned so the rest of the report is not held up; the host may be hung or very slow.',
        code: 'TIMEOUT',
      });
    }, ctx.options.timeoutMs);
  });
  const outcome = await Promise.race([work, late]).finally(() => clearTimeout(timer));
  return { outcome, durationMs: round1(performance.now() - t0) };
}

function toRow(check: ReadinessCheckModule, outcome: CheckOutcome, durationMs: number): ReadinessCheck {
  const { status, summary, detail, code, metrics } = outcome;
  // Only rows that need something done link to the page that does it.
  const fixPage = status === 'fail' || status === 'warn' ? (outcome.fixPage ?? check.fixPage) : undefined;
  return {
    id: check.id,
    label: check.label,
    status,
    summary,
    ...(detail !== undefined ? { detail } : {}),
    ...(code !== undefined ? { code } : {}),
    ...(fixPage !== undefined ? { fixPage } : {}),
    ...(metrics !== undefined ? { metrics } : {}),
    durationMs,
  };
}

/**
 * `app.health`: the readiness report behind the Overview page and `sysndd-admin preflight`. Checks run
 * concurrently, each under its own deadline, so one hung host costs at most one timeout (two for rows that
 * wait for the database row first). The report is ready when no row failed.
 */
export class ReadinessService {
  /** Identical requests in flight share one run (several windows, auto-refresh plus a click). */
  private readonly inflight = new Map<string, Promise<ReadinessReport>>();

  constructor(
    private readonly services: ReadinessDeps,
    private readonly checks: readonly ReadinessCheckModule[] = READINESS_CHECKS,
  ) {}

  readiness(raw: ReadinessOptionsInput): Promise<ReadinessReport> {
    const options = ReadinessOptionsSchema.parse(raw);
    const key = JSON.stringify(options);
    const running = this.inflight.get(key);
    if (running) return running;
    const run = this.run(options).finally(() => this.inflight.delete(key));
    this.inflight.set(key, run);
    return run;
  }

  private async run(options: ReadinessOptions): Promise<ReadinessReport> {
    const profile = this.services.profiles.get(options.profileId);
    const t0 = performance.now();
    const checkedAt = new Date().toISOString();
    const ctx = { services: this.services, profile, options, lookups: createLookups(this.services, profile, options) };
    const rows = new Map<string, ReadinessCheck>();
    const runOne = async (check: ReadinessCheckModule) => {
      const { outcome, durationMs } = await withDeadline(check, ctx);
      rows.set(check.id, toRow(check, outcome, durationMs));
    };

    const database = this.checks.find((c) => c.id === 'database');
    const independent = this.checks.filter((c) => !c.after && c !== database);
    const independentRun = Promise.all(independent.map(runOne));
    // Rows that read what the database row leaves behind start when it has settled (within its deadline).
    if (database) await runOne(database);
    const reachable = rows.get('database')?.status !== 'fail';
    const later = this.checks.filter((c) => c.after);
    await Promise.all([
      independentRun,
      ...later.map((check) => {
        if (check.after === 'reachable-database' && !reachable) {
          rows.set(check.id, toRow(check, { status: 'skipped', summary: 'Needs the database, which is not reachable.' }, 0));
          return Promise.resolve();
        }
        return runOne(check);
      }),
    ]);

    const checks = this.checks.map((c) => rows.get(c.id)).filter((r): r is ReadinessCheck => r !== undefined);
    const counts = { ok: 0, warn: 0, fail: 0, skipped: 0 };
    for (const r of checks) counts[r.status]++;
    return {
      profileId: profile.id,
      profileName: profile.name,
      environment: profile.environment,
      ready: counts.fail === 0,
      status: counts.fail ? 'fail' : counts.warn ? 'warn' : 'ok',
      counts,
      checks,
      settings: { backupMaxAgeHours: options.backupMaxAgeHours, timeoutMs: options.timeoutMs },
      checkedAt,
      durationMs: round1(performance.now() - t0),
    };
  }
}
