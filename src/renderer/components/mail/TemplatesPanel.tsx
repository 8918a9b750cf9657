import { Alert, Button, Card, Code, Group, Select, SimpleGrid, Stack, Text, TextInput, Title } from '@mantine/core';
import { Send } from 'lucide-react';
import { useEffect, useMemo, useState } from 'react';
import type { MailTemplateInfo, TemplateId } from '../../../shared/contract/index';
import { errorMessage } from '../../api';
import { useCall } from '../../hooks/useCall';
import { ChoiceControl, type SegmentOption } from '../common/ChoiceControl';
import { HtmlPreview } from './HtmlPreview';
import type { SmtpTargetChoice } from './SmtpPanel';
import { looksLikeAddress, RecipientInput, useMailSend } from './testSend';

type SampleData = Record<string, string>;

function TemplateFields({
  template,
  data,
  onChange,
}: {
  template: MailTemplateInfo;
  data: SampleData;
  onChange(key: string, value: string): void;
}) {
  return (
    <SimpleGrid cols={{ base: 1, md: 2 }}>
      {template.fields.map((f) => (
        <TextInput
          key={f.key}
          label={f.label}
          description={f.url ? 'must be an http(s) link' : undefined}
          value={data[f.key] ?? ''}
          onChange={(e) => onChange(f.key, e.currentTarget.value)}
          data-testid={`mail-template-field-${f.key}`}
        />
      ))}
    </SimpleGrid>
  );
}

type PreviewView = 'html' | 'text';

const PREVIEW_VIEWS: ReadonlyArray<SegmentOption<PreviewView>> = [
  { value: 'html', label: 'HTML' },
  { value: 'text', label: 'Text' },
];

function TemplatePreview({ preview }: { preview: { subject: string; html: string; text: string } }) {
  const [view, setView] = useState<PreviewView>('html');
  return (
    <Stack gap="xs">
      <Group justify="space-between">
        <Text fw={600} data-testid="mail-template-subject">
          Subject: {preview.subject}
        </Text>
        <ChoiceControl size="xs" value={view} onChange={setView} options={PREVIEW_VIEWS} />
      </Group>
      {view === 'html' ? (
        <HtmlPreview
          html={preview.html}
          allowRemoteImages={false}
          title="Template preview"
          height={420}
          testId="mail-template-html"
        />
      ) : (
        <Code block data-testid="mail-template-text">
          {preview.text}
        </Code>
      )}
    </Stack>
  );
}

interface TemplateSendProps {
  target: SmtpTargetChoice | null;
  templateId: TemplateId;
  data: SampleData;
  allowUnverifiedTls: boolean;
  /** The preview failed: the same data would not send either. */
  blocked: boolean;
}

function TemplateSend({ target, templateId, data, allowUnverifiedTls, blocked }: TemplateSendProps) {
  const [to, setTo] = useState('');
  const [sendError, setSendError] = useState<string | null>(null);
  const mail = useMailSend({ clear: () => setSendError(null), set: (err) => setSendError(errorMessage(err)) });
  const send = () => target && mail.send({ target: target.ref, to: to.trim(), templateId, data, allowUnverifiedTls });
  return (
    <>
      <Group align="flex-end">
        <RecipientInput label="Send to" value={to} onChange={setTo} testId="mail-template-to" />
        <Button
          leftSection={<Send size={16} />}
          onClick={send}
          loading={mail.sending}
          disabled={!target || !looksLikeAddress(to) || blocked}
          data-testid="mail-template-send"
        >
          Send as test{target ? ` via ${target.label}` : ''}
        </Button>
      </Group>
      {sendError && <Alert color="red">{sendError}</Alert>}
      {mail.sent && (
        <Alert color="teal" data-testid="mail-template-sent">
          Sent “{mail.sent.subject}” to {mail.sent.to} in {mail.sent.latencyMs} ms.
        </Alert>
      )}
    </>
  );
}

/** SysNDD's user mails: pick one, edit the sample data, preview HTML and text, send it as a test. */
export function TemplatesPanel({ target, allowUnverifiedTls }: { target: SmtpTargetChoice | null; allowUnverifiedTls: boolean }) {
  const templates = useCall('mail.templates', {});
  const [templateId, setTemplateId] = useState<TemplateId>('registration-received');
  const [data, setData] = useState<SampleData>({});
  const template = templates.data?.find((t) => t.id === templateId);

  // Start from the template's sample data whenever another template is chosen.
  useEffect(() => {
    if (template) setData(Object.fromEntries(template.fields.map((f) => [f.key, f.sample])));
  }, [template]);
  const previewArgs = useMemo(() => (template ? { templateId, data } : null), [template, templateId, data]);
  const preview = useCall('mail.preview', previewArgs);

  return (
    <Card withBorder data-testid="mail-templates-panel">
      <Stack gap="sm">
        <Title order={4}>SysNDD user mails</Title>
        {templates.error && <Alert color="red">{errorMessage(templates.error)}</Alert>}
        <Select
          label="Template"
          data={(templates.data ?? []).map((t) => ({ value: t.id, label: t.name }))}
          value={templateId}
          onChange={(v) => v && setTemplateId(v as TemplateId)}
          allowDeselect={false}
          w={360}
          data-testid="mail-template-select"
        />
        {template && (
          <>
            <Text size="sm" c="dimmed">
              {template.description}
            </Text>
            <TemplateFields template={template} data={data} onChange={(key, value) => setData((d) => ({ ...d, [key]: value }))} />
          </>
        )}
        {preview.error && (
          <Alert color="red" data-testid="mail-template-error">
            {errorMessage(preview.error)}
          </Alert>
        )}
        {preview.data && <TemplatePreview preview={preview.data} />}
        <TemplateSend
          target={target}
          templateId={templateId}
          data={data}
          allowUnverifiedTls={allowUnverifiedTls}
          blocked={Boolean(preview.error)}
        />
      </Stack>
    </Card>
  );
}
