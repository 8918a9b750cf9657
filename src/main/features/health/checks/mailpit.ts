import { toFailure } from '../../../core/AppError';
import { MailpitClient } from '../../mail/mailpit/MailpitClient';
import { checkRow, type ReadinessCheckModule } from '../types';

/**
 * Mailpit's API (the mail viewer's source). Only the viewer needs it — SysNDD itself talks SMTP — so an
 * unreachable Mailpit warns instead of failing.
 */
export const mailpitCheck: ReadinessCheckModule = {
  ...checkRow('mailpit', 'Mailpit', 'mail', { timeoutStatus: 'warn' }),
  async run({ profile, options }) {
    if (!profile.mailpit) return { status: 'skipped', summary: 'No Mailpit URL in this profile.' };
    try {
      // The same client as the Mail page, with the row's deadline as its request timeout.
      const client = new MailpitClient(profile.mailpit.url, Math.max(200, Math.floor(options.timeoutMs * 0.8)));
      const t0 = Date.now();
      const list = await client.list({ limit: 1 });
      const ms = Date.now() - t0;
      return {
        status: 'ok',
        summary: `${client.url} answers: ${list.total} message(s), ${list.unread} unread (${ms} ms)`,
        metrics: { total: list.total, unread: list.unread, latencyMs: ms },
      };
    } catch (err) {
      const f = toFailure(err);
      return { status: 'warn', summary: f.message, code: f.code };
    }
  },
};
