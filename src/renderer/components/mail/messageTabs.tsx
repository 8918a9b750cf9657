import { Alert, Button, Code, Group, Loader, ScrollArea, Table, Text } from '@mantine/core';
import { Download, ImageOff, Images } from 'lucide-react';
import type { MailAttachment, MailHeaders, MailMessageView, MailSource } from '../../../shared/contract/index';
import { errorMessage } from '../../api';
import { formatBytes } from '../../format';
import { useCall } from '../../hooks/useCall';
import { HtmlPreview } from './HtmlPreview';

/** The message's tabs in order; each tab's test id is mail-tab-VALUE. */
export const MESSAGE_TABS = [
  { value: 'html', label: 'HTML' },
  { value: 'text', label: 'Text' },
  { value: 'headers', label: 'Headers' },
  { value: 'raw', label: 'Raw' },
  { value: 'attachments', label: 'Attachments' },
] as const;

/** Remote images stay blocked until asked for: fetching them tells the sender the mail was opened. */
function RemoteImagesNotice({ view, remote, onLoadRemote }: { view: MailMessageView; remote: boolean; onLoadRemote(): void }) {
  const { found, loaded, failed } = view.remoteImages;
  if (remote) {
    return failed.length > 0 ? (
      <Alert color="yellow" py={6} mb="xs">
        {loaded} loaded, {failed.length} failed: {failed.join('; ')}
      </Alert>
    ) : null;
  }
  if (found === 0) return null;
  return (
    <Alert color="gray" icon={<ImageOff size={16} />} py={6} mb="xs" data-testid="mail-remote-blocked">
      <Group justify="space-between">
        <Text size="sm">{found} remote image(s) blocked: loading them tells the sender you opened this mail.</Text>
        <Button size="compact-sm" leftSection={<Images size={14} />} onClick={onLoadRemote} data-testid="mail-load-remote">
          Load remote images
        </Button>
      </Group>
    </Alert>
  );
}

export function HtmlTab({ view, remote, onLoadRemote }: { view: MailMessageView; remote: boolean; onLoadRemote(): void }) {
  return (
    <>
      <RemoteImagesNotice view={view} remote={remote} onLoadRemote={onLoadRemote} />
      {view.message.HTML ? (
        <HtmlPreview html={view.previewHtml} allowRemoteImages={remote} title={`Preview of ${view.message.Subject}`} />
      ) : (
        <Text size="sm" c="dimmed">
          This message has no HTML part.
        </Text>
      )}
    </>
  );
}

export function HeadersTab({ headers }: { headers: MailHeaders }) {
  return (
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
  );
}

/** The raw source is fetched only when its tab is opened (the tabs are not kept mounted). */
export function RawTab({ source, id }: { source: MailSource; id: string }) {
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

export function AttachmentsTab({
  attachments,
  onDownload,
}: {
  attachments: MailAttachment[];
  onDownload(part: MailAttachment): void;
}) {
  if (attachments.length === 0)
    return (
      <Text size="sm" c="dimmed">
        No attachments.
      </Text>
    );
  return (
    <Table data-testid="mail-view-attachments">
      <Table.Tbody>
        {attachments.map((a) => (
          <Table.Tr key={a.PartID}>
            <Table.Td>{a.FileName || `(part ${a.PartID})`}</Table.Td>
            <Table.Td>{a.ContentType}</Table.Td>
            <Table.Td>{formatBytes(a.Size)}</Table.Td>
            <Table.Td>{a.ContentID ? 'inline' : 'attachment'}</Table.Td>
            <Table.Td>
              <Button size="compact-xs" variant="subtle" leftSection={<Download size={12} />} onClick={() => onDownload(a)}>
                Download
              </Button>
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}
