import { Alert, Button, Card, Checkbox, Group, Stack, Text, Title } from '@mantine/core';
import { CircleX, PlugZap, Repeat, Send } from 'lucide-react';
import { useState } from 'react';
import type { MailSource, RoundtripResult, SmtpDiagnosis, SmtpTargetRef } from '../../../shared/contract/index';
import { call } from '../../api';
import { useAppStore } from '../../state/appStore';
import { KeyValueTable } from '../common/KeyValueTable';
import { JobProgress } from '../JobProgress';
import { DiagnosisReport } from './DiagnosisReport';
import { ErrorSentence } from './ErrorSentence';
import { looksLikeAddress, RecipientInput, useMailSend } from './testSend';

export interface SmtpTargetChoice {
  ref: SmtpTargetRef;
  /** Settings shown in the summary (never the password). */
  settings: { host: string; port: number; security: string; user?: string | null; from: string };
  label: string;
  passwordSaved: boolean;
}

interface Props {
  target: SmtpTargetChoice | null;
  /** Where the round trip waits for the mail (profile Mailpit or the capture); null disables it. */
  roundtripSource: MailSource | null;
  allowUnverifiedTls: boolean;
  onAllowUnverifiedTls(value: boolean): void;
}

const SECURITY_WORDS: Record<string, string> = { tls: 'implicit TLS', starttls: 'STARTTLS' };

function SettingsSummary({ target }: { target: SmtpTargetChoice }) {
  const s = target.settings;
  const user = s.user ? `${s.user} (${target.passwordSaved ? 'password saved' : 'no password saved'})` : '— (no authentication)';
  return (
    <KeyValueTable
      labelWidth={110}
      verticalSpacing={2}
      testId="mail-smtp-summary"
      rows={[
        ['Server', `${s.host}:${s.port}`],
        ['Security', SECURITY_WORDS[s.security] ?? 'none (plain text)'],
        ['User', user],
        ['From', s.from],
      ]}
    />
  );
}

/** The panel's three checks (staged test, test mail, timed round trip), sharing one error: the last action's. */
function useSmtpChecks(target: SmtpTargetChoice | null, roundtripSource: MailSource | null, allowUnverifiedTls: boolean) {
  const [report, setReport] = useState<SmtpDiagnosis | null>(null);
  const [testing, setTesting] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [to, setTo] = useState('');
  const [roundtripJobId, setRoundtripJobId] = useState<string | null>(null);
  const roundtripJob = useAppStore((s) => (roundtripJobId ? s.jobs[roundtripJobId] : undefined));
  const mail = useMailSend({ clear: () => setError(null), set: setError });

  async function test() {
    if (!target) return;
    setTesting(true);
    setError(null);
    try {
      setReport(await call('mail.test', { target: target.ref, allowUnverifiedTls }));
    } catch (err) {
      setError(err);
    } finally {
      setTesting(false);
    }
  }

  async function send() {
    if (target) await mail.send({ target: target.ref, to: to.trim(), templateId: 'smtp-test', allowUnverifiedTls });
  }

  async function roundtrip() {
    if (!target || !roundtripSource) return;
    setError(null);
    try {
      const job = await call('mail.roundtrip', { target: target.ref, source: roundtripSource, allowUnverifiedTls });
      useAppStore.getState().upsertJob(job);
      setRoundtripJobId(job.id);
    } catch (err) {
      setError(err);
    }
  }

  return { test, testing, report, to, setTo, send, sending: mail.sending, sent: mail.sent, roundtrip, roundtripJob, error };
}

type SmtpChecks = ReturnType<typeof useSmtpChecks>;

function SmtpActions({ checks, roundtripSource }: { checks: SmtpChecks; roundtripSource: MailSource | null }) {
  return (
    <Group align="flex-end">
      <Button
        leftSection={<PlugZap size={16} />}
        onClick={checks.test}
        loading={checks.testing}
        data-testid="mail-test-connection"
      >
        Test connection
      </Button>
      <RecipientInput label="Test recipient" value={checks.to} onChange={checks.setTo} testId="mail-test-to" />
      <Button
        variant="default"
        leftSection={<Send size={16} />}
        onClick={checks.send}
        loading={checks.sending}
        disabled={!looksLikeAddress(checks.to)}
        data-testid="mail-send-test"
      >
        Send test email
      </Button>
      <Button
        variant="default"
        leftSection={<Repeat size={16} />}
        onClick={checks.roundtrip}
        disabled={!roundtripSource || checks.roundtripJob?.state === 'running'}
        title={
          roundtripSource
            ? 'Send a tagged mail and time its arrival in the viewer'
            : 'Needs a Mailpit URL in the profile or the running capture'
        }
        data-testid="mail-roundtrip"
      >
        Time a delivery
      </Button>
    </Group>
  );
}

function SmtpResults({ checks }: { checks: SmtpChecks }) {
  const { error, sent, roundtripJob, report } = checks;
  const result = roundtripJob?.state === 'succeeded' ? (roundtripJob.result as RoundtripResult) : null;
  return (
    <>
      {error !== null && (
        <Alert color="red" icon={<CircleX size={18} />} title="Did not work" data-testid="mail-smtp-error">
          <ErrorSentence error={error} />
        </Alert>
      )}
      {sent && (
        <Alert color="teal" title="Sent" data-testid="mail-send-result">
          “{sent.subject}” to {sent.to} in {sent.latencyMs} ms — {sent.response}
        </Alert>
      )}
      {roundtripJob && <JobProgress job={roundtripJob} />}
      {result && (
        <Text size="sm" data-testid="mail-roundtrip-result">
          Delivery check {result.tag}: seen in the mailbox after <b>{result.deliveryMs} ms</b> end to end (SMTP {result.sendMs}{' '}
          ms, detected by {result.detectedBy}).
        </Text>
      )}
      {report && <DiagnosisReport report={report} />}
    </>
  );
}

/** SMTP settings summary, "Test connection" (staged report), "Send test email" and the round trip. */
export function SmtpPanel({ target, roundtripSource, allowUnverifiedTls, onAllowUnverifiedTls }: Props) {
  const checks = useSmtpChecks(target, roundtripSource, allowUnverifiedTls);
  if (!target) {
    return (
      <Alert color="gray" title="No SMTP server to test" data-testid="mail-smtp-none">
        No profile with SMTP settings is selected. Add host, port and security in the profile editor, or switch on the built-in
        capture (top right) and send through it.
      </Alert>
    );
  }
  return (
    <Card withBorder data-testid="mail-smtp-panel">
      <Stack gap="sm">
        <Group justify="space-between">
          <Title order={4}>SMTP: {target.label}</Title>
          <Checkbox
            label="Accept an unverified certificate (development servers)"
            checked={allowUnverifiedTls}
            onChange={(e) => onAllowUnverifiedTls(e.currentTarget.checked)}
            data-testid="mail-allow-unverified"
          />
        </Group>
        <SettingsSummary target={target} />
        <SmtpActions checks={checks} roundtripSource={roundtripSource} />
        <SmtpResults checks={checks} />
      </Stack>
    </Card>
  );
}
