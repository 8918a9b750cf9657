import { Alert, Button, Card, Checkbox, Group, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { CircleX, PlugZap, Repeat, Send } from 'lucide-react';
import { useState } from 'react';
import type { MailSendResult, MailSource, RoundtripResult, SmtpDiagnosis, SmtpTargetRef } from '../../../shared/contract/index';
import { call } from '../../api';
import { useAppStore } from '../../state/appStore';
import { JobProgress } from '../JobProgress';
import { DiagnosisReport } from './DiagnosisReport';
import { ErrorSentence } from './ErrorSentence';

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

function SettingsSummary({ target }: { target: SmtpTargetChoice }) {
  const s = target.settings;
  const rows: Array<[string, string]> = [
    ['Server', `${s.host}:${s.port}`],
    ['Security', s.security === 'tls' ? 'implicit TLS' : s.security === 'starttls' ? 'STARTTLS' : 'none (plain text)'],
    ['User', s.user ? `${s.user} (${target.passwordSaved ? 'password saved' : 'no password saved'})` : '— (no authentication)'],
    ['From', s.from],
  ];
  return (
    <Table withRowBorders={false} verticalSpacing={2} data-testid="mail-smtp-summary">
      <Table.Tbody>
        {rows.map(([k, v]) => (
          <Table.Tr key={k}>
            <Table.Td c="dimmed" w={110}>
              {k}
            </Table.Td>
            <Table.Td>{v}</Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

/** SMTP settings summary, "Test connection" (staged report), "Send test email" and the round trip. */
export function SmtpPanel({ target, roundtripSource, allowUnverifiedTls, onAllowUnverifiedTls }: Props) {
  const [report, setReport] = useState<SmtpDiagnosis | null>(null);
  const [testing, setTesting] = useState(false);
  const [to, setTo] = useState('');
  const [sending, setSending] = useState(false);
  const [sent, setSent] = useState<MailSendResult | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [roundtripJobId, setRoundtripJobId] = useState<string | null>(null);
  const roundtripJob = useAppStore((s) => (roundtripJobId ? s.jobs[roundtripJobId] : undefined));

  if (!target) {
    return (
      <Alert color="gray" title="No SMTP server to test" data-testid="mail-smtp-none">
        No profile with SMTP settings is selected. Add host, port and security in the profile editor, or switch on the built-in
        capture (top right) and send through it.
      </Alert>
    );
  }

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
    if (!target) return;
    setSending(true);
    setError(null);
    setSent(null);
    try {
      setSent(await call('mail.send', { target: target.ref, to: to.trim(), templateId: 'smtp-test', allowUnverifiedTls }));
    } catch (err) {
      setError(err);
    } finally {
      setSending(false);
    }
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

  const result = roundtripJob?.state === 'succeeded' ? (roundtripJob.result as RoundtripResult) : null;
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
        <Group align="flex-end">
          <Button leftSection={<PlugZap size={16} />} onClick={test} loading={testing} data-testid="mail-test-connection">
            Test connection
          </Button>
          <TextInput
            label="Test recipient"
            placeholder="you@example.org"
            value={to}
            onChange={(e) => setTo(e.currentTarget.value)}
            w={260}
            data-testid="mail-test-to"
          />
          <Button
            variant="default"
            leftSection={<Send size={16} />}
            onClick={send}
            loading={sending}
            disabled={!/^[^\s@]+@[^\s@]+$/.test(to.trim())}
            data-testid="mail-send-test"
          >
            Send test email
          </Button>
          <Button
            variant="default"
            leftSection={<Repeat size={16} />}
            onClick={roundtrip}
            disabled={!roundtripSource || roundtripJob?.state === 'running'}
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
      </Stack>
    </Card>
  );
}
