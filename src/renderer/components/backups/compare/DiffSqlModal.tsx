import { Button, CopyButton, Group, Modal, Stack, Textarea } from '@mantine/core';
import { Download } from 'lucide-react';
import { downloadBlob } from '../../common/downloadBlob';

export interface DiffSqlModalProps {
  /** The exported statements; null keeps the modal closed. */
  sql: string | null;
  /** The name the download gets (`gene_removed_rows.sql`). */
  filename: string;
  onClose(): void;
}

/** Selected diff rows as SQL (INSERT … ON DUPLICATE KEY UPDATE): read, copy, or download as a .sql file. */
export function DiffSqlModal({ sql, filename, onClose }: DiffSqlModalProps) {
  return (
    <Modal opened={sql !== null} onClose={onClose} title="Selected rows as SQL" size="xl" data-testid="diff-sql-modal">
      <Stack gap="xs">
        <Textarea
          value={sql ?? ''}
          readOnly
          autosize
          minRows={6}
          maxRows={18}
          styles={{ input: { fontFamily: 'monospace', fontSize: 12 } }}
          data-testid="diff-sql"
        />
        <Group justify="flex-end" gap="xs">
          <CopyButton value={sql ?? ''}>
            {({ copied, copy }) => (
              <Button size="xs" variant="default" onClick={copy}>
                {copied ? 'Copied' : 'Copy'}
              </Button>
            )}
          </CopyButton>
          <Button
            size="xs"
            leftSection={<Download size={14} />}
            onClick={() => sql !== null && downloadBlob(filename, new Blob([sql], { type: 'application/sql' }))}
            data-testid="diff-sql-download"
          >
            Download .sql
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
