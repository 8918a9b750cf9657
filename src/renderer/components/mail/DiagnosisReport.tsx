import { Alert, Badge, Code, Group, List, Stack, Table, Text } from '@mantine/core';
import { CircleAlert, CircleCheck, CircleMinus, CircleX, TriangleAlert } from 'lucide-react';
import type { SmtpDiagnosis, SmtpStage, SmtpStageStatus } from '../../../shared/contract/index';
import { KeyValueTable } from '../common/KeyValueTable';
import { PlainTableHead } from '../common/PlainTableHead';

const STATUS: Record<SmtpStageStatus, { color: string; icon: typeof CircleCheck; label: string }> = {
  ok: { color: 'teal', icon: CircleCheck, label: 'ok' },
  warning: { color: 'yellow', icon: TriangleAlert, label: 'warning' },
  failed: { color: 'red', icon: CircleX, label: 'failed' },
  skipped: { color: 'gray', icon: CircleMinus, label: 'skipped' },
};

function TlsFacts({ stage }: { stage: SmtpStage }) {
  const t = stage.tls;
  if (!t) return null;
  const rows: Array<[string, string]> = [
    ['Protocol', `${t.protocol ?? '?'} · ${t.cipher ?? '?'}`],
    ['Subject', t.subject ?? '—'],
    ['Issuer', t.issuer ?? '—'],
    [
      'Valid',
      `${t.validFrom?.slice(0, 10) ?? '?'} → ${t.validTo?.slice(0, 10) ?? '?'}${t.daysLeft === null ? '' : ` (${t.daysLeft} days left)`}`,
    ],
    ['Verification', t.verified ? 'verified' : `not verified: ${t.verifyError}`],
  ];
  return <KeyValueTable rows={rows} labelWidth={100} fz="xs" mt={4} testId="mail-diagnosis-tls" />;
}

function StageRow({ stage: s }: { stage: SmtpStage }) {
  const st = STATUS[s.status];
  const Icon = st.icon;
  return (
    <Table.Tr data-testid={`mail-stage-${s.stage}`} data-status={s.status}>
      <Table.Td>
        <Group gap={6} wrap="nowrap">
          <Icon size={16} color={`var(--mantine-color-${st.color}-6)`} />
          <Text size="sm">{s.title}</Text>
        </Group>
      </Table.Td>
      <Table.Td>
        <Badge color={st.color} variant="light" size="sm">
          {st.label}
        </Badge>
      </Table.Td>
      <Table.Td>
        <Text size="sm">{s.latencyMs === null ? '—' : `${s.latencyMs.toFixed(1)} ms`}</Text>
      </Table.Td>
      <Table.Td>
        <Text size="sm" style={{ wordBreak: 'break-word' }}>
          {s.summary}
        </Text>
        {s.capabilities && s.capabilities.length > 0 && (
          <Group gap={4} mt={4}>
            {s.capabilities.map((c) => (
              <Code key={c}>{c}</Code>
            ))}
          </Group>
        )}
        <TlsFacts stage={s} />
      </Table.Td>
    </Table.Tr>
  );
}

const STAGE_COLUMNS = [{ title: 'Stage', w: 220 }, { title: 'Status', w: 90 }, { title: 'Latency', w: 90 }, 'Result'] as const;

/** The staged SMTP report: one row per stage with status, latency and what happened; the cause and hint on failure. */
export function DiagnosisReport({ report }: { report: SmtpDiagnosis }) {
  return (
    <Stack gap="sm" data-testid="mail-diagnosis">
      {report.failure ? (
        <Alert color="red" icon={<CircleX size={18} />} title={report.failure.message} data-testid="mail-diagnosis-failure">
          <Text size="sm">{report.failure.hint}</Text>
          <Text size="xs" c="dimmed" mt={4}>
            {report.failure.code} · {report.failure.cause.code ?? '—'}
            {report.failure.cause.errno ? ` · ${report.failure.cause.errno}` : ''}
            {report.failure.cause.command ? ` · at ${report.failure.cause.command}` : ''}
            {report.failure.cause.responseCode ? ` · ${report.failure.cause.responseCode}` : ''}
          </Text>
        </Alert>
      ) : (
        <Alert color="teal" icon={<CircleCheck size={18} />} title="The server accepts us" data-testid="mail-diagnosis-ok">
          All stages passed in {report.totalMs.toFixed(0)} ms. No mail was sent: use “Send test email” to prove delivery.
        </Alert>
      )}
      {report.warnings.length > 0 && (
        <Alert color="yellow" icon={<CircleAlert size={18} />} title="Warnings" data-testid="mail-diagnosis-warnings">
          <List size="sm">
            {report.warnings.map((w) => (
              <List.Item key={w}>{w}</List.Item>
            ))}
          </List>
        </Alert>
      )}
      <Table verticalSpacing="xs" data-testid="mail-diagnosis-stages">
        <PlainTableHead titles={STAGE_COLUMNS} />
        <Table.Tbody>
          {report.stages.map((s) => (
            <StageRow key={s.title} stage={s} />
          ))}
        </Table.Tbody>
      </Table>
    </Stack>
  );
}
