import { Alert, Button, Code, Group, SimpleGrid, Stack, Text } from '@mantine/core';
import { CircleCheck, CircleX, RotateCcw, Trash2, TriangleAlert, Undo2 } from 'lucide-react';
import type { JobSnapshot, RestoreRecord } from '../../../shared/contract/index';
import { formatBytes, formatDuration } from '../../format';
import { navigate } from '../../router';
import { LabeledValue } from '../common/LabeledValue';
import type { RestoreJobResult } from './model';

export interface RestoreResultProps {
  job: JobSnapshot;
  /** The restore record, reloaded after rollback / discard; null before it is known (or for a refusal). */
  record: RestoreRecord | null;
  onRollback(record: RestoreRecord): void;
  onDiscard(record: RestoreRecord): void;
  onStartOver(): void;
}

function Stat({ label, value, testId }: { label: string; value: string; testId?: string }) {
  return (
    <LabeledValue label={label} testId={testId} fw={500}>
      {value}
    </LabeledValue>
  );
}

/**
 * Migrations the restored backup predates: schema_version no longer lists them, so they are pending again
 * and "Run pending" would run them a second time (it asks for the database name first, on any profile).
 */
function RewoundMigrations({ files }: { files: NonNullable<RestoreJobResult['rewoundMigrations']> }) {
  if (files.length === 0) return null;
  return (
    <Alert
      color="orange"
      icon={<TriangleAlert size={18} />}
      title={`${files.length} migration(s) will run again`}
      data-testid="restore-result-rewound"
    >
      <Stack gap={2}>
        {files.map((f) => (
          <Text size="sm" key={f.filename} data-testid="restore-result-rewound-file" data-filename={f.filename}>
            <Code>{f.filename}</Code>: {f.reason}.
          </Text>
        ))}
      </Stack>
      <Text size="sm" mt="xs">
        They are pending again on the Migrations page. Check that each is safe to run twice before Run pending, which asks for the
        database name first on any profile.
      </Text>
      <Button size="xs" variant="light" color="orange" mt="xs" onClick={() => navigate('migrations')}>
        Open Migrations
      </Button>
    </Alert>
  );
}

/** The last step: what was restored, where the old data is, and rollback / discard while possible. */
export function RestoreResult({ job, record, onRollback, onDiscard, onStartOver }: RestoreResultProps) {
  if (job.state !== 'succeeded') {
    const cancelled = job.state === 'cancelled';
    return (
      <Stack gap="sm" data-testid="restore-result" data-outcome={job.state}>
        <Alert
          color={cancelled ? 'yellow' : 'red'}
          icon={<CircleX size={18} />}
          title={cancelled ? 'Restore cancelled' : 'Restore failed'}
        >
          <Text size="sm" data-testid="restore-result-error">
            {job.error ? `${job.error.message} (${job.error.code})` : 'The job ended without a result.'}
          </Text>
          {record?.phase !== 'rolling-back' && (
            <Text size="sm" mt="xs">
              {record?.prevSchema
                ? 'It stopped after the swap; the previous tables were swapped back.'
                : 'The live database was not changed; the shadow copy was dropped.'}
            </Text>
          )}
        </Alert>
        <Group>
          <Button variant="default" leftSection={<RotateCcw size={16} />} onClick={onStartOver} data-testid="restore-again">
            Start over
          </Button>
        </Group>
      </Stack>
    );
  }
  const r = job.result as RestoreJobResult;
  const phase = record?.phase ?? 'completed';
  return (
    <Stack gap="sm" data-testid="restore-result" data-outcome="succeeded" data-phase={phase}>
      <Alert
        color={phase === 'rolled-back' ? 'orange' : 'green'}
        icon={<CircleCheck size={18} />}
        title={phase === 'rolled-back' ? `The restore of ${r.targetDatabase} was rolled back` : `${r.targetDatabase} restored`}
      >
        {phase === 'rolled-back'
          ? 'The previous tables are live again; the restored ones were dropped.'
          : phase === 'discarded'
            ? 'The previous tables were discarded; this restore is final.'
            : `Verified and swapped in atomically. The previous tables are kept in ${r.prevSchema} until you discard them.`}
      </Alert>
      <SimpleGrid cols={{ base: 2, md: 4 }}>
        <Stat label="Tables" value={r.stats.tables.toLocaleString()} testId="restore-result-tables" />
        <Stat label="Rows" value={r.stats.rows.toLocaleString()} testId="restore-result-rows" />
        <Stat label="SQL loaded" value={formatBytes(r.stats.bytes)} />
        <Stat label="Took" value={formatDuration(r.stats.totalMs / 1000)} />
      </SimpleGrid>
      <Text size="sm" data-testid="restore-result-prebackup">
        Pre-restore backup: {r.preRestoreBackup ?? 'none needed (the target was new or empty)'}
      </Text>
      <RewoundMigrations files={r.rewoundMigrations ?? []} />
      {r.stats.warnings.length > 0 && (
        <Alert color="yellow" title="Warnings">
          {r.stats.warnings.join(' ')}
        </Alert>
      )}
      <Group>
        {record?.rollbackAvailable && (
          <>
            <Button
              color="orange"
              leftSection={<Undo2 size={16} />}
              onClick={() => onRollback(record)}
              data-testid="restore-rollback"
            >
              Roll back
            </Button>
            <Button
              variant="default"
              leftSection={<Trash2 size={16} />}
              onClick={() => onDiscard(record)}
              data-testid="restore-discard"
            >
              Discard previous tables
            </Button>
          </>
        )}
        <Button variant="subtle" leftSection={<RotateCcw size={16} />} onClick={onStartOver} data-testid="restore-again">
          Restore another
        </Button>
      </Group>
    </Stack>
  );
}
