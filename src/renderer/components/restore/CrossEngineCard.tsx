import { Badge, Card, Stack, Table, Text, Title } from '@mantine/core';
import type { PreflightReport } from '../../../shared/contract/index';
import { PlainTableHead } from '../common/PlainTableHead';

/**
 * What a restore across engines (MySQL ↔ MariaDB) changes or refuses: collations mapped to the target's
 * nearest, generated columns whose expression the target rejects (stored as plain columns only when the
 * option is ticked), and DDL statements the target rejected in the scratch-schema rehearsal.
 */
export function CrossEngineCard({ report }: { report: PreflightReport }) {
  const x = report.crossEngine;
  if (!x.collations.length && !x.generatedColumns.length && !x.ddlRejected.length) return null;
  return (
    <Card withBorder padding="sm" data-testid="preflight-cross-engine">
      <Title order={5} mb="xs">
        Across engines
      </Title>
      <Stack gap="xs">
        {x.collations.length > 0 && (
          <Table data-testid="preflight-collations">
            <PlainTableHead titles={['Collation in the file', 'Created on this server as']} />
            <Table.Tbody>
              {x.collations.map((m) => (
                <Table.Tr key={m.from} data-testid="preflight-collation" data-from={m.from} data-to={m.to}>
                  <Table.Td>{m.from}</Table.Td>
                  <Table.Td>{m.to}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
        {x.generatedColumns.length > 0 && (
          <Table data-testid="preflight-generated">
            <PlainTableHead titles={['Generated column', 'Expression', 'Server says', 'Here']} />
            <Table.Tbody>
              {x.generatedColumns.map((g) => (
                <Table.Tr key={`${g.table}.${g.column}`} data-testid="preflight-generated-column" data-action={g.action}>
                  <Table.Td>
                    {g.table}.{g.column}
                  </Table.Td>
                  <Table.Td>
                    <code>{g.expression}</code>
                  </Table.Td>
                  <Table.Td>{g.serverMessage}</Table.Td>
                  <Table.Td>
                    <Badge size="sm" variant="light" color={g.action === 'plain' ? 'yellow' : 'red'}>
                      {g.action === 'plain' ? 'plain column' : 'refused'}
                    </Badge>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
        {x.generatedColumns.some((g) => g.action === 'refused') && (
          <Text size="xs" c="dimmed">
            To restore anyway, go back and tick “Store generated columns this server rejects as plain columns”: they then hold the
            values the file has (dumps leave generated columns out, so NULL).
          </Text>
        )}
        {x.ddlRejected.length > 0 && (
          <Table data-testid="preflight-ddl-rejected">
            <PlainTableHead titles={['Statement the server rejects', 'Server says']} />
            <Table.Tbody>
              {x.ddlRejected.map((d) => (
                <Table.Tr key={`${d.statement}:${d.serverMessage}`}>
                  <Table.Td>{d.statement}</Table.Td>
                  <Table.Td>{d.serverMessage}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </Stack>
    </Card>
  );
}
