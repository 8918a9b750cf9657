import { Alert, Badge, Button, Checkbox, Group, Modal, Select, Stack, Table, Text, TextInput } from '@mantine/core';
import { useState } from 'react';
import type { SshConfigHost } from '../../../shared/contract/connections';
import { call, errorMessage } from '../../api';

/** Preview host aliases of ~/.ssh/config (or another file) and create profiles for the chosen ones. */
export function SshConfigImportModal({ onClose, onImported }: { onClose(): void; onImported(count: number): void }) {
  const [path, setPath] = useState('');
  const [hosts, setHosts] = useState<SshConfigHost[] | null>(null);
  const [file, setFile] = useState('');
  const [chosen, setChosen] = useState<string[]>([]);
  const [mysqlUser, setMysqlUser] = useState('');
  const [mysqlHost, setMysqlHost] = useState('127.0.0.1');
  const [mysqlPort, setMysqlPort] = useState('3306');
  const [database, setDatabase] = useState('');
  const [environment, setEnvironment] = useState<'development' | 'staging' | 'production'>('development');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function preview() {
    setBusy(true);
    setError(null);
    try {
      const r = await call('connections.importSshConfig', { path: path.trim() || undefined, apply: false });
      setHosts(r.hosts);
      setFile(r.path);
      setChosen(r.hosts.filter((h) => h.status === 'new').map((h) => h.alias));
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }

  async function importChosen() {
    setBusy(true);
    setError(null);
    try {
      const r = await call('connections.importSshConfig', {
        path: path.trim() || undefined,
        apply: true,
        aliases: chosen,
        environment,
        mysql: {
          host: mysqlHost.trim(),
          port: Number(mysqlPort),
          user: mysqlUser.trim(),
          database: database.trim() || undefined,
        },
      });
      onImported(r.created.length);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Modal opened onClose={onClose} title="Import from ~/.ssh/config" size="xl" data-testid="sshconfig-modal">
      <Stack>
        <Group align="flex-end">
          <TextInput
            style={{ flex: 1 }}
            label="SSH config file"
            placeholder="~/.ssh/config"
            value={path}
            onChange={(e) => setPath(e.currentTarget.value)}
            data-testid="sshconfig-path"
          />
          <Button variant="default" onClick={preview} loading={busy && !hosts} data-testid="sshconfig-preview">
            Read aliases
          </Button>
        </Group>
        {error && <Alert color="red">{error}</Alert>}
        {hosts && (
          <>
            <Text size="sm" c="dimmed">
              {file}: {hosts.length} alias(es). Wildcard patterns are defaults, not hosts, and are not listed.
            </Text>
            <Table withTableBorder data-testid="sshconfig-hosts">
              <Table.Tbody>
                {hosts.map((h) => (
                  <Table.Tr key={h.alias}>
                    <Table.Td w={32}>
                      <Checkbox
                        aria-label={`Import ${h.alias}`}
                        disabled={h.status !== 'new'}
                        checked={chosen.includes(h.alias)}
                        onChange={(e) =>
                          setChosen(e.currentTarget.checked ? [...chosen, h.alias] : chosen.filter((a) => a !== h.alias))
                        }
                      />
                    </Table.Td>
                    <Table.Td fw={500}>{h.alias}</Table.Td>
                    <Table.Td>
                      {h.user ? `${h.user}@` : ''}
                      {h.hostName}:{h.port}
                      {h.proxyJump ? ` via ${h.proxyJump.host}` : ''}
                    </Table.Td>
                    <Table.Td>{h.identityFile ?? 'agent'}</Table.Td>
                    <Table.Td>
                      <Badge variant="light" color={h.status === 'new' ? 'blue' : 'gray'}>
                        {h.status}
                      </Badge>
                      {h.note && (
                        <Text size="xs" c="dimmed">
                          {h.note}
                        </Text>
                      )}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
            <Text size="sm">An SSH alias says nothing about MySQL: these settings apply to every imported profile.</Text>
            <Group grow>
              <TextInput
                label="MySQL user"
                value={mysqlUser}
                onChange={(e) => setMysqlUser(e.currentTarget.value)}
                data-testid="sshconfig-mysql-user"
              />
              <TextInput
                label="MySQL host (from the SSH host)"
                value={mysqlHost}
                onChange={(e) => setMysqlHost(e.currentTarget.value)}
              />
              <TextInput label="Port" value={mysqlPort} onChange={(e) => setMysqlPort(e.currentTarget.value)} />
              <TextInput label="Database" value={database} onChange={(e) => setDatabase(e.currentTarget.value)} />
              <Select
                label="Environment"
                value={environment}
                allowDeselect={false}
                onChange={(v) => v && setEnvironment(v as typeof environment)}
                data={['development', 'staging', 'production']}
                comboboxProps={{ withinPortal: true }}
              />
            </Group>
            <Group justify="flex-end">
              <Button
                onClick={importChosen}
                loading={busy}
                disabled={chosen.length === 0 || !mysqlUser.trim()}
                data-testid="sshconfig-import"
              >
                Import {chosen.length} profile(s)
              </Button>
            </Group>
          </>
        )}
      </Stack>
    </Modal>
  );
}
