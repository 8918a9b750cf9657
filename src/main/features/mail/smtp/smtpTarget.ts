import { type SmtpTargetRef, SmtpTargetRef as SmtpTargetRefSchema } from '../../../../shared/contract/mail';
import { type SmtpSettings, SmtpSettings as SmtpSettingsSchema } from '../../../../shared/contract/profiles';
import { AppError } from '../../../core/AppError';
import type { ProfileService } from '../../profiles/ProfileService';

/** Everything needed to open an SMTP session; the password stays in the main process. */
export interface SmtpTarget {
  host: string;
  port: number;
  security: 'none' | 'starttls' | 'tls';
  user: string | null;
  password: string | null;
  from: string;
  /** Where the settings came from, for messages ("profile staging", "smtp://…"). */
  label: string;
}

/** The public part of a target (what reports and results show). */
export function endpointOf(t: SmtpTarget): {
  host: string;
  port: number;
  security: SmtpTarget['security'];
  user: string | null;
  from: string;
} {
  return { host: t.host, port: t.port, security: t.security, user: t.user, from: t.from };
}

/** A profile's SMTP settings with its `smtp.password` secret, or ad-hoc settings given with the call. */
export async function resolveSmtpTarget(
  ref: SmtpTargetRef,
  profiles: ProfileService,
  /** Where the saved password comes from; the app passes its SecretSources (store, then SMTP_PASSWORD on the CLI, then a prompt). */
  secret: (profileId: string) => Promise<string | null> = (id) => profiles.secret(id, 'smtp.password'),
): Promise<SmtpTarget> {
  const parsed = SmtpTargetRefSchema.parse(ref);
  if ('profileId' in parsed) {
    const profile = profiles.get(parsed.profileId);
    if (!profile.smtp) {
      throw new AppError(
        'PRECONDITION_FAILED',
        `Profile "${profile.name}" has no SMTP settings; add the SMTP host, port and security in the profile editor.`,
      );
    }
    const password = profile.smtp.user ? await secret(profile.id) : null;
    return fromSettings(profile.smtp, password, `profile ${profile.name}`);
  }
  return fromSettings(parsed.smtp, parsed.password ?? null, `smtp://${parsed.smtp.host}:${parsed.smtp.port}`);
}

function fromSettings(s: SmtpSettings, password: string | null, label: string): SmtpTarget {
  return { host: s.host, port: s.port, security: s.security, user: s.user || null, password, from: s.from, label };
}

/**
 * `smtp://[user@]host:port[?security=none|starttls|tls&from=addr]` → settings. `smtps://` means implicit TLS.
 * A password in the URL is refused: it would be visible in the process list and shell history.
 */
export function parseSmtpUrl(text: string): SmtpSettings {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new AppError('INVALID_ARGUMENT', `--smtp is not a URL: ${text} (expected smtp://[user@]host:port[?security=starttls])`);
  }
  if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:') {
    throw new AppError('INVALID_ARGUMENT', `--smtp must start with smtp:// or smtps://, got ${url.protocol}//`);
  }
  if (url.password) {
    throw new AppError(
      'INVALID_ARGUMENT',
      'Do not put the SMTP password in the URL (it would show in the process list); use SMTP_PASSWORD or the prompt.',
    );
  }
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (!host) throw new AppError('INVALID_ARGUMENT', `--smtp has no host: ${text}`);
  const securityParam = url.searchParams.get('security');
  const security =
    securityParam ?? (url.protocol === 'smtps:' ? 'tls' : url.port === '465' ? 'tls' : url.port === '587' ? 'starttls' : 'none');
  if (security !== 'none' && security !== 'starttls' && security !== 'tls') {
    throw new AppError('INVALID_ARGUMENT', `security must be none, starttls or tls, got "${security}"`);
  }
  const port = Number(url.port || (security === 'tls' ? 465 : security === 'starttls' ? 587 : 25));
  for (const key of url.searchParams.keys()) {
    if (key !== 'security' && key !== 'from')
      throw new AppError('INVALID_ARGUMENT', `Unknown --smtp parameter "${key}" (known: security, from)`);
  }
  const result = SmtpSettingsSchema.safeParse({
    host,
    port,
    security,
    user: url.username ? decodeURIComponent(url.username) : undefined,
    from: url.searchParams.get('from') ?? undefined,
  });
  if (!result.success) throw new AppError('INVALID_ARGUMENT', `--smtp: ${result.error.issues.map((i) => i.message).join('; ')}`);
  return result.data;
}
