import { Alert, Button, Card, Code, Group, Table, Text } from '@mantine/core';
import { CircleAlert, RefreshCw } from 'lucide-react';
import type { SystemInfo } from '../../../shared/contract/index';

/** The console's own facts (version, door, folders, secret store, runtime): support material, not daily work. */
export function SystemCard({ info, reload }: { info: SystemInfo; reload(): void }) {
  const rows: Array<[string, string]> = [
    ['Version', info.appVersion],
    ['Door', info.door],
    ['App-data folder', info.home],
    ['Secret store', `${info.secretBackend.name}${info.secretBackend.persistent ? '' : ' (not saved between runs)'}`],
    ['Node', info.node],
    ['Platform', info.platform],
    [
      'Event-loop delay',
      `p50 ${info.eventLoop.p50.toFixed(1)} ms · p99 ${info.eventLoop.p99.toFixed(1)} ms · max ${info.eventLoop.max.toFixed(1)} ms`,
    ],
  ];
  return (
    <Card withBorder data-testid="about-system">
      <Group justify="space-between" mb="xs">
        <Text fw={600}>This console</Text>
        <Button size="compact-sm" variant="subtle" leftSection={<RefreshCw size={14} />} onClick={reload}>
          Refresh
        </Button>
      </Group>
      <Table withRowBorders={false} verticalSpacing={4}>
        <Table.Tbody>
          {rows.map(([label, value]) => (
            <Table.Tr key={label}>
              <Table.Td c="dimmed" w={150}>
                {label}
              </Table.Td>
              <Table.Td data-testid={`about-system-${label.toLowerCase().replace(/[^a-z]+/g, '-')}`}>
                {label === 'App-data folder' ? <Code>{value}</Code> : value}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {!info.secretBackend.persistent && (
        <Alert
          id="secret-store"
          mt="sm"
          color="yellow"
          icon={<CircleAlert size={16} />}
          title="Saved passwords are not kept between runs"
          data-testid="about-secret-warning"
        >
          {info.secretBackend.warning && <Text size="sm">{info.secretBackend.warning}</Text>}
          <Text size="sm" mt="xs">
            How to fix: on Linux, run the console in a desktop session with a Secret Service (GNOME Keyring or KWallet, reached
            over D-Bus); on a server, container or WSL the CLI takes each secret from its environment variable (MYSQL_PWD,
            SSH_PASSWORD, SSH_PASSPHRASE, SMTP_PASSWORD) or asks for it. The local sandbox keeps its own password with the sandbox
            and needs neither.
          </Text>
        </Alert>
      )}
    </Card>
  );
}
