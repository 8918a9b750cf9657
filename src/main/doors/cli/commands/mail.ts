import { type Command, InvalidArgumentError } from 'commander';
import type { MailSource, ResultOf, SmtpTargetRef, TemplateId } from '../../../../shared/contract/index';
import { mailSourceKey, TemplateId as TemplateIdSchema } from '../../../../shared/contract/mail';
import { toFailure } from '../../../core/AppError';
import { dispatch } from '../../../core/dispatch';
import { parseSmtpUrl } from '../../../features/mail/smtp/smtpTarget';
import { type CliContext, CliExit } from '../CliContext';
import { EXIT } from '../exitCodes';
import { promptSecret } from '../prompt';
import { renderDiagnosis, renderList, renderSend } from './mailRender';

interface SmtpOptions {
  profile?: string;
  smtp?: string;
  allowUnverifiedTls?: boolean;
  timeout: string;
}

const DEFAULT_MAILPIT = 'http://127.0.0.1:8025/';

function addSmtpOptions(cmd: Command): Command {
  return cmd
    .option('--profile <name>', 'use the SMTP settings (and saved password) of this profile')
    .option(
      '--smtp <url>',
      'smtp://[user@]host:port[?security=none|starttls|tls&from=addr] (password from SMTP_PASSWORD or a prompt)',
    )
    .option('--allow-unverified-tls', 'accept a certificate that does not verify (self-signed development servers)')
    .option('--timeout <ms>', 'limit for each phase: connect, greeting, each command', '10000');
}

function int(value: string, name: string, cli: CliContext, min = 0): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min)
    cli.fail({ ok: false, code: 'INVALID_ARGUMENT', message: `${name} must be a whole number ≥ ${min}, got "${value}".` });
  return n;
}

/** `--profile` or `--smtp` → the contract's target; the password comes from SMTP_PASSWORD or a prompt, never argv. */
async function smtpTarget(o: SmtpOptions, cli: CliContext): Promise<SmtpTargetRef> {
  if (Boolean(o.profile) === Boolean(o.smtp)) {
    return cli.fail({
      ok: false,
      code: 'INVALID_ARGUMENT',
      message: 'Give either --profile NAME or --smtp smtp://[user@]host:port.',
    });
  }
  // savedProfileId ends the command itself (CliExit) when the profile does not exist.
  if (o.profile) return { profileId: await cli.savedProfileId(o.profile) };
  try {
    const smtp = parseSmtpUrl(o.smtp as string);
    const password = smtp.user
      ? (process.env.SMTP_PASSWORD ?? (await promptSecret(`SMTP password for ${smtp.user}@${smtp.host}: `)))
      : null;
    return password ? { smtp, password } : { smtp };
  } catch (err) {
    return cli.fail(toFailure(err));
  }
}

async function mailSource(o: { profile?: string; mailpit?: string; capture?: boolean }, cli: CliContext): Promise<MailSource> {
  if (o.capture) return { kind: 'capture' };
  if (o.profile) return { kind: 'profile', profileId: await cli.savedProfileId(o.profile) };
  return { kind: 'url', url: o.mailpit ?? DEFAULT_MAILPIT };
}

/** `--data key=value` (repeatable) → template data. */
function collectData(value: string, previous: Record<string, string>): Record<string, string> {
  const eq = value.indexOf('=');
  if (eq <= 0) throw new InvalidArgumentError(`expected key=value, got "${value}"`);
  return { ...previous, [value.slice(0, eq)]: value.slice(eq + 1) };
}

/** Resolves on SIGINT or SIGTERM (the capture runs until then). */
function untilSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const onSignal = (signal: NodeJS.Signals) => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      resolve(signal);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}

export function registerMailCommands(program: Command, cli: CliContext): void {
  const mail = program
    .command('mail')
    .description('SMTP diagnosis, test mails, SysNDD mail templates, Mailpit and the built-in capture');

  addSmtpOptions(mail.command('test'))
    .description('diagnose an SMTP server stage by stage (DNS, TCP, TLS, greeting, EHLO, AUTH, sender); sends no mail')
    .addHelpText(
      'after',
      '\nExit codes: 0 the server accepts us; 1 the server or network failed, with the categorized cause\n' +
        '(SMTP_AUTH_FAILED, SMTP_TLS_FAILED, …); 2 usage (neither or both of --profile/--smtp, a bad URL);\n' +
        '3 precondition: the profile has no SMTP settings (nothing was contacted).\n' +
        "With --profile the password is the profile's saved smtp.password, else SMTP_PASSWORD, else a prompt.",
    )
    .action(async (o: SmtpOptions) => {
      const target = await smtpTarget(o, cli);
      const report = await cli.call('mail.test', {
        target,
        allowUnverifiedTls: Boolean(o.allowUnverifiedTls),
        timeoutMs: int(o.timeout, '--timeout', cli, 100),
      });
      cli.output(report, renderDiagnosis);
      if (!report.ok) throw new CliExit(EXIT.FAILED);
    });

  addSmtpOptions(mail.command('send'))
    .description('send one real mail: the SMTP test mail or a SysNDD template (sample data unless --data is given)')
    .requiredOption('--to <address>', 'recipient')
    .option('--template <id>', `${TemplateIdSchema.options.join(' | ')}`, 'smtp-test')
    .option('--data <key=value>', 'template field (repeatable)', collectData, {})
    .action(async (o: SmtpOptions & { to: string; template: string; data: Record<string, string> }) => {
      const target = await smtpTarget(o, cli);
      const result = await cli.call('mail.send', {
        target,
        to: o.to,
        templateId: o.template as TemplateId,
        data: Object.keys(o.data).length ? o.data : undefined,
        allowUnverifiedTls: Boolean(o.allowUnverifiedTls),
        timeoutMs: int(o.timeout, '--timeout', cli, 100),
      });
      cli.output(result, renderSend);
    });

  mail
    .command('templates')
    .description("list SysNDD's user mail templates, or render one with --preview")
    .option('--preview <id>', 'render this template with sample data (and --data overrides)')
    .option('--format <part>', 'with --preview: text | html | subject', 'text')
    .option('--data <key=value>', 'template field (repeatable)', collectData, {})
    .action(async (o: { preview?: string; format: string; data: Record<string, string> }) => {
      if (!o.preview) {
        const list = await cli.call('mail.templates', {});
        cli.output(list, (l) =>
          l.map((x) => `${x.id.padEnd(22)} ${x.name} — fields: ${x.fields.map((f) => f.key).join(', ')}`).join('\n'),
        );
        return;
      }
      const r = await cli.call('mail.preview', {
        templateId: o.preview as TemplateId,
        data: Object.keys(o.data).length ? o.data : undefined,
      });
      cli.output(r, (v) =>
        o.format === 'html' ? v.html : o.format === 'subject' ? v.subject : `Subject: ${v.subject}\n\n${v.text}`,
      );
    });

  mail
    .command('list')
    .description("list captured mail from a Mailpit (default http://127.0.0.1:8025) or a profile's Mailpit")
    .option('--profile <name>', "use this profile's Mailpit URL")
    .option('--mailpit <url>', 'Mailpit (or `mail capture`) API base URL', DEFAULT_MAILPIT)
    .option('--query <search>', 'Mailpit search syntax, e.g. \'subject:"reset" is:unread\'')
    .option('--start <n>', 'skip this many', '0')
    .option('--limit <n>', 'at most this many', '50')
    .action(async (o: { profile?: string; mailpit?: string; query?: string; start: string; limit: string }) => {
      const source = await mailSource(o, cli);
      const list = await cli.call('mail.messages.list', {
        source,
        query: o.query,
        start: int(o.start, '--start', cli),
        limit: int(o.limit, '--limit', cli, 1),
      });
      cli.output(list, renderList);
    });

  addSmtpOptions(mail.command('roundtrip'))
    .description('send a tagged mail and wait until the Mailpit (or capture) lists it; reports end-to-end latency')
    .option('--mailpit <url>', "Mailpit API base URL to watch (default: the profile's Mailpit)")
    .option('--to <address>', 'recipient (default: the sender address)')
    .option('--wait <ms>', 'how long to wait for the mail to appear', '30000')
    .action(async (o: SmtpOptions & { mailpit?: string; to?: string; wait: string }) => {
      const target = await smtpTarget(o, cli);
      const source =
        o.mailpit || !o.profile ? await mailSource({ mailpit: o.mailpit }, cli) : await mailSource({ profile: o.profile }, cli);
      const job = await cli.call('mail.roundtrip', {
        target,
        source,
        to: o.to,
        waitMs: int(o.wait, '--wait', cli, 500),
        allowUnverifiedTls: Boolean(o.allowUnverifiedTls),
        timeoutMs: int(o.timeout, '--timeout', cli, 100),
      });
      const final = await cli.follow(job);
      cli.output(final, (j) =>
        j.state === 'succeeded'
          ? `Round trip OK: ${JSON.stringify(j.result)}`
          : `Round trip ${j.state}: ${j.error?.code ?? ''} ${j.error?.message ?? ''}`,
      );
      const code = cli.jobExit(final);
      if (code !== EXIT.OK) throw new CliExit(code);
    });

  mail
    .command('capture')
    .description('run the built-in capture until Ctrl+C: an SMTP sink on 127.0.0.1 with a Mailpit-compatible API')
    .option('--smtp-port <n>', 'SMTP port (0 = any free port)', '1025')
    .option('--http-port <n>', 'API port (0 = any free port)', '8025')
    .option('--max-size <bytes>', 'refuse bigger messages with 552', String(25 * 1024 * 1024))
    .option('--max-messages <n>', 'keep at most this many (oldest pruned)', '500')
    .addHelpText(
      'after',
      '\nPoint SysNDD (or anything) at the SMTP port; read mail with `mail list --mailpit URL` or the Mail page.',
    )
    .action(async (o: { smtpPort: string; httpPort: string; maxSize: string; maxMessages: string }) => {
      const status = await cli.call('mail.capture.start', {
        smtpPort: int(o.smtpPort, '--smtp-port', cli),
        httpPort: int(o.httpPort, '--http-port', cli),
        maxMessageBytes: int(o.maxSize, '--max-size', cli, 1024),
        maxMessages: int(o.maxMessages, '--max-messages', cli, 1),
      });
      const stopFollowing = await followCaptured(cli);
      if (cli.json) cli.stdout.write(`${JSON.stringify({ type: 'listening', ...status })}\n`);
      else {
        cli.stdout.write(
          `Capturing mail on smtp://${status.host}:${status.smtpPort} — API ${status.url} (${status.stored} stored)\n`,
        );
        cli.stderr.write('Press Ctrl+C to stop.\n');
      }
      cli.shutdown?.endsOnSignal(); // a capture runs until stopped: the signal is its normal end (exit 0)
      const signal = await untilSignal();
      stopFollowing();
      await cli.call('mail.capture.stop', {});
      if (!cli.json) cli.stderr.write(`${signal}: capture stopped; stored mail is kept.\n`);
    });
}

const CAPTURE: MailSource = { kind: 'capture' };

/**
 * Print each message the capture receives, read through the same operations as the Mail page: the
 * capture's live updates (mail.messages.watch → mail.captured events), then its summary from
 * mail.messages.list. Resolves once the watch is connected (or failed), so mail sent after the
 * "listening" line is not missed.
 */
async function followCaptured(cli: CliContext): Promise<() => void> {
  const key = mailSourceKey(CAPTURE);
  let watching: () => void = () => undefined;
  const settled = new Promise<void>((resolve) => (watching = resolve));
  let printing = Promise.resolve();
  const off = await cli.subscribe((event) => {
    if (event.type === 'mail.watch' && event.source === key && event.state !== 'connecting') watching();
    if (event.type === 'mail.captured' && event.source === key)
      printing = printing.then(() => printCaptured(cli, event.messageId));
  });
  const watch = await cli.call('mail.messages.watch', { source: CAPTURE });
  if (watch.state !== 'connecting') watching();
  await settled;
  return off;
}

/** Newest first: a message just captured is among the first page (a burst larger than that prints ids only). */
const RECENT_PAGE = 100;

async function printCaptured(cli: CliContext, id: string): Promise<void> {
  const app = await cli.app();
  const r = await dispatch(app.handlers, 'mail.messages.list', { source: CAPTURE, limit: RECENT_PAGE }, cli.ctx);
  const page = r.ok ? (r.value as ResultOf<'mail.messages.list'>) : null;
  const m = page?.messages.find((msg) => msg.ID === id);
  const from = m?.From.Address ?? '';
  const subject = m?.Subject ?? '';
  if (cli.json) cli.stdout.write(`${JSON.stringify({ type: 'captured', id, from, subject, size: m?.Size ?? null })}\n`);
  else cli.stdout.write(`${m?.Created.slice(11, 19) ?? '--:--:--'}  ${id}  ${from}  ${subject}\n`);
}
