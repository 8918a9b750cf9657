import { z } from 'zod';
import { Id, IsoDate, ReportedProfile } from './common';
import { op } from './define';
import { Environment } from './profiles';

/**
 * Readiness: the console's answer to SysNDD's `/health/ready`, per profile. Every check reports one row;
 * the profile is ready when no row failed (warnings and skipped rows do not block). Shared by the Overview
 * page and `sysndd-admin preflight`.
 */

export const ReadinessCheckId = z.enum([
  'database',
  'server',
  'tunnel',
  'pool',
  'migrations.pending',
  'migrations.drift',
  'migrations.lock',
  'backups.age',
  'backups.space',
  'smtp',
  'mailpit',
]);
export type ReadinessCheckId = z.infer<typeof ReadinessCheckId>;

export const CheckStatus = z.enum(['ok', 'warn', 'fail', 'skipped']);
export type CheckStatus = z.infer<typeof CheckStatus>;

/** The console page that fixes a row (its hash route, `#/<page>`). */
export const FixPage = z.enum(['connections', 'migrations', 'backups', 'mail']);
export type FixPage = z.infer<typeof FixPage>;

export const ReadinessCheck = z.object({
  id: ReadinessCheckId,
  label: z.string(),
  status: CheckStatus,
  /** One line: what was found ("ping 0.4 ms", "2 pending: 004_x.sql, 005_y.sql") or why it was skipped. */
  summary: z.string(),
  /** More words: the cause and what to do, the folder looked at, the lock holder's query. */
  detail: z.string().optional(),
  /** The stable error code behind a failure (HOST_UNREACHABLE, TIMEOUT, SMTP_AUTH_FAILED, …). */
  code: z.string().optional(),
  fixPage: FixPage.optional(),
  /** Figures for scripts: latency, counts, ages, bytes. */
  metrics: z.record(z.string(), z.union([z.number(), z.string(), z.boolean(), z.null()])).optional(),
  durationMs: z.number(),
});
export type ReadinessCheck = z.infer<typeof ReadinessCheck>;

export const READINESS_DEFAULTS = {
  /** SysNDD's cron backs up daily at 03:00; 26 h leaves two hours of slack for a slow dump. */
  backupMaxAgeHours: 26,
  /** Per check; a host that does not answer costs at most this (twice for checks that need the database). */
  timeoutMs: 10_000,
} as const;

export const ReadinessOptions = z
  .object({
    profileId: Id,
    /** Migrations folder; default the profile's setting, else the bundled migrations. */
    migrationsDir: z.string().max(4096).optional(),
    /** The newest backup older than this is a warning. */
    backupMaxAgeHours: z
      .number()
      .min(0.01)
      .max(24 * 366)
      .default(READINESS_DEFAULTS.backupMaxAgeHours),
    /** Each check gives up (and fails) after this long, so one hung host cannot stall the report. */
    timeoutMs: z.number().int().min(200).max(120_000).default(READINESS_DEFAULTS.timeoutMs),
    /**
     * Reuse a passing SMTP result younger than this many seconds (0 = always ask the server). The Overview's
     * auto-refresh sets it so an open window does not log in to a production mail provider every 30 s;
     * failures are never reused.
     */
    smtpCacheSeconds: z.number().int().min(0).max(3600).default(0),
  })
  .strict();
export type ReadinessOptions = z.output<typeof ReadinessOptions>;
export type ReadinessOptionsInput = z.input<typeof ReadinessOptions>;

export const ReadinessReport = z.object({
  ...ReportedProfile,
  environment: Environment,
  /** No check failed. */
  ready: z.boolean(),
  /** The worst status seen: fail, else warn, else ok. */
  status: z.enum(['ok', 'warn', 'fail']),
  counts: z.object({ ok: z.number().int(), warn: z.number().int(), fail: z.number().int(), skipped: z.number().int() }),
  checks: z.array(ReadinessCheck),
  settings: z.object({ backupMaxAgeHours: z.number(), timeoutMs: z.number().int() }),
  checkedAt: IsoDate,
  durationMs: z.number(),
});
export type ReadinessReport = z.infer<typeof ReadinessReport>;

export const healthOperations = {
  'health.readiness': op(
    'Readiness of a profile (like SysNDD /health/ready): database, version, tunnel, pool, migrations, lock, backups, disk, SMTP, Mailpit',
    ReadinessOptions,
    ReadinessReport,
  ),
} as const;
