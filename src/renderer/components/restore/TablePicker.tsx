import { Alert, Button, Card, Checkbox, Group, Radio, ScrollArea, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { FileSearch, Link2 } from 'lucide-react';
import { useEffect, useMemo, useState } from 'react';
import type { PreflightReport } from '../../../shared/contract/index';
import { FilterTextInput } from '../common/FilterTextInput';

export interface TablePickerProps {
  report: PreflightReport;
  checking: boolean;
  /** Re-run the preflight for these tables (null: the whole database). */
  onApply(tables: string[] | null): void;
}

/** The filter, "Select shown" / "Clear", how many are chosen, and one checkbox per shown table. */
function TableChecklist(props: {
  shown: string[];
  chosen: string[];
  onChosen(chosen: string[]): void;
  filter: string;
  onFilter(filter: string): void;
}) {
  const { shown, chosen, filter } = props;
  const setChosen = props.onChosen;
  const setFilter = props.onFilter;
  return (
    <>
      <Group gap="xs">
        <FilterTextInput
          size="xs"
          placeholder="filter tables"
          value={filter}
          onChange={setFilter}
          width={220}
          testId="restore-tables-filter"
        />
        <Button size="compact-xs" variant="subtle" onClick={() => setChosen(Array.from(new Set([...chosen, ...shown])))}>
          Select shown
        </Button>
        <Button size="compact-xs" variant="subtle" onClick={() => setChosen([])}>
          Clear
        </Button>
        <Text size="xs" c="dimmed" ml="auto" data-testid="restore-tables-count">
          {chosen.length} chosen
        </Text>
      </Group>
      <ScrollArea.Autosize mah={200}>
        <Checkbox.Group value={chosen} onChange={setChosen}>
          <SimpleGrid cols={{ base: 2, md: 4 }} spacing={4} verticalSpacing={4}>
            {shown.map((t) => (
              <Checkbox key={t} size="xs" value={t} label={t} data-testid="restore-table-option" data-name={t} />
            ))}
          </SimpleGrid>
        </Checkbox.Group>
      </ScrollArea.Autosize>
    </>
  );
}

/** When the chosen set would break a foreign key: the preflight's words, and a button adding the linked tables. */
function LinkedTablesAlert({ report, checking, onApply }: TablePickerProps) {
  const fkCheck = report.checks.find((c) => c.id === 'tables' && c.status === 'fail' && report.suggestedTables.length > 0);
  if (!fkCheck) return null;
  const linked = report.suggestedTables.filter((t) => !(report.scope ?? []).includes(t));
  return (
    <Alert color="orange" icon={<Link2 size={16} />} title="Linked by foreign keys" data-testid="restore-tables-fk">
      <Stack gap="xs">
        <Text size="sm">{fkCheck.message}</Text>
        <Group>
          <Button
            size="xs"
            color="orange"
            loading={checking}
            onClick={() => onApply(report.suggestedTables)}
            data-testid="restore-tables-include-linked"
          >
            Include {linked.length} linked table{linked.length === 1 ? '' : 's'}
          </Button>
        </Group>
      </Stack>
    </Alert>
  );
}

/**
 * Which tables of the file to restore: all of them (a whole-database restore, the default) or a chosen set
 * (a table restore: only those are swapped in). Choosing re-runs the preflight with `options.tables`; when
 * the set would break a foreign key, the preflight's words are shown with a button applying its suggestion.
 */
export function TablePicker({ report, checking, onApply }: TablePickerProps) {
  const scope = report.scope;
  const [mode, setMode] = useState<'all' | 'some'>(scope ? 'some' : 'all');
  const [chosen, setChosen] = useState<string[]>(scope ?? []);
  const [filter, setFilter] = useState('');
  const scopeKey = scope ? [...scope].sort(byFileOrder(report)).join('\n') : null;
  // A new report (after "Check these tables" or "Include linked tables") is the truth: follow its scope.
  // biome-ignore lint/correctness/useExhaustiveDependencies: scopeKey stands for scope (compared by value).
  useEffect(() => {
    setMode(scope ? 'some' : 'all');
    setChosen(scope ?? []);
  }, [scopeKey]);

  const shown = useMemo(() => {
    const text = filter.trim().toLowerCase();
    return report.fileTables.filter((t) => !text || t.toLowerCase().includes(text));
  }, [report.fileTables, filter]);
  if (report.fileTables.length === 0) return null;

  const ordered = [...chosen].sort(byFileOrder(report));
  const applied = mode === 'all' ? scope === null : scopeKey === ordered.join('\n');

  return (
    <Card withBorder padding="sm" data-testid="restore-table-picker" data-scope={scope ? scope.join(',') : 'all'}>
      <Group justify="space-between" mb="xs">
        <Title order={5}>Tables to restore</Title>
        <Text size="xs" c="dimmed">
          {report.fileTables.length} table(s) in the file
        </Text>
      </Group>
      <Stack gap="xs">
        <Radio.Group value={mode} onChange={(v) => setMode(v === 'some' ? 'some' : 'all')}>
          <Group gap="lg">
            <Radio value="all" label="All tables (the whole database is replaced)" data-testid="restore-tables-all" />
            <Radio
              value="some"
              label="Only some tables (every other table, view, routine and event stays as it is)"
              data-testid="restore-tables-some"
            />
          </Group>
        </Radio.Group>
        {mode === 'some' && (
          <TableChecklist shown={shown} chosen={chosen} onChosen={setChosen} filter={filter} onFilter={setFilter} />
        )}
        <LinkedTablesAlert report={report} checking={checking} onApply={onApply} />
        <Group justify="flex-end">
          <Button
            size="xs"
            variant={applied ? 'default' : 'filled'}
            leftSection={<FileSearch size={14} />}
            loading={checking}
            disabled={applied || (mode === 'some' && chosen.length === 0)}
            onClick={() => onApply(mode === 'all' ? null : ordered)}
            data-testid="restore-tables-apply"
          >
            {applied ? 'Preflight is for this choice' : 'Check these tables'}
          </Button>
        </Group>
      </Stack>
    </Card>
  );
}

function byFileOrder(report: PreflightReport): (a: string, b: string) => number {
  const index = new Map(report.fileTables.map((t, i) => [t, i]));
  return (a, b) => (index.get(a) ?? 0) - (index.get(b) ?? 0);
}
