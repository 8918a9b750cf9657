import { Alert, Button, Group, Loader, Stack, Tabs, Text, Title } from '@mantine/core';
import { useEffect, useState } from 'react';
import type { MailAttachment, MailMessage, MailSource } from '../../../shared/contract/index';
import { call, errorMessage } from '../../api';
import { formatBytes, formatDateTime } from '../../format';
import { useCall } from '../../hooks/useCall';
import { downloadBlob } from '../common/downloadBlob';
import { HtmlPreview } from './HtmlPreview';
import { AttachmentsTab, HeadersTab, HtmlTab, MESSAGE_TABS, RawTab } from './messageTabs';
import { textPreviewDocument } from './previewDocument';

async function download(source: MailSource, id: string, part: MailAttachment): Promise<void> {
  const r = await call('mail.messages.part', { source, id, partId: part.PartID });
  const bytes = Uint8Array.from(atob(r.base64), (c) => c.charCodeAt(0));
  downloadBlob(part.FileName || `part-${part.PartID}`, new Blob([bytes], { type: r.contentType }));
}

function MessageHeader({ message, onMarkUnread }: { message: MailMessage; onMarkUnread(): void }) {
  return (
    <Group justify="space-between" align="flex-start" wrap="nowrap">
      <Stack gap={0} style={{ minWidth: 0 }}>
        <Title order={4} data-testid="mail-view-subject">
          {message.Subject || '(no subject)'}
        </Title>
        <Text size="sm">
          From {message.From.Name ? `${message.From.Name} <${message.From.Address}>` : message.From.Address} to{' '}
          {message.To.map((a) => a.Address).join(', ')}
          {message.Cc.length ? `, cc ${message.Cc.map((a) => a.Address).join(', ')}` : ''}
        </Text>
        <Text size="xs" c="dimmed">
          {formatDateTime(message.Date)} · {formatBytes(message.Size)}
          {message.Tags.length ? ` · tags: ${message.Tags.join(', ')}` : ''}
        </Text>
      </Stack>
      <Button size="compact-sm" variant="subtle" onClick={onMarkUnread} data-testid="mail-view-mark-unread">
        Mark unread
      </Button>
    </Group>
  );
}

/** One message: HTML (sandboxed, remote images on request), text, headers, raw source and attachments. */
export function MessageView({ source, id, onRead }: { source: MailSource; id: string; onRead(id: string, read: boolean): void }) {
  const [remote, setRemote] = useState(false);
  const [tab, setTab] = useState<string | null>('html');
  const view = useCall('mail.messages.get', { source, id, loadRemoteImages: remote });
  const [actionError, setActionError] = useState<string | null>(null);
  const report = (err: unknown) => setActionError(errorMessage(err));

  // A newly opened message starts with remote images blocked again.
  // biome-ignore lint/correctness/useExhaustiveDependencies: reset when the message changes.
  useEffect(() => {
    setRemote(false);
    setTab('html');
  }, [id]);
  // Mailpit marks a message read when it is fetched; mirror that in the list.
  useEffect(() => {
    if (view.data) onRead(id, true);
  }, [view.data, id, onRead]);

  if (view.error)
    return (
      <Alert color="red" data-testid="mail-view-error">
        {errorMessage(view.error)}
      </Alert>
    );
  if (!view.data) return <Loader size="sm" data-testid="mail-view-loading" />;
  const { message } = view.data;
  const attachments = [...message.Attachments, ...message.Inline];
  const markUnread = () =>
    call('mail.messages.markRead', { source, ids: [id], read: false })
      .then(() => onRead(id, false))
      .catch(report);

  return (
    <Stack gap="xs" data-testid="mail-view" data-id={id}>
      <MessageHeader message={message} onMarkUnread={markUnread} />
      {actionError && <Alert color="red">{actionError}</Alert>}
      <Tabs value={tab} onChange={setTab} keepMounted={false}>
        <Tabs.List>
          {MESSAGE_TABS.map((t) => (
            <Tabs.Tab key={t.value} value={t.value} data-testid={`mail-tab-${t.value}`}>
              {t.value === 'attachments' ? `${t.label} (${attachments.length})` : t.label}
            </Tabs.Tab>
          ))}
        </Tabs.List>
        <Tabs.Panel value="html" pt="xs">
          <HtmlTab view={view.data} remote={remote} onLoadRemote={() => setRemote(true)} />
        </Tabs.Panel>
        <Tabs.Panel value="text" pt="xs">
          <HtmlPreview
            html={textPreviewDocument(message.Text)}
            allowRemoteImages={false}
            title="Text part"
            testId="mail-view-text"
          />
        </Tabs.Panel>
        <Tabs.Panel value="headers" pt="xs">
          <HeadersTab headers={view.data.headers} />
        </Tabs.Panel>
        <Tabs.Panel value="raw" pt="xs">
          <RawTab source={source} id={id} />
        </Tabs.Panel>
        <Tabs.Panel value="attachments" pt="xs">
          <AttachmentsTab attachments={attachments} onDownload={(a) => download(source, id, a).catch(report)} />
        </Tabs.Panel>
      </Tabs>
    </Stack>
  );
}
