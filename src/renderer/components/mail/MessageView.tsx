import { Alert, Button, Code, Group, Loader, ScrollArea, Stack, Table, Tabs, Text, Title } from '@mantine/core';
import { Download, ImageOff, Images } from 'lucide-react';
import { useEffect, useState } from 'react';
import type { MailAttachment, MailSource } from '../../../shared/contract/index';
import { call, errorMessage } from '../../api';
import { formatBytes, formatDateTime } from '../../format';
import { useCall } from '../../hooks/useCall';
import { HtmlPreview } from './HtmlPreview';
import { textPreviewDocument } from './previewDocument';

async function download(source: MailSource, id: string, part: MailAttachment): Promise<void> {
  const r = await call('mail.messages.part', { source, id, partId: part.PartID });
  const bytes = Uint8Array.from(atob(r.base64), (c) => c.charCodeAt(0));
  const url = URL.createObjectURL(new Blob([bytes], { type: r.contentType }));
  const a = document.createElement('a');
  a.href = url;
  a.download = part.FileName || `part-${part.PartID}`;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

function RawTab({ source, id }: { source: MailSource; id: string }) {
  const raw = useCall('mail.messages.raw', { source, id });
  if (raw.loading && !raw.data) return <Loader size="sm" />;
  if (raw.error) return <Alert color="red">{errorMessage(raw.error)}</Alert>;
  return (
    <ScrollArea h={480}>
      <Code block data-testid="mail-view-raw">
        {raw.data?.raw}
      </Code>
    </ScrollArea>
  );
}

/** One message: HTML (sandboxed, remote images on request), text, headers, raw source and attachments. */
export function MessageView({ source, id, onRead }: { source: MailSource; id: string; onRead(id: string, read: boolean): void }) {
  const [remote, setRemote] = useState(false);
  const [tab, setTab] = useState<string | null>('html');
  const view = useCall('mail.messages.get', { source, id, loadRemoteImages: remote });
  const [actionError, setActionError] = useState<string | null>(null);

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
  const { message, headers, previewHtml, remoteImages } = view.data;
  const attachments = [...message.Attachments, ...message.Inline];

  async function markUnread() {
    try {
      await call('mail.messages.markRead', { source, ids: [id], read: false });
      onRead(id, false);
    } catch (err) {
      setActionError(errorMessage(err));
    }
  }

  return (
    <Stack gap="xs" data-testid="mail-view" data-id={id}>
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
        <Button size="compact-sm" variant="subtle" onClick={markUnread} data-testid="mail-view-mark-unread">
          Mark unread
        </Button>
      </Group>
      {actionError && <Alert color="red">{actionError}</Alert>}
      <Tabs value={tab} onChange={setTab} keepMounted={false}>
        <Tabs.List>
          <Tabs.Tab value="html" data-testid="mail-tab-html">
            HTML
          </Tabs.Tab>
          <Tabs.Tab value="text" data-testid="mail-tab-text">
            Text
          </Tabs.Tab>
          <Tabs.Tab value="headers" data-testid="mail-tab-headers">
            Headers
          </Tabs.Tab>
          <Tabs.Tab value="raw" data-testid="mail-tab-raw">
            Raw
          </Tabs.Tab>
          <Tabs.Tab value="attachments" data-testid="mail-tab-attachments">
            Attachments ({attachments.length})
          </Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="html" pt="xs">
          {remoteImages.found > 0 && !remote && (
            <Alert color="gray" icon={<ImageOff size={16} />} py={6} mb="xs" data-testid="mail-remote-blocked">
              <Group justify="space-between">
                <Text size="sm">
                  {remoteImages.found} remote image(s) blocked: loading them tells the sender you opened this mail.
                </Text>
                <Button
                  size="compact-sm"
                  leftSection={<Images size={14} />}
                  onClick={() => setRemote(true)}
                  data-testid="mail-load-remote"
                >
                  Load remote images
                </Button>
              </Group>
            </Alert>
          )}
          {remote && remoteImages.failed.length > 0 && (
            <Alert color="yellow" py={6} mb="xs">
              {remoteImages.loaded} loaded, {remoteImages.failed.length} failed: {remoteImages.failed.join('; ')}
            </Alert>
          )}
          {message.HTML ? (
            <HtmlPreview html={previewHtml} allowRemoteImages={remote} title={`Preview of ${message.Subject}`} />
          ) : (
            <Text size="sm" c="dimmed">
              This message has no HTML part.
            </Text>
          )}
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
          <ScrollArea h={480}>
            <Table verticalSpacing={2} fz="xs" data-testid="mail-view-headers">
              <Table.Tbody>
                {Object.entries(headers).flatMap(([name, values]) =>
                  values.map((v) => (
                    <Table.Tr key={`${name}: ${v}`}>
                      <Table.Td fw={600} w={200} style={{ verticalAlign: 'top' }}>
                        {name}
                      </Table.Td>
                      <Table.Td style={{ wordBreak: 'break-all' }}>{v}</Table.Td>
                    </Table.Tr>
                  )),
                )}
              </Table.Tbody>
            </Table>
          </ScrollArea>
        </Tabs.Panel>
        <Tabs.Panel value="raw" pt="xs">
          <RawTab source={source} id={id} />
        </Tabs.Panel>
        <Tabs.Panel value="attachments" pt="xs">
          {attachments.length === 0 ? (
            <Text size="sm" c="dimmed">
              No attachments.
            </Text>
          ) : (
            <Table data-testid="mail-view-attachments">
              <Table.Tbody>
                {attachments.map((a) => (
                  <Table.Tr key={a.PartID}>
                    <Table.Td>{a.FileName || `(part ${a.PartID})`}</Table.Td>
                    <Table.Td>{a.ContentType}</Table.Td>
                    <Table.Td>{formatBytes(a.Size)}</Table.Td>
                    <Table.Td>{a.ContentID ? 'inline' : 'attachment'}</Table.Td>
                    <Table.Td>
                      <Button
                        size="compact-xs"
                        variant="subtle"
                        leftSection={<Download size={12} />}
                        onClick={() => download(source, id, a).catch((err: unknown) => setActionError(errorMessage(err)))}
                      >
                        Download
                      </Button>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          )}
        </Tabs.Panel>
      </Tabs>
    </Stack>
  );
}
