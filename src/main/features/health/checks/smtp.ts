import { toFailure } from '../../../core/AppError';
import { type CheckOutcome, checkRow, type ReadinessCheckModule } from '../types';

/** Passing results by profile and SMTP settings; only reused when the caller allows it (auto-refresh). */
const passed = new Map<string, { at: number; outcome: CheckOutcome }>();

/**
 * The mail capability's staged SMTP diagnosis (DNS, TCP, TLS, greeting, EHLO, AUTH, MAIL FROM then RSET: no
 * mail is sent). SysNDD cannot send registration or password mails without it, so a failure fails.
 */
export const smtpCheck: ReadinessCheckModule = {
  ...checkRow('smtp', 'SMTP server', 'mail'),
  async run({ services, profile, options }) {
    if (!profile.smtp) return { status: 'skipped', summary: 'No SMTP settings in this profile.' };
    const where = `${profile.smtp.host}:${profile.smtp.port} (${profile.smtp.security})`;
    const key = `${profile.id}|${JSON.stringify(profile.smtp)}`;
    const cached = passed.get(key);
    const ageS = cached ? (Date.now() - cached.at) / 1000 : Number.POSITIVE_INFINITY;
    if (cached && ageS < options.smtpCacheSeconds) {
      return { ...cached.outcome, summary: `${cached.outcome.summary} (checked ${Math.round(ageS)} s ago)` };
    }
    passed.delete(key);
    try {
      // Each stage's own timeout stays under the row's deadline so the diagnosis names the stage that hung.
      const d = await services.mail.diagnose(
        { profileId: profile.id },
        { timeoutMs: Math.max(200, Math.floor(options.timeoutMs * 0.8)), allowUnverifiedTls: false },
      );
      const metrics = { totalMs: d.totalMs, stages: d.stages.length };
      if (d.failure) {
        return {
          status: 'fail',
          summary: `${where}: ${d.failure.message}`,
          detail: d.failure.hint,
          code: d.failure.code,
          metrics,
        };
      }
      const greeting = d.stages.find((s) => s.stage === 'greeting')?.summary;
      const outcome: CheckOutcome = {
        status: d.warnings.length ? 'warn' : 'ok',
        summary: `${where} accepts mail from ${d.target.from} (${Math.round(d.totalMs)} ms)`,
        detail: d.warnings.length ? d.warnings.join(' ') : greeting,
        metrics,
      };
      passed.set(key, { at: Date.now(), outcome });
      return outcome;
    } catch (err) {
      const f = toFailure(err);
      return { status: 'fail', summary: `${where}: ${f.message}`, code: f.code };
    }
  },
};
