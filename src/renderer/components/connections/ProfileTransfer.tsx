import { Alert, Button, FileButton, Group, Modal, Stack, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { Download, Upload } from 'lucide-react';
import { useState } from 'react';
import { call } from '../../api';
import { downloadBlob } from '../common/downloadBlob';
import { LabeledSegmentedControl } from '../common/LabeledSegmentedControl';
import { ModalActions } from '../common/ModalActions';
import { useBusyAction } from '../common/useBusyAction';
import { useInlineErrorAction } from '../common/useInlineErrorAction';

/** Export every profile as a JSON file (no secrets: only the names of secrets to enter again). */
export function ExportProfilesButton() {
  const { busy, run } = useBusyAction();
  const exportAll = () =>
    run(async () => {
      const doc = await call('profiles.export', {});
      downloadBlob(
        `sysndd-admin-profiles-${doc.exportedAt.slice(0, 10)}.json`,
        new Blob([`${JSON.stringify(doc, null, 2)}\n`], { type: 'application/json' }),
      );
      notifications.show({ color: 'green', message: `Exported ${doc.profiles.length} profile(s), without secrets.` });
    });
  return (
    <Button
      variant="default"
      leftSection={<Download size={16} />}
      onClick={exportAll}
      loading={busy}
      data-testid="profiles-export"
    >
      Export JSON
    </Button>
  );
}

type ConflictChoice = 'fail' | 'skip' | 'rename';

const CONFLICT_OPTIONS = [
  { value: 'skip', label: 'Skip it' },
  { value: 'rename', label: 'Import renamed' },
  { value: 'fail', label: 'Import nothing' },
] as const;

/** Import an export file; the whole file is checked before anything is created. */
export function ImportProfilesModal({ onClose, onImported }: { onClose(): void; onImported(): void }) {
  const [file, setFile] = useState<File | null>(null);
  const [onConflict, setOnConflict] = useState<ConflictChoice>('skip');
  const [result, setResult] = useState<string | null>(null);
  const { busy, error, run } = useInlineErrorAction();

  const importFile = () =>
    run(async () => {
      if (!file) return;
      const r = await call('profiles.import', { document: await file.text(), onConflict });
      const skipped = r.skipped.map((s) => `${s.name} (${s.reason})`).join(', ');
      setResult(
        `Created ${r.created.length}: ${r.created.map((p) => p.name).join(', ') || 'none'}.${skipped ? ` Skipped: ${skipped}.` : ''}`,
      );
      onImported();
    });

  return (
    <Modal opened onClose={onClose} title="Import profiles from JSON" data-testid="profiles-import-modal">
      <Stack>
        <Group>
          <FileButton onChange={setFile} accept="application/json,.json">
            {(props) => (
              <Button variant="default" leftSection={<Upload size={16} />} {...props} data-testid="profiles-import-file">
                Choose file
              </Button>
            )}
          </FileButton>
          <Text size="sm">{file?.name ?? 'No file chosen'}</Text>
        </Group>
        <LabeledSegmentedControl
          label="When a name already exists"
          value={onConflict}
          onChange={(choice) => setOnConflict(choice)}
          options={CONFLICT_OPTIONS}
        />
        <Text size="sm" c="dimmed">
          Exports hold no passwords: enter them in each imported profile.
        </Text>
        {error && <Alert color="red">{error}</Alert>}
        {result && (
          <Alert color="green" data-testid="profiles-import-result">
            {result}
          </Alert>
        )}
        <ModalActions onCancel={onClose} cancelLabel="Close">
          <Button onClick={importFile} disabled={!file} loading={busy} data-testid="profiles-import-run">
            Import
          </Button>
        </ModalActions>
      </Stack>
    </Modal>
  );
}
