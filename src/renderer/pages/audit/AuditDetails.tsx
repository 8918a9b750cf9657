import { Drawer, Stack, Text } from '@mantine/core';
import type { AuditEntry } from '../../../shared/contract/index';
import { KeyValueTable } from '../../components/common/KeyValueTable';
import { StructuredFields } from '../../components/details/StructuredFields';
import { formatDateTime } from '../../format';
import { AuditResultBadge } from './AuditResultBadge';

/** One audit entry in full: who, what, on which profile and target, the outcome and its details. */
export function AuditDetails({
  entry,
  profileName,
  onClose,
}: {
  entry: AuditEntry | null;
  profileName(id: string | null): string;
  onClose(): void;
}) {
  return (
    <Drawer
      opened={entry !== null}
      onClose={onClose}
      position="right"
      size="lg"
      title={entry ? `${entry.action} #${entry.id}` : ''}
      data-testid="audit-details"
    >
      {entry && (
        <Stack gap="md">
          <AuditResultBadge result={entry.result} />
          <KeyValueTable
            labelWidth={90}
            verticalSpacing={2}
            rows={(
              [
                ['When', formatDateTime(entry.at)],
                ['Actor', entry.actor],
                ['Door', entry.door ?? 'app'],
                ['Action', entry.action],
                ['Profile', profileName(entry.profileId)],
                ['Target', entry.target ?? '—'],
              ] as const
            ).map(
              ([label, value]) =>
                [
                  label,
                  <span key={label} style={{ wordBreak: 'break-all' }}>
                    {value}
                  </span>,
                ] as const,
            )}
          />
          {entry.details === null || entry.details === undefined ? (
            <Text size="sm" c="dimmed">
              No details were recorded.
            </Text>
          ) : (
            <StructuredFields title="Details" value={entry.details} testId="audit-details-data" rawTestId="audit-details-json" />
          )}
        </Stack>
      )}
    </Drawer>
  );
}
