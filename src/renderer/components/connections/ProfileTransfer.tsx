import { Alert, Button, FileButton, Group, Modal, SegmentedControl, Stack, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { Download, Upload } from 'lucide-react';
import { useState } from 'react';
import { call, errorMessage } from '../../api';

/** Export every profile as a JSON file (no secrets: only the names of secrets to enter again). */
export function ExportProfilesButton() {
  const [busy, setBusy] = useState(false);
  async function exportAll() {
    setBusy(true);
    try {
      const doc = await call('profiles.export', {});
      const url = URL.createObjectURL(new Blob([`${JSON.stringify(doc, null, 2)}\n`], { type: 'application/json' }));
      const a = document.createElement('a');
      a.href = url;
      a.download = `sysndd-admin-profiles-${doc.exportedAt.slice(0, 10)}.json`;
      a.click();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
      notifications.show({ color: 'green', message: `Exported ${doc.profiles.length} profile(s), without secrets.` });
    } catch (err) {
      notifications.show({ color: 'red', message: errorMessage(err) });
    } finally {
      setBusy(false);
    }
  }
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

/** Import an export file; the whole file is checked before anything is created. */
export function ImportProfilesModal({ onClose, onImported }: { onClose(): void; onImported(): void }) {
  const [file, setFile] = useState<File | null>(null);
  const [onConflict, setOnConflict] = useState<'fail' | 'skip' | 'rename'>('skip');
  const [result, setResult] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function run() {
    if (!file) return;
    setBusy(true);
    setError(null);
    try {
      const r = await call('profiles.import', { document: await file.text(), onConflict });
      const skipped = r.skipped.map((s) => `${s.name} (${s.reason})`).join(', ');
      setResult(
        `Created ${r.created.length}: ${r.created.map((p) => p.name).join(', ') || 'none'}.${skipped ? ` Skipped: ${skipped}.` : ''}`,
      );
      onImported();
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }

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
        <div>
          <Text size="sm" fw={500} mb={4}>
            When a name already exists
          </Text>
          <SegmentedControl
            value={onConflict}
            onChange={(v) => setOnConflict(v as typeof onConflict)}
            data={[
              { value: 'skip', label: 'Skip it' },
              { value: 'rename', label: 'Import renamed' },
              { value: 'fail', label: 'Import nothing' },
            ]}
          />
        </div>
        <Text size="sm" c="dimmed">
          Exports hold no passwords: enter them in each imported profile.
        </Text>
        {error && <Alert color="red">{error}</Alert>}
        {result && (
          <Alert color="green" data-testid="profiles-import-result">
            {result}
          </Alert>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Close
          </Button>
          <Button onClick={run} disabled={!file} loading={busy} data-testid="profiles-import-run">
            Import
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
