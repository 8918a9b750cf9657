import { Alert, Badge, Button, Checkbox, Group, Modal, Select, Stack, Table, Text, TextInput } from '@mantine/core';
import { useState } from 'react';
import type { SshConfigHost } from '../../../shared/contract/connections';
import { call } from '../../api';
import { useInlineErrorAction } from '../common/useInlineErrorAction';

/** What an SSH alias does not say: the MySQL side, the same for every imported profile. */
interface MysqlDefaults {
  user: string;
  host: string;
  port: string;
  database: string;
  environment: 'development' | 'staging' | 'production';
}

const MYSQL_TEXT_FIELDS: ReadonlyArray<{ key: Exclude<keyof MysqlDefaults, 'environment'>; label: string; testId?: string }> = [
  { key: 'user', label: 'MySQL user', testId: 'sshconfig-mysql-user' },
  { key: 'host', label: 'MySQL host (from the SSH host)' },
  { key: 'port', label: 'Port' },
  { key: 'database', label: 'Database' },
];

function MysqlDefaultsFields({ value, onChange }: { value: MysqlDefaults; onChange(next: MysqlDefaults): void }) {
  return (
    <Group grow>
      {MYSQL_TEXT_FIELDS.map((f) => (
        <TextInput
          key={f.key}
          label={f.label}
          value={value[f.key]}
          onChange={(e) => onChange({ ...value, [f.key]: e.currentTarget.value })}
          data-testid={f.testId}
        />
      ))}
      <Select
        label="Environment"
        value={value.environment}
        allowDeselect={false}
        onChange={(v) => v && onChange({ ...value, environment: v as MysqlDefaults['environment'] })}
        data={['development', 'staging', 'production']}
        comboboxProps={{ withinPortal: true }}
      />
    </Group>
  );
}

/** The aliases found, a box each; only new ones can be chosen. */
function AliasTable({ hosts, chosen, onChosen }: { hosts: SshConfigHost[]; chosen: string[]; onChosen(next: string[]): void }) {
  return (
    <Table withTableBorder data-testid="sshconfig-hosts">
      <Table.Tbody>
        {hosts.map((h) => (
          <Table.Tr key={h.alias}>
            <Table.Td w={32}>
              <Checkbox
                aria-label={`Import ${h.alias}`}
                disabled={h.status !== 'new'}
                checked={chosen.includes(h.alias)}
                onChange={(e) => onChosen(e.currentTarget.checked ? [...chosen, h.alias] : chosen.filter((a) => a !== h.alias))}
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
  );
}

/** The aliases read from the file, the chosen ones and the MySQL defaults; reading and importing share one busy flag and error. */
function useSshConfigImport(onImported: (count: number) => void) {
  const [path, setPath] = useState('');
  const [found, setFound] = useState<{ file: string; hosts: SshConfigHost[] } | null>(null);
  const [chosen, setChosen] = useState<string[]>([]);
  const [mysql, setMysql] = useState<MysqlDefaults>({
    user: '',
    host: '127.0.0.1',
    port: '3306',
    database: '',
    environment: 'development',
  });
  const { busy, error, run: guarded } = useInlineErrorAction();
  const file = () => path.trim() || undefined;

  const preview = () =>
    guarded(async () => {
      const r = await call('connections.importSshConfig', { path: file(), apply: false });
      setFound({ file: r.path, hosts: r.hosts });
      setChosen(r.hosts.filter((h) => h.status === 'new').map((h) => h.alias));
    });

  const importChosen = () =>
    guarded(async () => {
      const r = await call('connections.importSshConfig', {
        path: file(),
        apply: true,
        aliases: chosen,
        environment: mysql.environment,
        mysql: {
          host: mysql.host.trim(),
          port: Number(mysql.port),
          user: mysql.user.trim(),
          database: mysql.database.trim() || undefined,
        },
      });
      onImported(r.created.length);
    });

  return { path, setPath, found, chosen, setChosen, mysql, setMysql, error, busy, preview, importChosen };
}

/** Preview host aliases of ~/.ssh/config (or another file) and create profiles for the chosen ones. */
export function SshConfigImportModal({ onClose, onImported }: { onClose(): void; onImported(count: number): void }) {
  const { path, setPath, found, chosen, setChosen, mysql, setMysql, error, busy, preview, importChosen } =
    useSshConfigImport(onImported);
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
          <Button variant="default" onClick={preview} loading={busy && !found} data-testid="sshconfig-preview">
            Read aliases
          </Button>
        </Group>
        {error && <Alert color="red">{error}</Alert>}
        {found && (
          <>
            <Text size="sm" c="dimmed">
              {found.file}: {found.hosts.length} alias(es). Wildcard patterns are defaults, not hosts, and are not listed.
            </Text>
            <AliasTable hosts={found.hosts} chosen={chosen} onChosen={setChosen} />
            <Text size="sm">An SSH alias says nothing about MySQL: these settings apply to every imported profile.</Text>
            <MysqlDefaultsFields value={mysql} onChange={setMysql} />
            <Group justify="flex-end">
              <Button
                onClick={importChosen}
                loading={busy}
                disabled={chosen.length === 0 || !mysql.user.trim()}
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
