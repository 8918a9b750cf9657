import {
  Badge,
  Button,
  Checkbox,
  Fieldset,
  Group,
  NumberInput,
  ScrollArea,
  Select,
  Stack,
  Switch,
  Table,
  Text,
  TextInput,
} from '@mantine/core';
import { FileSearch } from 'lucide-react';
import { useMemo, useState } from 'react';
import type { BackupEntry, Profile } from '../../../shared/contract/index';
import { formatBytes, formatDateTime } from '../../format';
import { useCall } from '../../hooks/useCall';
import { useAppStore } from '../../state/appStore';
import type { SegmentOption } from '../common/ChoiceControl';
import { FilterTextInput } from '../common/FilterTextInput';
import { LabeledSegmentedControl } from '../common/LabeledSegmentedControl';
import { LoadErrorAlert } from '../common/LoadErrorAlert';
import { PlainTableHead } from '../common/PlainTableHead';
import type { RestoreSelection } from './model';

/** Rows drawn at once: the folder may hold thousands of dumps; the filter narrows them. */
const SHOWN = 50;

const STATUS_COLOR: Record<BackupEntry['status'], string> = {
  complete: 'green',
  incomplete: 'red',
  corrupt: 'red',
  unknown: 'gray',
};

function BackupPicker({ profile, file, onPick }: { profile: Profile; file: string; onPick(path: string): void }) {
  const list = useCall('backups.list', { profileId: profile.id, refreshRemote: false });
  const [filter, setFilter] = useState('');
  const local = useMemo(() => (list.data?.entries ?? []).filter((e) => e.localPath), [list.data]);
  const matching = useMemo(() => {
    const text = filter.trim().toLowerCase();
    return local
      .filter((e) => !text || e.name.toLowerCase().includes(text))
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  }, [local, filter]);
  return (
    <Stack gap="xs">
      <Group justify="space-between" align="flex-end">
        <FilterTextInput
          label={`Backups in ${list.data?.localDir ?? 'the local folder'}`}
          placeholder="filter by name"
          value={filter}
          onChange={setFilter}
          width={320}
          testId="restore-backup-filter"
        />
        <Text size="xs" c="dimmed">
          {matching.length > SHOWN ? `newest ${SHOWN} of ${matching.length} shown` : `${matching.length} backup(s)`}
        </Text>
      </Group>
      {list.error && <LoadErrorAlert title="Could not list the backups" error={list.error} />}
      <ScrollArea.Autosize mah={260}>
        <Table highlightOnHover striped data-testid="restore-backup-table">
          <PlainTableHead titles={['Name', 'Created', 'Size', 'Format', 'Status']} />
          <Table.Tbody>
            {matching.slice(0, SHOWN).map((e) => {
              const selected = e.localPath === file;
              return (
                <Table.Tr
                  key={e.name}
                  onClick={() => onPick(e.localPath as string)}
                  style={{ cursor: 'pointer' }}
                  bg={selected ? 'var(--mantine-color-blue-light)' : undefined}
                  aria-selected={selected}
                  data-testid="restore-backup-row"
                  data-name={e.name}
                >
                  <Table.Td>{e.name}</Table.Td>
                  <Table.Td>{formatDateTime(e.createdAt)}</Table.Td>
                  <Table.Td>{formatBytes(e.size)}</Table.Td>
                  <Table.Td>{e.format === 'sysndd-admin' ? 'ours' : 'dump'}</Table.Td>
                  <Table.Td>
                    <Badge size="sm" variant="light" color={STATUS_COLOR[e.status]}>
                      {e.status}
                    </Badge>
                  </Table.Td>
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
        {list.data && local.length === 0 && (
          <Text size="sm" c="dimmed" p="sm" data-testid="restore-no-backups">
            No local backups for this profile yet: create one on the Backups page, or give the path of a dump file below.
          </Text>
        )}
      </ScrollArea.Autosize>
    </Stack>
  );
}

const DEFINER_CHOICES: ReadonlyArray<SegmentOption<RestoreSelection['options']['definer']>> = [
  { value: 'keep', label: 'Keep' },
  { value: 'strip', label: 'Strip (restoring account)' },
];

/** How the load runs: DEFINERs, connections, checksum comparison, and the allowances for foreign dumps. */
function LoadOptionsFields({
  options,
  onChange,
}: {
  options: RestoreSelection['options'];
  onChange(options: RestoreSelection['options']): void;
}) {
  const setOption = (patch: Partial<RestoreSelection['options']>) => onChange({ ...options, ...patch });
  return (
    <Fieldset legend="Options" variant="filled">
      <Group gap="xl" align="flex-end">
        <LabeledSegmentedControl
          label="DEFINER of views, triggers, routines, events"
          value={options.definer}
          onChange={(definer) => setOption({ definer })}
          options={DEFINER_CHOICES}
          testId="restore-definer"
        />
        <NumberInput
          label="Loader connections"
          min={1}
          max={8}
          w={170}
          value={options.workers}
          onChange={(v) => setOption({ workers: Math.min(8, Math.max(1, Number(v) || 1)) })}
        />
        <Switch
          label="Compare CHECKSUM TABLE (our backups)"
          checked={options.verifyChecksums}
          onChange={(e) => setOption({ verifyChecksums: e.currentTarget.checked })}
        />
        <Checkbox
          label='Accept a dump without "-- Dump completed"'
          checked={options.allowMissingCompletionMarker}
          onChange={(e) => setOption({ allowMissingCompletionMarker: e.currentTarget.checked })}
        />
        <Checkbox
          label="Without a temporary load account (allowlist only; for accounts without CREATE USER)"
          description="The restore is audited as parser-only confinement."
          checked={options.confinement === 'parser-only'}
          onChange={(e) => setOption({ confinement: e.currentTarget.checked ? 'parser-only' : 'server' })}
          data-testid="restore-parser-only"
        />
        <Checkbox
          label="Store generated columns this server rejects as plain columns"
          description="Across engines: named in the preflight; they keep the file's values (NULL when the dump left them out)."
          checked={options.storeGeneratedAsPlain}
          onChange={(e) => setOption({ storeGeneratedAsPlain: e.currentTarget.checked })}
          data-testid="restore-generated-as-plain"
        />
      </Group>
    </Fieldset>
  );
}

export interface ChooseSourceProps {
  profile: Profile;
  value: RestoreSelection;
  onChange(next: RestoreSelection): void;
  checking: boolean;
  onNext(): void;
}

/**
 * Step 1: a backup of the current profile (or any .sql / .sql.gz on this machine, e.g. a mariadb-dump
 * file), the target profile and database (another database or another server is a "restore into"), and
 * the load options.
 */
export function ChooseSource({ profile, value, onChange, checking, onNext }: ChooseSourceProps) {
  const profiles = useAppStore((s) => s.profiles);
  const target = profiles.find((p) => p.id === value.targetProfileId) ?? null;
  const set = (patch: Partial<RestoreSelection>) => onChange({ ...value, ...patch });
  return (
    <Stack gap="md">
      <BackupPicker profile={profile} file={value.file} onPick={(file) => set({ file })} />
      <TextInput
        label="Backup file"
        description="Chosen above, or the path of a mysqldump / mariadb-dump .sql or .sql.gz file on this machine"
        placeholder="/path/to/dump.sql.gz"
        value={value.file}
        onChange={(e) => set({ file: e.currentTarget.value })}
        data-testid="restore-file"
      />
      <Group grow align="flex-start">
        <Select
          label="Target profile"
          description="The server to restore into"
          data={profiles.map((p) => ({ value: p.id, label: `${p.name} (${p.environment})` }))}
          value={value.targetProfileId}
          onChange={(v) => v && set({ targetProfileId: v })}
          allowDeselect={false}
          data-testid="restore-target-profile"
        />
        <TextInput
          label="Target database"
          description={`Empty: the profile's database (${target?.mysql.database ?? 'none set'}); a new name is created`}
          placeholder={target?.mysql.database ?? 'database name'}
          value={value.targetDatabase}
          onChange={(e) => set({ targetDatabase: e.currentTarget.value })}
          data-testid="restore-target-db"
        />
      </Group>
      <LoadOptionsFields options={value.options} onChange={(options) => set({ options })} />
      <Group justify="flex-end">
        <Button
          leftSection={<FileSearch size={16} />}
          onClick={onNext}
          loading={checking}
          disabled={!value.file.trim() || !target}
          data-testid="restore-run-preflight"
        >
          Check (preflight)
        </Button>
      </Group>
    </Stack>
  );
}
