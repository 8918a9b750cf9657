import {
  Alert,
  Button,
  Card,
  Code,
  Group,
  SegmentedControl,
  Select,
  SimpleGrid,
  Stack,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { Send } from 'lucide-react';
import { useEffect, useMemo, useState } from 'react';
import type { MailSendResult, TemplateId } from '../../../shared/contract/index';
import { call, errorMessage } from '../../api';
import { useCall } from '../../hooks/useCall';
import { HtmlPreview } from './HtmlPreview';
import type { SmtpTargetChoice } from './SmtpPanel';

/** SysNDD's user mails: pick one, edit the sample data, preview HTML and text, send it as a test. */
export function TemplatesPanel({ target, allowUnverifiedTls }: { target: SmtpTargetChoice | null; allowUnverifiedTls: boolean }) {
  const templates = useCall('mail.templates', {});
  const [templateId, setTemplateId] = useState<TemplateId>('registration-received');
  const [data, setData] = useState<Record<string, string>>({});
  const [view, setView] = useState<'html' | 'text'>('html');
  const [to, setTo] = useState('');
  const [sending, setSending] = useState(false);
  const [sent, setSent] = useState<MailSendResult | null>(null);
  const [sendError, setSendError] = useState<string | null>(null);
  const template = templates.data?.find((t) => t.id === templateId);

  // Start from the template's sample data whenever another template is chosen.
  useEffect(() => {
    if (template) setData(Object.fromEntries(template.fields.map((f) => [f.key, f.sample])));
  }, [template]);
  const previewArgs = useMemo(() => (template ? { templateId, data } : null), [template, templateId, data]);
  const preview = useCall('mail.preview', previewArgs);

  async function send() {
    if (!target) return;
    setSending(true);
    setSendError(null);
    setSent(null);
    try {
      setSent(await call('mail.send', { target: target.ref, to: to.trim(), templateId, data, allowUnverifiedTls }));
    } catch (err) {
      setSendError(errorMessage(err));
    } finally {
      setSending(false);
    }
  }

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
          <Text size="sm" c="dimmed">
            {template.description}
          </Text>
        )}
        <SimpleGrid cols={{ base: 1, md: 2 }}>
          {template?.fields.map((f) => (
            <TextInput
              key={f.key}
              label={f.label}
              description={f.url ? 'must be an http(s) link' : undefined}
              value={data[f.key] ?? ''}
              onChange={(e) => {
                const value = e.currentTarget.value;
                setData((d) => ({ ...d, [f.key]: value }));
              }}
              data-testid={`mail-template-field-${f.key}`}
            />
          ))}
        </SimpleGrid>
        {preview.error && (
          <Alert color="red" data-testid="mail-template-error">
            {errorMessage(preview.error)}
          </Alert>
        )}
        {preview.data && (
          <Stack gap="xs">
            <Group justify="space-between">
              <Text fw={600} data-testid="mail-template-subject">
                Subject: {preview.data.subject}
              </Text>
              <SegmentedControl
                size="xs"
                value={view}
                onChange={(v) => setView(v as 'html' | 'text')}
                data={[
                  { value: 'html', label: 'HTML' },
                  { value: 'text', label: 'Text' },
                ]}
              />
            </Group>
            {view === 'html' ? (
              <HtmlPreview
                html={preview.data.html}
                allowRemoteImages={false}
                title="Template preview"
                height={420}
                testId="mail-template-html"
              />
            ) : (
              <Code block data-testid="mail-template-text">
                {preview.data.text}
              </Code>
            )}
          </Stack>
        )}
        <Group align="flex-end">
          <TextInput
            label="Send to"
            placeholder="you@example.org"
            value={to}
            onChange={(e) => setTo(e.currentTarget.value)}
            w={260}
            data-testid="mail-template-to"
          />
          <Button
            leftSection={<Send size={16} />}
            onClick={send}
            loading={sending}
            disabled={!target || !/^[^\s@]+@[^\s@]+$/.test(to.trim()) || Boolean(preview.error)}
            data-testid="mail-template-send"
          >
            Send as test{target ? ` via ${target.label}` : ''}
          </Button>
        </Group>
        {sendError && <Alert color="red">{sendError}</Alert>}
        {sent && (
          <Alert color="teal" data-testid="mail-template-sent">
            Sent “{sent.subject}” to {sent.to} in {sent.latencyMs} ms.
          </Alert>
        )}
      </Stack>
    </Card>
  );
}
